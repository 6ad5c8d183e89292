/**
 * The mesh state in store tables (schema 004), row by row: what changed since
 * the last save is written in batches of a few hundred rows, each one store
 * write; the watermark (last observation id folded in) goes with the last
 * batch. A restore reads the tables page by page. Nothing is held as one
 * large value: a save of 100k edges never has more than one batch serialised.
 */
import { NODE_ROW_KIND } from "../store/mesh-rows.ts";
import type { Bucket } from "./analytics.ts";
import {
  edgeFromRow,
  edgeRow,
  nodeRow,
  parseBucket,
  parseToken,
  radioFromRow,
  restoreChannels,
  restoreNode,
  restoreTalker,
  TOKEN,
  tokenRow,
} from "./parse.ts";
import type { StepBudget, TaskProgress } from "./scheduler.ts";
import { MeshState } from "./state.ts";

type Cell = string | number | null;
type Row = readonly Cell[];
type Table = "edges" | "node_stats" | "mesh_buckets" | "radios";

/** What persistence needs of the store (StoreApi's meshRead/meshWrite, getMeta). */
export interface MeshTablesPort {
  meshRead(table: Table, after: Row | null, limit: number): Promise<readonly Row[]>;
  meshWrite(batch: {
    clear?: boolean;
    upsert?: Partial<Record<Table, Row[]>>;
    delete?: Partial<Record<Exclude<Table, "radios">, Row[]>>;
    meta?: { key: string; value: string };
  }): Promise<void>;
  getMeta(key: string): Promise<string | null>;
}

/** Small meta entry: the watermark and the (bounded) channel counts. */
export const TABLES_META_KEY = "mesh.tables";
/**
 * 2: node rows as arrays (mesh/parse.ts NODE_ROW_FIELDS); 3: node rows with
 * their times as differences (mesh/parse.ts nodeRow). Rows of 1 and 2 still
 * read, side by side with newer ones; the first save after such tables are
 * restored writes every row again (SavedHead.older, model.ts). 4:
 * statistics (node, token and edge RF) and token rows as arrays
 * (mesh/stats.ts statsRow, mesh/parse.ts tokenRow). An older meshgate finds
 * a newer version unreadable and rebuilds the model from history.
 */
export const TABLES_VERSION = 4;
const READABLE_VERSIONS: readonly unknown[] = [1, 2, 3, 4];
const NODE = NODE_ROW_KIND;
const TOKEN_KIND = 2;
const TALKER = 3;
/**
 * Rows per store write: small enough that no write is a memory spike. Each
 * write is one transaction, and SQLite keeps a copy of every page it changes
 * in WebAssembly memory, which never goes back: rows of keys in no order
 * (the nodes and edges that changed since the last save) are a page each,
 * so 500 of them made 1.73 MiB resident at 16,400 nodes and 128 of them
 * 0.67 (bench/mesh-save-wasm.ts).
 */
export const SAVE_BATCH = 128;
/** A save at least this large is followed by a compacting collection (model.ts). */
export const LARGE_SAVE_ROWS = 500;
const READ_PAGE = 1000;

export interface SavedHead {
  readonly lastId: number;
  readonly savedAt: number;
  /** Written by an older version of the tables: its rows are rewritten once. */
  readonly older?: boolean;
}

export function parseHead(text: string | null): (SavedHead & { channels: unknown }) | null {
  if (!text) return null;
  try {
    const d = JSON.parse(text) as Record<string, unknown>;
    if (!READABLE_VERSIONS.includes(d.v) || typeof d.lastId !== "number") return null;
    return {
      lastId: d.lastId,
      savedAt: typeof d.savedAt === "number" ? d.savedAt : 0,
      older: d.v !== TABLES_VERSION,
      channels: d.channels,
    };
  } catch {
    return null;
  }
}

/** Ids changed since the last save; present in the state = upsert, absent = delete. */
export class Dirty {
  edges = new Set<string>();
  tokens = new Set<string>();
  nodes = new Set<string>();
  radios = new Set<string>();
  /** Earliest bucket time touched. */
  minAt = Number.POSITIVE_INFINITY;
  all = false;

  touch(kind: "edge" | "token" | "node" | "radio" | "bucket", id: string): void {
    if (kind === "edge") this.edges.add(id);
    else if (kind === "token") this.tokens.add(id);
    else if (kind === "node") this.nodes.add(id);
    else if (kind === "radio") this.radios.add(id);
    else {
      const at = Number(id);
      if (at < this.minAt) this.minAt = at;
    }
  }

