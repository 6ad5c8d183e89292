/**
 * Mesh model accuracy against ground truth: seeded meshes of 60-200 nodes
 * with forced 1-byte prefix collisions, fed at 30-300 packets/s (simulated
 * time) with 1-byte, 2-byte or mixed path hashes. For each, the live model
 * (radio key known) and a rebuild from the store after a crash with the radio
 * absent (its key only in the radios table) are scored at several
 * confidence thresholds:
 * - precision: share of listed resolved links (both ends full keys) that are
 *   true links;
 * - recall: share of the true links the traffic evidenced that are listed;
 * - gateway: the gateway's evidenced neighbours present as rx links.
 *
 *   node --expose-gc --import tsx bench/mesh-accuracy.ts [--quick]
 */
import { silentLogger } from "../daemon/core/log.ts";
import { MeshModel } from "../daemon/mesh/model.ts";
import { resolveConfig } from "../daemon/mesh/types.ts";
import { MemorySource, nodeRows, withColumns } from "../test/support/mesh/source.ts";
import { generateMesh, pairKey, traffic, truthPairs } from "../test/support/mesh/topology.ts";
import { TestRng } from "../test/support/rng.ts";

const T0 = Date.UTC(2026, 4, 1);
const THRESHOLDS = [0, 0.5, 0.7, 0.9] as const;
/** The default resolution threshold, also used as the listing threshold below. */
const DEFAULT = resolveConfig().minResolveConfidence;
const quick = process.argv.includes("--quick");

interface Scenario {
  readonly seed: number;
  readonly nodes: number;
  readonly rate: number;
  readonly hash: "1" | "2" | "mixed";
}

const SCENARIOS: Scenario[] = [
  { seed: 101, nodes: 60, rate: 30, hash: "1" },
  { seed: 102, nodes: 60, rate: 300, hash: "mixed" },
  { seed: 103, nodes: 120, rate: 30, hash: "1" },
  { seed: 104, nodes: 120, rate: 300, hash: "2" },
  { seed: 105, nodes: 200, rate: 100, hash: "1" },
  { seed: 106, nodes: 200, rate: 300, hash: "mixed" },
];

interface Score {
  precision: number;
  recall: number;
  listed: number;
}

function score(
  m: MeshModel,
  truth: ReadonlySet<string>,
  traversed: ReadonlySet<string>,
  min: number,
): Score {
  const edges = m.graph({ resolvedOnly: true, minConfidence: min, limit: 1e7 }).edges;
  const keys = edges.map((e) => pairKey(e.a, e.b));
  const correct = keys.filter((k) => truth.has(k)).length;
  const found = new Set(keys.filter((k) => traversed.has(k)));
  return {
    precision: edges.length ? correct / edges.length : 1,
    recall: traversed.size ? found.size / traversed.size : 1,
    listed: edges.length,
  };
}

/** The gateway's evidenced neighbours listed as rx links (any confidence). */
function gatewayRx(m: MeshModel, radioKey: string, traversed: ReadonlySet<string>): string {
  const want = [...traversed].filter((k) => k.split("|").includes(radioKey));
  const rx = new Set(
    m
      .graph({ limit: 1e7 })
      .edges.filter((e) => e.kinds.includes("rx"))
      .map((e) => pairKey(e.a, e.b)),
  );
  return `${want.filter((k) => rx.has(k)).length}/${want.length}`;
}

async function run(s: Scenario) {
  const rng = new TestRng(s.seed);
  const mesh = generateMesh({
    seed: s.seed,
    nodes: s.nodes,
    radiusKm: 25 + s.nodes / 10,
    linkKm: 10,
    forcedCollisions: Math.round(s.nodes / 10),
    chatShare: 0.25,
  });
  const traversed = new Set<string>();
  const obs = [
    ...traffic(mesh, {
      seed: s.seed + 1,
      count: (quick ? 2 : 8) * 1000 + rng.int(0, 1000),
      start: T0,
      stepMs: 1000 / s.rate,
      advertShare: 0.1,
      duplicateShare: 0.3,
      maxHops: 6,
      ...(s.hash === "mixed" ? { mixedHashSizes: true } : { hashSize: s.hash === "2" ? 2 : 1 }),
      traversed,
    }),
  ];
  const now = (obs.at(-1)?.at ?? T0) + 60_000;
  const src = withColumns(new MemorySource());
  const live = new MeshModel({ config: {}, log: silentLogger(), now: () => now });
  for (const o of obs) live.observe({ ...o, id: src.add(o).id });
  live.settle();
  // Crash: no saved state, radio absent; the store has rows, nodes and the radios table.
  src.nodeRows = nodeRows(obs);
  src.meshRead = async (table) =>
    table === "radios" ? [["r0", mesh.radioKey, null, 0, null, null, T0]] : [];
  const rebuilt = new MeshModel({ config: {}, log: silentLogger(), now: () => now });
  await rebuilt.rebuild(src);
  rebuilt.settle();
  const truth = truthPairs(mesh);
  const collisions = live.collisions().shared["1"];
  return {
    s,
    observations: obs.length,
    collisions,
    traversed: traversed.size,
    live: THRESHOLDS.map((t) => score(live, truth, traversed, t)),
    rebuilt: THRESHOLDS.map((t) => score(rebuilt, truth, traversed, t)),
    gwLive: gatewayRx(live, mesh.radioKey, traversed),
    gwRebuilt: gatewayRx(rebuilt, mesh.radioKey, traversed),
    same:
      JSON.stringify(live.graph({ limit: 1e7 }).edges) ===
      JSON.stringify(rebuilt.graph({ limit: 1e7 }).edges),
  };
}

const f = (n: number) => n.toFixed(3);
console.log(
  `Ground-truth meshes (test/support/mesh/topology.ts): nodes with 10% forced 1-byte prefix twins, ` +
    `25% chat nodes, links <= 10 km; ${quick ? "2-3k" : "8-9k"} transmissions each, 30% heard twice.`,
);
console.log(
  "Scores per threshold on listed resolved links (minConfidence = t): precision / recall.",
);
console.log("");
console.log(
  `| nodes | pkt/s | hashes | shared 1-byte | evidenced links | ${THRESHOLDS.map((t) => `live t=${t}`).join(" | ")} | ${THRESHOLDS.map((t) => `rebuilt t=${t}`).join(" | ")} | gateway rx live / rebuilt | live == rebuilt |`,
);
console.log(`|${"---|".repeat(5 + 2 * THRESHOLDS.length + 2)}`);
const totals = { p: [] as number[], r: [] as number[] };
for (const s of SCENARIOS) {
  const r = await run(s);
  const cells = (xs: Score[]) => xs.map((x) => `${f(x.precision)} / ${f(x.recall)}`).join(" | ");
  console.log(
    `| ${s.nodes} | ${s.rate} | ${s.hash} | ${r.collisions} | ${r.traversed} | ${cells(r.live)} | ${cells(r.rebuilt)} | ${r.gwLive} / ${r.gwRebuilt} | ${r.same ? "yes" : "NO"} |`,
  );
  const at = THRESHOLDS.indexOf(DEFAULT as (typeof THRESHOLDS)[number]);
  totals.p.push(r.live[at]!.precision, r.rebuilt[at]!.precision);
  totals.r.push(r.live[at]!.recall, r.rebuilt[at]!.recall);
}
console.log("");
console.log(
  `At the default threshold (${DEFAULT}): worst precision ${f(Math.min(...totals.p))}, worst recall ${f(Math.min(...totals.r))} (goals >= 0.98 and >= 0.95).`,
);
