import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePacket } from "../../daemon/protocol/decode.ts";
import { summarize } from "../../daemon/protocol/json.ts";
import { migrate, schemaVersion } from "../../daemon/store/migrate.ts";
import { snapshotName } from "../../daemon/store/snapshots.ts";
import { loadSqlJs } from "../../daemon/store/sqlite.ts";
import { type RunningDaemon, startDaemon } from "../support/daemon.ts";
import { REPO_ROOT, tempDir } from "../support/paths.ts";
import { shippedMigrations } from "../support/store.ts";

/**
 * Upgrade from the first release: a config file of layout 1 (no
 * configVersion key) and a data dir whose store was written at schema
 * version 1 open under the current daemon, which migrates and serves the old
 * packets. The old state is built honestly: only schema/001 applied, rows
 * written with version 1's columns.
 */
const migrations = shippedMigrations();
const latest = migrations.at(-1)?.version ?? 0;
const laterVersions = migrations.filter((m) => m.version > 1).map((m) => m.version);

/** The config the 0.1 .deb installed, as a user left it: layout 1 has no configVersion. */
const OLD_CONFIG = `# meshgate configuration (first release)
gateway:
  name: old-gateway
  iata: SFO
radios: []
simulator:
  enabled: false
store:
  dataDir: /var/lib/meshgate
http:
  host: 0.0.0.0
  port: 8080
`;

/** Protocol reference test vectors (docs: protocol, section "Test vectors"). */
const PACKETS = [
  // flood ADVERT of repeater "WW7STR/PugetMesh Cougar"
  "11007E7662676F7F0850A8A355BAAFBFC1EB7B4174C340442D7D7161C9474A2C94006CE7CF682E58408DD8FCC51906ECA98EBF94A037886BDADE7ECD09FD92B839491DF3809C9454F5286D1D3370AC31A34593D569E9A042A3B41FD331DFFB7E18599CE1E60992A076D50238C5B8F85757375354522F50756765744D65736820436F75676172",
  // flood GRP_TXT on the public channel
  "150011C3C1354D619BAE9590E4D177DB7EEAF982F5BDCF78005D75157D9535FA90178F785D",
  // flood ACK, 4 hops
  "0D04B891647EBB40BA70",
  // TXT_MSG dest D0 src 0A
  "09046F17C47ED00A13E16AB5B94B1CC2D1A5059C6E5A6253C60D",
  // REQ dest D1 src DE
  "0200D1DEB01B2F8B72DD363AA4EF07E0BDA2266A8979",
];
const HEARINGS = 2;

/** Writes a data dir as the version-1 store left it: one snapshot at schema 1. */
async function writeV1DataDir(dir: string): Promise<string[]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  migrate(db, migrations, 1);
  expect(schemaVersion(db)).toBe(1);
  const now = Date.now() - 60_000;
  db.run("INSERT INTO radios (id, name, first_seen, last_seen) VALUES (1, 'main', ?, ?)", [
    now,
    now,
  ]);
  const hashes: string[] = [];
  let obsId = 0;
  PACKETS.forEach((hex, i) => {
    const raw = new Uint8Array(Buffer.from(hex, "hex"));
    const res = decodePacket(raw, { channels: [], regions: [], verifySignatures: false });
    if (!res.ok) throw new Error(`vector ${i} does not decode: ${res.error.code}`);
    const p = res.packet;
    hashes.push(p.hash);
    const path = Array.from({ length: p.hopCount }, (_, h) =>
      Buffer.from(p.path.subarray(h * p.hashSize, (h + 1) * p.hashSize)).toString("hex"),
    ).join(",");
    for (let k = 0; k < HEARINGS; k++) {
      obsId++;
      db.run(
        "INSERT INTO observations (id, tx_id, radio_id, at, snr, rssi, path, first_seen, payload_type, route) VALUES (?,?,1,?,?,?,?,?,?,?)",
        [obsId, i + 1, now + obsId, 5.5, -97, path, k === 0 ? 1 : 0, p.payloadType, p.route],
      );
    }
    db.run(
      "INSERT INTO transmissions (id, hash, raw, first_at, last_obs_id, payload_type, route, version, hash_size, summary) VALUES (?,?,?,?,?,?,?,?,?,?)",
      [
        i + 1,
        p.hash,
        raw,
        now + obsId - 1,
        obsId,
        p.payloadType,
        p.route,
        p.version,
        p.hashSize,
      ].concat([summarize(res)]),
    );
  });
  writeFileSync(join(dir, snapshotName(0)), db.export());
  db.close();
  return hashes;
}

interface Health {
  store: { ok: boolean; schemaVersion: number; observations: number; transmissions: number };
}
interface Packet {
  hash: string;
  decoded: { name?: string } | null;
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  expect(r.status, url).toBe(200);
  return (await r.json()) as T;
}

describe("upgrade from a first-release config and a schema-1 data dir", () => {
  let dataDir: string;
  let hashes: string[];
  let daemon: RunningDaemon | null = null;

  beforeAll(async () => {
    dataDir = tempDir("meshgate-upgrade-");
    mkdirSync(dataDir, { recursive: true });
    hashes = await writeV1DataDir(dataDir);
  });
  afterAll(async () => {
    await daemon?.stop("SIGKILL");
  });

  it("meshgate config check accepts the old config", () => {
    const file = join(tempDir("meshgate-upgrade-cfg-"), "config.yaml");
    writeFileSync(file, OLD_CONFIG);
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "daemon/main.ts"), "config", "check", "--config", file],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`config OK: ${file}`);
    expect(r.stdout).toContain("simulator: off");
  });

  it("the daemon migrates the store, logs it and serves the old packets", async () => {
    daemon = await startDaemon({ yaml: OLD_CONFIG, dataDir, timeoutMs: 45_000 });
    expect(daemon.output()).toMatch(
      new RegExp(`schema migrated to=${latest} applied=\\[${laterVersions.join(",")}\\]`),
    );
    const health = await getJson<Health>(`${daemon.url}/api/health`);
    expect(health.store).toMatchObject({
      ok: true,
      schemaVersion: latest,
      observations: PACKETS.length * HEARINGS,
      transmissions: PACKETS.length,
    });
    const advert = await getJson<Packet>(`${daemon.url}/api/packets/${hashes[0]}`);
    expect(advert.hash).toBe(hashes[0]);
    expect(advert.decoded?.name).toBe("WW7STR/PugetMesh Cougar");
    const page = await getJson<{ items: Packet[] }>(`${daemon.url}/api/packets?limit=100`);
    expect(page.items).toHaveLength(PACKETS.length * HEARINGS);
    expect(new Set(page.items.map((p) => p.hash))).toEqual(new Set(hashes));
    // Version 2's backfill (hop counts of old rows) runs as a background task.
    await expect
      .poll(() => daemon?.output() ?? "", { timeout: 20_000, interval: 250 })
      .toMatch(/background task finished name="backfill_hops"/);
    expect(await daemon.stop()).toBe(0);
    daemon = null;
  }, 60_000);

  it("a second start finds the store already migrated, data intact", async () => {
    daemon = await startDaemon({ yaml: OLD_CONFIG, dataDir, timeoutMs: 45_000 });
    expect(daemon.output()).not.toMatch(/schema migrated/);
    const health = await getJson<Health>(`${daemon.url}/api/health`);
    expect(health.store).toMatchObject({
      schemaVersion: latest,
      observations: PACKETS.length * HEARINGS,
      transmissions: PACKETS.length,
    });
    expect(await daemon.stop()).toBe(0);
    daemon = null;
  }, 60_000);
});
