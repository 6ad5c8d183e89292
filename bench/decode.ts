/**
 * Decode throughput over the real-traffic corpus, meshgate's codec against
 * @michaelhart/meshcore-decoder doing comparable work, plus a 1,000,000-buffer
 * fuzz run. Prints a markdown table. Run: node --import tsx bench/decode.ts
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MeshCoreDecoder } from "@michaelhart/meshcore-decoder";
import { toHex } from "../daemon/core/bytes.ts";
import { channelKeysFromConfig } from "../daemon/protocol/channels.ts";
import { hashtagKey, PUBLIC_CHANNEL_KEY } from "../daemon/protocol/crypto.ts";
import { decodePacket } from "../daemon/protocol/decode.ts";
import type { DecodeContext } from "../daemon/protocol/types.ts";
import { generate, mutate } from "../test/support/protocol/gen.ts";
import { TestRng } from "../test/support/rng.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const corpusFile = path.resolve(root, "../shared/corpus/corescope-fixture-packets.jsonl");
const HASHTAGS = ["#test", "#wardriving", "#bot", "#chat"];

function loadHex(): { source: string; hexes: string[] } {
  if (existsSync(corpusFile)) {
    const hexes = readFileSync(corpusFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { raw: string }).raw);
    return { source: `corpus (${hexes.length} real packets)`, hexes };
  }
  const r = new TestRng(7);
  const hexes = Array.from({ length: 500 }, () => toHex(generate(r).raw));
  return { source: "synthetic (corpus absent: 500 generated packets)", hexes };
}

/** Packets per second of `pass` (one pass = every packet once), measured for ~`ms`. */
function rate(pass: () => void, packets: number, ms = 1500): number {
  for (let i = 0; i < 3; i++) pass(); // warm up the JIT
  let passes = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    pass();
    passes++;
    t = performance.now();
  }
  return (passes * packets) / ((t - t0) / 1000);
}

async function rateAsync(pass: () => Promise<void>, packets: number, ms = 3000): Promise<number> {
  await pass();
  let passes = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    await pass();
    passes++;
    t = performance.now();
  }
  return (passes * packets) / ((t - t0) / 1000);
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  const { source, hexes } = loadHex();
  const n = hexes.length;
  const ours = channelKeysFromConfig(
    HASHTAGS.map((name) => ({ name })),
    true,
  );
  const keyStore = MeshCoreDecoder.createKeyStore({
    channelSecrets: [toHex(PUBLIC_CHANNEL_KEY), ...HASHTAGS.map((h) => toHex(hashtagKey(h)))],
  });
  // Both sides start from the hex string, as the reference decoder's API takes hex.
  const mine = (ctx: DecodeContext) => () => {
    for (const h of hexes) decodePacket(new Uint8Array(Buffer.from(h, "hex")), ctx);
  };
  const rows: [string, number, number][] = [];
  rows.push([
    "structure only (header, path, payload fields, hash)",
    rate(mine({ channels: [], verifySignatures: false }), n),
    rate(() => {
      for (const h of hexes) MeshCoreDecoder.decode(h);
    }, n),
  ]);
  rows.push([
    "+ channel decryption (public + 4 hashtag keys)",
    rate(mine({ channels: ours, verifySignatures: false }), n),
    rate(() => {
      for (const h of hexes) MeshCoreDecoder.decode(h, { keyStore });
    }, n),
  ]);
  rows.push([
    "+ decryption + Ed25519 advert signature verification",
    rate(mine({ channels: ours, verifySignatures: true }), n),
    await rateAsync(async () => {
      for (const h of hexes) await MeshCoreDecoder.decodeWithVerification(h, { keyStore });
    }, n),
  ]);

  const out: string[] = [];
  out.push(`Decode throughput, ${source}, Node ${process.version}`, "");
  out.push("| work per packet | meshgate (packets/s) | meshcore-decoder (packets/s) | ratio |");
  out.push("|---|---:|---:|---:|");
  for (const [label, a, b] of rows)
    out.push(`| ${label} | ${fmt(a)} | ${fmt(b)} | ${(a / b).toFixed(1)}x |`);

  // Fuzz: a million random and mutated buffers, counting outcomes; any throw is a bug.
  const r = new TestRng(0xf022);
  const base = hexes.map((h) => new Uint8Array(Buffer.from(h, "hex")));
  const ctx: DecodeContext = { channels: ours, regions: ["#sf"] };
  let ok = 0;
  let errors = 0;
  let exceptions = 0;
  const t0 = performance.now();
  for (let i = 0; i < 1_000_000; i++) {
    const buf = r.next() < 0.15 ? r.bytes(r.int(0, 300)) : mutate(r, r.pick(base));
    try {
      if (decodePacket(buf, ctx).ok) ok++;
      else errors++;
    } catch {
      exceptions++;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  out.push("", "| fuzz run | buffers | decoded ok | typed errors | exceptions | seconds |");
  out.push("|---|---:|---:|---:|---:|---:|");
  out.push(
    `| random + mutated (seed 0xf022) | 1,000,000 | ${fmt(ok)} | ${fmt(errors)} | ${exceptions} | ${secs.toFixed(1)} |`,
  );
  process.stdout.write(`${out.join("\n")}\n`);
  if (exceptions > 0) process.exitCode = 1;
}

await main();
