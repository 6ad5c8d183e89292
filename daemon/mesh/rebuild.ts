/**
 * One rebuild of the model state from the store, as a scheduler task: the
 * saved mesh tables (when starting from them), the radios' identities, the
 * node table, every stored observation past the watermark in small pages,
 * the live observations that arrived meanwhile, and a final settle.
 */
import { errorMessage } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import type { NodeRow, PacketRow, StoreApi } from "../store/api.ts";
import { observationFromColumns, observationFromRow, RAW_TYPES } from "./adapter.ts";
import {
  type Dirty,
  loadRadios,
  loadTables,
  type MeshTablesPort,
  type SavedHead,
} from "./persist.ts";
import { StepBudget, type TaskHandle, type TaskProgress } from "./scheduler.ts";
import type { MeshState, RadioIdentity } from "./state.ts";
import type { MeshObservation } from "./types.ts";

/** What a rebuild reads (a subset of StoreApi). */
export interface MeshSource {
  scanObservations(afterId: number, limit: number): Promise<readonly PacketRow[]>;
  /** Optional: the same pages as columns (preferred: far fewer objects to deserialise). */
  scanObservationColumns?: StoreApi["scanObservationColumns"];
  listNodes(): Promise<readonly NodeRow[]>;
  /** Optional: node rows in key order, a page at a time (preferred to listNodes). */
  scanNodes?(afterKey: string, limit: number): Promise<readonly NodeRow[]>;
  /** Optional, for progress totals. */
  health?(): { readonly observations: number };
  /** Optional: the radios table, so rx links know the radio's key before it reports in. */
  meshRead?: MeshTablesPort["meshRead"];
}

export interface RebuildTask {
  handle: TaskHandle | null;
  readonly next: MeshState;
  /** Live observations that arrived during the rebuild, not yet in `next`. */
  pending: MeshObservation[];
  dropped: number;
  /** Highest store id the scan has read: live observations at or below it are in `next`. */
  scanned: number;
  readonly from: "scratch" | "current" | "stored";
  /** What changed in `next` past the stored watermark (a "stored" build). */
  readonly dirty: Dirty;
}

/**
 * Work units per scheduler step: stored rows folded in (or live ones caught
 * up), node rows seeded, edges settled. A step also ends after `stepMs`,
 * whichever comes first. 64 rows are about 2 ms of work on a Pi-class CPU.
 */
export interface StepUnits {
  readonly rows: number;
  readonly nodes: number;
  readonly edges: number;
}

export const STEP_UNITS: StepUnits = { rows: 64, nodes: 256, edges: 256 };

export interface BuildDeps {
  readonly tables: MeshTablesPort | null;
  readonly head: (SavedHead & { channels: unknown }) | null;
  readonly log: Logger;
  /** Rows per store read. */
  readonly batch: number;
  /** Longest a step may take (ms) before it yields, whatever its units. */
  readonly stepMs: number;
  /** Units per step (default STEP_UNITS). */
  readonly units?: StepUnits;
  /** Wall clock for the step budget (ms; default performance.now). */
  readonly clock?: () => number;
  readonly now: () => number;
  /** What the live radios have said of themselves (wins over the radios table). */
  liveRadios(): Iterable<RadioIdentity>;
}

/** Not (yet) read by the rebuild's scan: no store id, or one above the scan watermark. */
export function unseen(o: MeshObservation, scanned: number): boolean {
  return o.id === undefined || o.id > scanned;
}

