/**
 * Text from the air (node names, channel senders and messages) is hostile: an
 * ESC starts a terminal escape in a log viewer, U+202E turns "evil.exe" into
 * "exe.live" in the UI, a NUL cuts strings short. The decoder cleans every
 * string it decodes here, once, so the store, UI, API, logs and MQTT all get
 * the same clean text; the raw packet bytes are kept as they came.
 */

/**
 * C0 and C1 control characters, DEL, the Unicode bidirectional controls
 * (embeddings, overrides, isolates, marks) and the line/paragraph separators.
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
/** The same, but keeping line feeds (a message may have several lines). */
const UNSAFE_KEEP_LF =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** A name (node, sender): every control and bidi character removed. */
export function safeName(s: string): string {
  return s.replace(UNSAFE, "");
}

/** Message text: the same, except that line feeds stay. */
export function safeText(s: string): string {
  return s.replace(UNSAFE_KEEP_LF, "");
}

/** Replaces each unsafe character with `by` (one-line summaries keep their spacing). */
export function replaceUnsafe(s: string, by: string): string {
  return s.replace(UNSAFE, by);
}