  /** What changed so far, as it is; changes from now on start afresh (no copy). */
  take(): Pick<Dirty, "edges" | "tokens" | "nodes" | "radios" | "minAt" | "all"> {
    const taken = {
      edges: this.edges,
      tokens: this.tokens,
      nodes: this.nodes,
      radios: this.radios,
      minAt: this.minAt,
      all: this.all,
    };
    this.edges = new Set();
    this.tokens = new Set();
    this.nodes = new Set();
    this.radios = new Set();
    this.minAt = Number.POSITIVE_INFINITY;
    this.all = false;
    return taken;
  }

  get empty(): boolean {
    return (
      !this.all &&
      this.edges.size + this.tokens.size + this.nodes.size + this.radios.size === 0 &&
      this.minAt === Number.POSITIVE_INFINITY
    );
  }
}

/**
 * Rows to write, produced lazily so a large save never holds them all, nor
 * walks every id before its first write: a full save (`all`) reads the live
 * maps as it goes (rows added meanwhile are dirty again, so the next save
 * writes them if this one missed them).
 */
function* changes(s: MeshState, d: Dirty, now: number): Generator<[string, Table, Row, boolean]> {
  const t = d.take();
  const all = t.all;
  for (const id of all ? s.radioIds.keys() : t.radios) {
    const r = s.radioIds.get(id);
    if (r) yield ["radio", "radios", [id, r.publicKey, r.name, r.role, r.lat, r.lon, now], true];
  }
  // A full save walks the nodes in key order, so a batch's rows share the
  // store's pages: in the order they were learnt each row was a page of its
  // own in SQLite's in-memory rollback journal, 1.73 MiB of WebAssembly
  // memory (which never goes back) at 16,400 nodes, against 0.07 in key
  // order (bench/mesh-save-wasm.ts).
  for (const k of all ? s.nodes.index.keys() : t.nodes) {
    const n = s.nodes.get(k);
    yield ["node", "node_stats", n ? [NODE, k, JSON.stringify(nodeRow(n))] : [NODE, k], !!n];
  }
  for (const k of all ? s.tokens.keys() : t.tokens) {
    const ts = s.tokens.get(k);
    yield [
      "token",
      "node_stats",
      ts ? [TOKEN_KIND, k, JSON.stringify(tokenRow(ts))] : [TOKEN_KIND, k],
      !!ts,
    ];
  }
  if (all) {
    for (const tk of s.activity.talkersJson())
      yield ["talker", "node_stats", [TALKER, tk.id, JSON.stringify(tk)], true];
  } else {
    for (const ids of [t.tokens, t.nodes]) {
      for (const id of ids) {
        const tk = s.activity.talker(id);
        if (tk) yield ["talker", "node_stats", [TALKER, id, JSON.stringify(tk)], true];
      }
    }
  }
  if (all) {
    for (const e of s.graph.values()) yield ["edge", "edges", edgeRow(e), true];
  } else {
    for (const k of t.edges) {
      const i = k.indexOf("|");
      const e = s.graph.get(k.slice(0, i), k.slice(i + 1));
      yield ["edge", "edges", e ? edgeRow(e) : [k.slice(0, i), k.slice(i + 1)], e !== undefined];
    }
  }
  const minAt = all ? 0 : t.minAt;
  if (minAt !== Number.POSITIVE_INFINITY) {
    for (const ring of [s.minutes, s.hours]) {
      for (const b of ring.range(Math.floor(minAt / ring.bucketMs) * ring.bucketMs, Infinity))
        yield ["bucket", "mesh_buckets", [ring.bucketMs, b.t, JSON.stringify(b)], true];
    }
  }
}

/**
 * Write what changed (or everything, after `dirty.all`), in batches. The
 * head (watermark, channels) is written last, so a save cut short leaves
 * the previous watermark: a restore then reads those hearings again.
 */
export async function saveChanges(
  port: MeshTablesPort,
  s: MeshState,
  d: Dirty,
  now: number,
): Promise<number> {
  const lastId = s.lastId;
  let rows = 0;
  let batch: { upsert: Partial<Record<Table, Row[]>>; delete: Partial<Record<Table, Row[]>> } = {
    upsert: {},
    delete: {},
  };
  let n = 0;
  let clear = d.all;
  for (const [, table, row, present] of changes(s, d, now)) {
    const part = present ? batch.upsert : batch.delete;
    let list = part[table];
    if (!list) {
      list = [];
      part[table] = list;
    }
    list.push(row);
    rows++;
    if (++n >= SAVE_BATCH) {
      await port.meshWrite({ ...(batch as object), ...(clear ? { clear } : {}) });
      clear = false;
      batch = { upsert: {}, delete: {} };
      n = 0;
    }
  }
  const head = JSON.stringify({
    v: TABLES_VERSION,
    lastId,
    savedAt: now,
    channels: [...s.activity.channels.entries()],
  });
  await port.meshWrite({
    ...(batch as object),
    ...(clear ? { clear } : {}),
    meta: { key: TABLES_META_KEY, value: head },
  });
  return rows;
}

