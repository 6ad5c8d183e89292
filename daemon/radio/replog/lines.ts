/**
 * Repeater console lines (firmware built with MESH_PACKET_LOGGING=1).
 * Formats: src/Dispatcher.cpp (RX/TX lines), examples/simple_repeater/MyMesh.cpp
 * (logRxRaw: "RAW: <hex>"), examples/simple_repeater/main.cpp (CLI replies
 * printed as "  -> <reply>"). Everything else on the console is "other".
 * Pure; never throws.
 */
import { fromHex } from "../../core/bytes.ts";

/** A RAW line for a 255-byte packet is ~540 chars; anything much longer is junk. */
export const MAX_LINE = 2048;

export type ConsoleLine =
  | { readonly kind: "raw"; readonly raw: Uint8Array }
  | {
      readonly kind: "rx";
      readonly len: number | null;
      readonly snr: number | null;
      readonly rssi: number | null;
      readonly hash: string | null;
    }
  | { readonly kind: "tx"; readonly len: number | null }
  | { readonly kind: "reply"; readonly text: string }
  | { readonly kind: "other" }
  | { readonly kind: "bad"; readonly why: string };

const RAW_RE = /\bRAW: ?([0-9A-Fa-f]*)\s*$/;
const RXTX_RE = /:\s*(RX|TX), (.*)$/;
const num = (s: string, key: string): number | null => {
  const m = new RegExp(`\\b${key}=(-?\\d+)`).exec(s);
  return m ? Number(m[1]) : null;
};

export function parseConsoleLine(line: string): ConsoleLine {
  const reply = /^\s*-> ?(.*)$/.exec(line);
  if (reply) return { kind: "reply", text: reply[1]!.slice(0, 512) };
  const raw = RAW_RE.exec(line);
  if (raw) {
    const bytes = fromHex(raw[1]!);
    if (!bytes) return { kind: "bad", why: "RAW hex is not whole bytes" };
    if (bytes.length < 2 || bytes.length > 255)
      return { kind: "bad", why: `RAW of ${bytes.length} bytes` };
    return { kind: "raw", raw: bytes };
  }
  // A RAW line garbled by other console output: a lost packet, so count it.
  if (line.includes("RAW:")) return { kind: "bad", why: "unreadable RAW line" };
  const rxtx = RXTX_RE.exec(line);
  if (rxtx) {
    const rest = rxtx[2]!;
    if (rxtx[1] === "TX") return { kind: "tx", len: num(rest, "len") };
    const hash = /\bhash=([0-9A-Fa-f]{16})\b/.exec(rest);
    return {
      kind: "rx",
      len: num(rest, "len"),
      snr: num(rest, "SNR"),
      rssi: num(rest, "RSSI"),
      hash: hash ? hash[1]!.toLowerCase() : null,
    };
  }
  return { kind: "other" };
}

/** Splits console bytes into lines; caps line length and counts what it drops. */
export class LineSplitter {
  private partial = "";
  private skipping = false;
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });
  readonly counters = { lines: 0, overlongLines: 0 };

  push(chunk: Uint8Array): string[] {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    const out: string[] = [];
    for (const p of parts) {
      if (this.skipping) {
        this.skipping = false; // the tail of an overlong line
        continue;
      }
      if (p.length > MAX_LINE) {
        this.counters.overlongLines++;
        continue;
      }
      this.counters.lines++;
      out.push(p.replace(/\r/g, ""));
    }
    if (this.partial.length > MAX_LINE) {
      this.counters.overlongLines++;
      this.partial = "";
      this.skipping = true;
    }
    return out;
  }
}

/** `get radio` reply: "> freq,bw,sf,cr" (CommonCLI.cpp). */
export function parseRadioReply(text: string) {
  const m = /^>\s*([\d.]+),([\d.]+),(\d+),(\d+)/.exec(text);
  if (!m) return null;
  return { freqMHz: Number(m[1]), bwKHz: Number(m[2]), sf: Number(m[3]), cr: Number(m[4]) };
}

/** `clock` reply: "HH:MM - d/m/yyyy UTC" -> epoch seconds (minute resolution). */
export function parseClockReply(text: string): number | null {
  const m = /(\d{1,2}):(\d{2})(?::(\d{2}))? - (\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text);
  if (!m) return null;
  const [h, mi, s, d, mo, y] = [m[1], m[2], m[3] ?? "0", m[4], m[5], m[6]].map(Number) as number[];
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** `stats-*` replies are one JSON object; anything else is null. */
export function parseJsonReply(text: string): Record<string, unknown> | null {
  if (!text.startsWith("{")) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
