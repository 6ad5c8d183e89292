/**
 * `meshgate decode <hex>...`: decode packets given as arguments, or as hex
 * lines on stdin when there are none. Human-readable breakdown by default,
 * one JSON object per line with --json. Exit code 0 when every packet
 * decoded, 1 when any did not, 2 on a usage error.
 */
import { createInterface } from "node:readline";
import { fromHex, toHex as hex } from "../core/bytes.ts";
import { breakdown } from "../protocol/breakdown.ts";
import { channelKeysFromConfig } from "../protocol/channels.ts";
import { payloadTypeName, routeName } from "../protocol/constants.ts";
import { decodePacket } from "../protocol/decode.ts";
import { summarize, toJson } from "../protocol/json.ts";
import type { ChannelKey, DecodeContext, DecodeResult } from "../protocol/types.ts";

export interface DecodeIO {
  stdin: NodeJS.ReadableStream;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const USAGE = `usage: meshgate decode [--json] [--channel NAME]... [--key HEX]... [--region NAME]...
                       [--no-public] [--no-verify] [HEX...]
  Decodes MeshCore packets given as hex (arguments, or one per line on stdin).
  --channel NAME  decrypt the #hashtag channel NAME     --key HEX  decrypt a 16/32-byte key
  --region NAME   match transport scope codes           --json     one JSON object per line
`;

interface Options {
  json: boolean;
  ctx: DecodeContext;
  inputs: string[];
}

function parse(
  argv: readonly string[],
  channels: readonly { name: string; key?: string }[],
): Options {
  const extra: { name: string; key?: string }[] = [...channels];
  const regions: string[] = [];
  const inputs: string[] = [];
  let json = false;
  let includePublic = true;
  let verifySignatures = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new RangeError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--json") json = true;
    else if (arg === "--no-public") includePublic = false;
    else if (arg === "--no-verify") verifySignatures = false;
    else if (arg === "--channel") extra.push({ name: value() });
    else if (arg === "--key") {
      const key = value();
      extra.push({ name: `key:${key.slice(0, 8).toLowerCase()}`, key });
    } else if (arg === "--region") regions.push(value());
    else if (arg.startsWith("--")) throw new RangeError(`unknown option ${arg}`);
    else inputs.push(arg);
  }
  const keys: ChannelKey[] = channelKeysFromConfig(extra, includePublic);
  return { json, ctx: { channels: keys, regions, verifySignatures }, inputs };
}

function parseHex(line: string): Uint8Array | null {
  const clean = line.trim().replace(/^0x/i, "").replace(/[\s:]/g, "");
  return clean.length === 0 ? null : fromHex(clean);
}

function human(raw: Uint8Array, res: DecodeResult): string {
  const p = res.ok ? res.packet : res.partial;
  const head = [
    p.hash ?? "----------------",
    p.route !== undefined ? routeName(p.route) : "?",
    p.payloadType !== undefined ? payloadTypeName(p.payloadType) : "?",
    `${raw.length} B`,
  ].join(" ");
  const lines = [`${head}  ${summarize(res)}`];
  for (const r of breakdown(raw, res)) {
    const bytes = raw.subarray(r.start, r.end);
    const shown = bytes.length > 24 ? `${hex(bytes.subarray(0, 24))}…` : hex(bytes);
    const span = `${r.start}..${r.end - 1}`.padEnd(9);
    lines.push(`  ${span} ${r.field.padEnd(16)} ${shown}  ${r.label}`);
  }
  if (!res.ok)
    lines.push(`  error ${res.error.code} at byte ${res.error.offset}: ${res.error.message}`);
  return `${lines.join("\n")}\n`;
}

export async function runDecode(
  argv: string[],
  io: DecodeIO,
  channels: { name: string; key?: string }[] = [],
): Promise<number> {
  let opts: Options;
  try {
    opts = parse(argv, channels);
  } catch (err) {
    io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  let failures = 0;
  const one = (line: string): void => {
    if (line.trim() === "") return;
    const raw = parseHex(line);
    if (raw === null) {
      failures++;
      const bad = line.trim().slice(0, 40);
      if (opts.json)
        io.stdout.write(
          `${JSON.stringify({ error: { code: "E_HEX", message: `not hex: ${bad}` } })}\n`,
        );
      else io.stderr.write(`not hex: ${bad}\n`);
      return;
    }
    const res = decodePacket(raw, opts.ctx);
    if (!res.ok) failures++;
    io.stdout.write(
      opts.json
        ? `${JSON.stringify({ ...toJson(res), summary: summarize(res) })}\n`
        : human(raw, res),
    );
  };
  if (opts.inputs.length > 0) {
    for (const h of opts.inputs) one(h);
  } else {
    const rl = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of rl) one(line.slice(0, 2048));
  }
  return failures === 0 ? 0 : 1;
}