/** Order in which tables are read back: radios' keys before the edges naming them. */
const LOAD_ORDER: readonly Table[] = ["node_stats", "radios", "edges", "mesh_buckets"];

/**
 * One saved row back into `s` (buckets are collected in `buckets`, minutes
 * then hours, to be put back in one go). False when it is malformed.
 */
function applyRow(s: MeshState, table: Table, r: Row, buckets: Bucket[][]): boolean {
  if (table === "edges") {
    const e = edgeFromRow(r);
    if (e) s.graph.restore(e);
    return e !== null;
  }
  if (table === "radios") {
    const id = radioFromRow(r);
    if (id) s.setRadio(id);
    return id !== null;
  }
  let data: unknown;
  try {
    data = JSON.parse(String(r[2]));
  } catch {
    return false;
  }
  if (table === "mesh_buckets") {
    const b = parseBucket(data);
    if (b) buckets[r[0] === s.minutes.bucketMs ? 0 : 1]!.push(b);
    return b !== null;
  }
  const id = String(r[1]);
  if (r[0] === NODE) return restoreNode(s, id, data);
  if (r[0] === TALKER) return restoreTalker(s, data);
  if (r[0] !== TOKEN_KIND) return false;
  const t = TOKEN.test(id) ? parseToken(data) : null;
  if (t) s.tokens.set(id, t);
  return t !== null;
}

function restoreBuckets(s: MeshState, buckets: Bucket[][]): void {
  s.minutes.restore(buckets[0]!);
  s.hours.restore(buckets[1]!);
}

/**
 * Read every table into `s` (for the scheduler): each page read is a wait of
 * its own, and its rows are applied `step` (a budget of rows and time) at a
 * time. Counts rows skipped.
 */
export async function* loadTables(
  port: MeshTablesPort,
  s: MeshState,
  head: SavedHead & { channels: unknown },
  stats: { skipped: number; rows: number },
  step: StepBudget,
): AsyncGenerator<TaskProgress, void, void> {
  s.lastId = head.lastId;
  const buckets: Bucket[][] = [[], []];
  for (const table of LOAD_ORDER) {
    let after: Row | null = null;
    for (;;) {
      yield { phase: "restore", done: stats.rows, total: 0, units: step.take() };
      const page = await port.meshRead(table, after, READ_PAGE);
      if (page.length === 0) break;
      yield { phase: "restore", done: stats.rows, total: 0, waited: true };
      for (let i = 0; i < page.length; i++) {
        stats.rows++;
        if (!applyRow(s, table, page[i]!, buckets)) stats.skipped++;
        if (step.spend() && i + 1 < page.length)
          yield { phase: "restore", done: stats.rows, total: 0, units: step.take() };
      }
      const last = page[page.length - 1]!;
      after = table === "radios" ? [last[0]!] : [last[0]!, last[1]!];
      if (page.length < READ_PAGE) break;
    }
  }
  restoreBuckets(s, buckets);
  stats.skipped += restoreChannels(s, head.channels);
}

/**
 * A copy of a state through the same rows a save writes (a rebuild that
 * continues from the current state works on the copy, off to the side).
 */
export function cloneState(s: MeshState, cfg = s.cfg): MeshState {
  const next = new MeshState(cfg);
  next.lastId = s.lastId;
  const all = new Dirty();
  all.all = true;
  const buckets: Bucket[][] = [[], []];
  for (const [, table, row, present] of changes(s, all, 0)) {
    if (present) applyRow(next, table, row, buckets);
  }
  restoreBuckets(next, buckets);
  restoreChannels(next, [...s.activity.channels.entries()]);
  return next;
}

/** The radios' identities alone (every rebuild reads them, whatever it starts from). */
export async function loadRadios(port: Pick<MeshTablesPort, "meshRead">, s: MeshState) {
  const page = await port.meshRead("radios", null, 64);
  for (const r of page) {
    const id = radioFromRow(r);
    if (id && !s.radioIds.has(id.radioId)) s.setRadio(id);
  }
}
