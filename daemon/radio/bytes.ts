/** Text fields of radio frames. Byte and hex helpers live in core/bytes.ts. */
import { cString } from "../core/bytes.ts";
import { safeName } from "../protocol/text.ts";

/**
 * Decode a fixed-size, NUL-padded text field from the radio. Names come from
 * the air or from user settings: cap the length and drop control and bidi characters.
 */
export function cleanText(b: Uint8Array | null, max = 64): string | null {
  if (!b) return null;
  // Bidi overrides too: one cleaner for every name (protocol/text.ts).
  const clean = safeName(cString(b)).trim();
  return clean.length > max ? clean.slice(0, max) : clean;
}
