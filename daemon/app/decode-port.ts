import type { DecodePort } from "../http/ports.ts";
import { breakdown } from "../protocol/breakdown.ts";
import { decodePacket } from "../protocol/decode.ts";
import { toJson } from "../protocol/json.ts";
import type { DecodeContext } from "../protocol/types.ts";

/** Full decode with the byte breakdown, for the API's packet detail and POST /api/decode. */
export function decodePort(context: () => DecodeContext): DecodePort {
  return {
    decode(raw) {
      const r = decodePacket(raw, context());
      const ranges = breakdown(raw, r);
      if (r.ok) return { ok: true, packet: toJson(r), breakdown: ranges };
      return { ok: false, error: `${r.error.code}: ${r.error.message}`, breakdown: ranges };
    },
  };
}
