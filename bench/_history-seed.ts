/**
 * A store history for the soak and history benches: n observations with
 * receive times spread over the last `days` days (about 1 in 3 a second
 * hearing, 1 in 40 an advert from one of `nodes` nodes), ingested through the
 * store engine with its clock following the data, so it archives into day
 * partitions exactly as the daemon would have.
 */
import { createHash } from "node:crypto";
import { silentLogger } from "../daemon/core/log.ts";
import type { ObservationInput } from "../daemon/store/api.ts";
import { StoreEngine } from "../daemon/store/engine.ts";

const DAY = 86_400_000;

export interface SeedShape {
  readonly days: number;
  readonly nodes: number;
  readonly hotMB?: number;
  /** Store size cap (default 64 MB: retention drops the oldest rows past it). */
  readonly maxDbMB?: number;
}

/** mulberry32, so every run seeds the same history. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/**
 * Node i's public key: as random as a real Ed25519 key, so its 1-, 2- and
 * 3-byte prefixes spread as on the air (a counter padded with zeros gave
 * 20,000 keys one shared first byte, and the prefix index almost nothing to hold).
 */
export function nodeKey(i: number): string {
  return createHash("sha256").update(`node-${i}`).digest("hex").toUpperCase();
}

/** Observation i of n: ~1 in 3 a second hearing, 1 in 40 an advert from one of the nodes. */
export function observation(
  i: number,
  n: number,
  t0: number,
  rand: () => number,
  { days, nodes }: SeedShape,
): ObservationInput {
  const tx = rand() < 0.33 && i > 1 ? i - 1 : i;
  const len = 20 + Math.floor(rand() * 140);
  const raw = new Uint8Array(len);
  for (let k = 0; k < len; k++) raw[k] = Math.floor(rand() * 256);
  // 1 in 40 an advert, or more often when that is needed for every node
  // to advertise at least once (--nodes 20000 on a short history).
  const every = Math.max(1, Math.min(40, Math.floor(n / nodes / 1.5)));
  const advert = tx === i && i % every === 0;
  const node = Math.floor(i / every) % nodes;
  raw[0] = ((advert ? 4 : 5) << 2) | 1;
  return {
    hash: hex(tx, 16),
    raw,
    radioId: "sim",
    at: t0 + Math.floor((i * days * DAY) / n),
    snr: Math.round((rand() * 30 - 10) * 4) / 4,
    rssi: -Math.floor(40 + rand() * 80),
    payloadType: advert ? 4 : 5,
    route: 1,
    version: 0,
    hashSize: 1,
    hops: [hex(Math.floor(rand() * 256), 2), hex(Math.floor(rand() * 256), 2)],
    error: null,
    summary: advert ? `advert node ${node}` : `#public: message ${tx}`,
    ...(advert && {
      advert: {
        publicKey: nodeKey(node),
        name: `node-${node}`,
        role: 2,
        // Microdegrees, as an advert carries them (int32 / 1e6).
        lat: Math.round((52 + rand()) * 1e6) / 1e6,
        lon: Math.round((13 + rand()) * 1e6) / 1e6,
        advertTimestamp: Math.floor((t0 + (i * days * DAY) / n) / 1000),
      },
    }),
  };
}

/** The store engine the seeds write through (the shape's store settings; `now` for a clock that follows the data). */
export function openSeedEngine(
  dataDir: string,
  shape: Pick<SeedShape, "hotMB" | "maxDbMB">,
  now?: () => number,
): Promise<StoreEngine> {
  return StoreEngine.open({
    dataDir,
    fsyncIntervalMs: 1000,
    snapshotJournalRatio: 1,
    maxDbMB: shape.maxDbMB ?? 64,
    maxAgeDays: 30,
    log: silentLogger(),
    ...(now && { now }),
    ...(shape.hotMB && { hotMB: shape.hotMB }),
  });
}

/** Seed dataDir with n observations over the last `days` days, archived as the daemon would. */
export async function seed(
  dataDir: string,
  n: number,
  shape: SeedShape,
): Promise<{ ms: number; partitions: number }> {
  const { days } = shape;
  const t0 = Date.now() - days * DAY;
  const clock = { now: t0 };
  const e = await openSeedEngine(dataDir, shape, () => clock.now);
  const start = performance.now();
  const rand = rng(n);
  for (let i = 1; i <= n; i += 2000) {
    const batch: ObservationInput[] = [];
    for (let k = i; k < Math.min(n + 1, i + 2000); k++)
      batch.push(observation(k, n, t0, rand, shape));
    clock.now = batch.at(-1)!.at;
    e.ingest(batch);
    e.flushJournal();
    await e.drainArchive();
  }
  const partitions = e.health().archive?.partitions ?? 0;
  await e.close();
  return { ms: performance.now() - start, partitions };
}