export async function* buildState(
  source: MeshSource,
  task: RebuildTask,
  deps: BuildDeps,
): AsyncGenerator<TaskProgress, void, void> {
  const next = task.next;
  const tables = deps.tables;
  const units = deps.units ?? STEP_UNITS;
  const budget = (n: number) => new StepBudget(n, deps.stepMs, deps.clock);
  // Edges are weighed once, by the settle at the end, not as each appears.
  next.resolveLive = false;
  if (task.from === "stored" && tables && deps.head) {
    const stats = { skipped: 0, rows: 0 };
    yield* loadTables(tables, next, deps.head, stats, budget(units.rows));
    if (stats.skipped > 0) deps.log.warn("mesh rows skipped", { skipped: stats.skipped });
    task.scanned = next.lastId;
    next.onTouch = (kind, id) => task.dirty.touch(kind, id);
  }
  // Radios' identities from the store, then what the live radios said.
  const radios = tables ?? (source.meshRead ? { meshRead: source.meshRead.bind(source) } : null);
  if (radios) {
    try {
      await loadRadios(radios, next);
    } catch (err) {
      deps.log.warn("radios not read", { error: errorMessage(err) });
    }
  }
  for (const r of deps.liveRadios()) next.setRadio(r);
  // What seedCounts needs once the stored adverts are replayed: three
  // numbers a row, not the rows (20,000 row objects held through the whole
  // rebuild were some 5 MB of its high-water).
  const rows: { key: string[]; counts: number[]; length: number } = {
    key: [],
    counts: [],
    length: 0,
  };
  const trusted = new Set<string>();
  const nodeStep = budget(units.nodes);
  // Node rows a page at a time where the store can: all of them in one reply
  // (up to maxNodes) is one long deserialisation the scheduler cannot cut.
  for (let afterKey = ""; ; ) {
    yield { phase: "nodes", done: rows.length, total: 0, units: nodeStep.take() };
    const page = source.scanNodes
      ? await source.scanNodes(afterKey, deps.batch)
      : afterKey === ""
        ? await source.listNodes()
        : [];
    if (page.length === 0) break;
    yield { phase: "nodes", done: rows.length, total: 0, waited: true };
    for (let i = 0; i < page.length; i++) {
      const row = page[i]!;
      rows.key.push(row.publicKey);
      rows.counts.push(row.lastSeen, row.lastAdvert, row.advertCount);
      rows.length++;
      next.nodes.seed(row);
      trusted.add(String(row.publicKey).toUpperCase());
      if (nodeStep.spend() && i + 1 < page.length)
        yield { phase: "nodes", done: rows.length, total: 0, units: nodeStep.take() };
    }
    const last = String(page[page.length - 1]!.publicKey);
    // Keys must rise page by page, or the read would repeat forever.
    if (!source.scanNodes || last <= afterKey) break;
    afterKey = last;
  }
  const total = source.health?.().observations ?? 0;
  const radioKey = (id: string) => next.activity.radio(id)?.publicKey ?? null;
  const adapt = {
    radioKey,
    trustedKey: (k: string) => trusted.has(k),
    // Keys in the store's node table were verified on ingest: take their
    // advert fields from there instead of decoding every stored advert.
    knownAdvert: (k: string) => {
      const n = trusted.has(k) ? next.nodes.get(k) : undefined;
      return n ? { publicKey: k, role: n.role, lat: n.lat, lon: n.lon, name: n.name } : undefined;
    },
  };
  // Small pages: the store's reply is deserialised at once, outside any
  // step, so a page is the one piece of work the scheduler cannot cut. 200
  // rows kept the event loop's p99 at 7.4 ms during a 1M rebuild where 2000
  // gave 16.2 ms.
  const batch = deps.batch;
  let done = 0;
  let after = next.lastId;
  const rowStep = budget(units.rows);
  for (;;) {
    yield { phase: "observations", done, total, units: rowStep.take() };
    // Columns where the store offers them: far fewer objects to deserialise.
    const cols = source.scanObservationColumns
      ? await source.scanObservationColumns(after, batch, RAW_TYPES)
      : null;
    const page = cols ? null : await source.scanObservations(after, batch);
    const n = cols ? cols.id.length : page!.length;
    if (n === 0) break;
    // The read was a wait (the scheduler starts a new slice after it): the
    // page's work begins in a step of its own.
    yield { phase: "observations", done, total, waited: true, units: rowStep.take() };
    const before = after;
    for (let i = 0; i < n; i++) {
      next.observe(
        cols ? observationFromColumns(cols, i, adapt) : observationFromRow(page![i]!, adapt),
      );
      const id = cols ? cols.id[i]! : page![i]!.id;
      if (id > after) after = id;
      done++;
      if (rowStep.spend() && i + 1 < n)
        yield { phase: "observations", done, total, units: rowStep.take() };
    }
    task.scanned = after;
    // Live observations the scan has now read are already in; forget them.
    if (task.pending.length > 0) task.pending = task.pending.filter((o) => unseen(o, after));
    // A page that does not move the watermark would repeat forever.
    if (after === before) break;
  }
  for (let i = 0; i < rows.length; i++) {
    next.nodes.seedCounts({
      publicKey: rows.key[i]!,
      lastSeen: rows.counts[3 * i]!,
      lastAdvert: rows.counts[3 * i + 1]!,
      advertCount: rows.counts[3 * i + 2]!,
    });
    if (nodeStep.spend())
      yield { phase: "nodes", done: i + 1, total: rows.length, units: nodeStep.take() };
  }
  yield { phase: "nodes", done: rows.length, total: rows.length, units: nodeStep.take() };
  // Stale edges and the weakest past the cap, a bounded number per step.
  let pruned = 0;
  for (const _ of next.pruneSteps(deps.now(), units.edges)) {
    pruned += units.edges;
    yield { phase: "prune", done: pruned, total: 0, units: units.edges };
  }
  // Fold in, step by step, live observations the scan could not see.
  let caught = 0;
  const catchUp = budget(units.rows);
  while (task.pending.length > 0) {
    let n = 0;
    while (n < task.pending.length) {
      const o = task.pending[n++]!;
      if (unseen(o, after)) next.observe(o);
      if (catchUp.spend()) break;
    }
    task.pending.splice(0, n);
    caught += n;
    yield {
      phase: "catch-up",
      done: caught,
      total: caught + task.pending.length,
      units: catchUp.take(),
    };
  }
  next.resolveLive = true;
  let settled = 0;
  const edgeStep = budget(units.edges);
  for (const _ of next.settleSteps(() => edgeStep.spend())) {
    const n = edgeStep.take();
    settled += n;
    yield {
      phase: "settle",
      done: Math.min(settled, next.graph.size),
      total: next.graph.size,
      units: n,
    };
  }
}
