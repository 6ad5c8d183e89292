/**
 * The mesh model's tables (schema 004): evidence edges, per-id statistics,
 * analytics buckets and the radios' node identities. One journaled
 * operation, "mesh", carries a small batch of upserts and deletes; the same
 * apply code runs live and on replay. Every value is checked here, since the
 * batch crosses a thread boundary and ends up in the journal.
 */
import { StoreError } from "./errors.ts";
import type { Database, Statement } from "./sqlite.ts";

export type MeshTable = "edges" | "node_stats" | "mesh_buckets" | "radios";

/**
 * The node_stats kind of a node's row. Written into the node's `nodes` row
 * (column `mesh`, schema 007) when the store has one, else into node_stats;
 * reads merge the two in key order, so callers see one node_stats table.
 */
export const NODE_ROW_KIND = 1;
export type Cell = string | number | null;
export type Row = readonly Cell[];

/** One batch of changes to the mesh tables, applied in one transaction. */
export interface MeshRowsBatch {
  /** Rows in column order (COLUMNS below). */
  readonly upsert?: Partial<Record<MeshTable, readonly Row[]>>;
  /** Primary keys to delete (radios: never deleted here). */
  readonly delete?: Partial<Record<Exclude<MeshTable, "radios">, readonly Row[]>>;
  /** Empty the mesh tables (not radios) and drop the model's meta first: a full save follows. */
  readonly clear?: boolean;
  /** A small meta entry written with the batch (the model's watermark). */
  readonly meta?: { readonly key: string; readonly value: string };
}

/** Column order of the rows in a batch and in meshRead answers. */
export const COLUMNS: Readonly<Record<MeshTable, readonly string[]>> = {
  edges: [
    "a",
    "b",
    "first_seen",
    "last_seen",
    "sightings",
    "observations",
    "score",
    "score_at",
    "hash_sizes",
    "kinds",
    "rf",
  ],
  node_stats: ["kind", "id", "data"],
  mesh_buckets: ["ring_ms", "t", "data"],
  radios: ["name", "public_key", "node_name", "role", "lat", "lon", "last_seen"],
};

const KEYS: Readonly<Record<MeshTable, number>> = {
  edges: 2,
  node_stats: 2,
  mesh_buckets: 2,
  radios: 1,
};

/** Columns that must be text (others: finite numbers); `?` marks nullable. */
const TYPES: Readonly<Record<MeshTable, string>> = {
  edges: "ttnnnnnnnnT",
  node_stats: "ntt",
  mesh_buckets: "nnt",
  radios: "tTTNNNn",
};

const MAX_TEXT = 64 * 1024;
/** Rows of nodes.mesh emptied per transaction before a clear (clearNodeColumn). */
const CLEAR_SLICE = 1000;
const MAX_ROWS = 5000;
export const MAX_META = 1024 * 1024;

function checkRow(table: MeshTable, row: unknown, width: number): Row {
  const types = TYPES[table];
  if (!Array.isArray(row) || row.length !== width)
    throw new StoreError("E_STORE_ARG", `${table}: row of ${width} values expected`);
  for (let i = 0; i < width; i++) {
    const t = types[i]!;
    const v: unknown = row[i];
    const nullable = t === "T" || t === "N";
    if (v === null && nullable) continue;
    const ok =
      t.toLowerCase() === "t"
        ? typeof v === "string" && v.length > 0 && v.length <= MAX_TEXT
        : typeof v === "number" && Number.isFinite(v);
    if (!ok) throw new StoreError("E_STORE_ARG", `${table}: bad value in column ${i}`);
  }
  return row as Row;
}

/** Throws StoreError E_STORE_ARG for anything that is not a well-formed batch. */
export function checkMeshBatch(b: unknown): MeshRowsBatch {
  if (!b || typeof b !== "object") throw new StoreError("E_STORE_ARG", "mesh batch expected");
  const x = b as Record<string, unknown>;
  let rows = 0;
  for (const part of ["upsert", "delete"] as const) {
    const p = x[part];
    if (p === undefined) continue;
    if (!p || typeof p !== "object") throw new StoreError("E_STORE_ARG", `mesh ${part} expected`);
    for (const [table, list] of Object.entries(p)) {
      if (!(table in COLUMNS) || (part === "delete" && table === "radios"))
        throw new StoreError("E_STORE_ARG", `mesh table ${table} unknown`);
      if (!Array.isArray(list)) throw new StoreError("E_STORE_ARG", `${table}: rows expected`);
      const t = table as MeshTable;
      const width = part === "upsert" ? COLUMNS[t].length : KEYS[t];
      for (const r of list) checkRow(t, r, width);
      rows += list.length;
    }
  }
  if (rows > MAX_ROWS) throw new StoreError("E_STORE_ARG", `mesh batch over ${MAX_ROWS} rows`);
  if (x.clear !== undefined && typeof x.clear !== "boolean")
    throw new StoreError("E_STORE_ARG", "mesh clear must be a boolean");
  if (x.meta !== undefined) {
    const m = x.meta as Record<string, unknown> | null;
    if (
      !m ||
      typeof m.key !== "string" ||
      typeof m.value !== "string" ||
      !m.key.startsWith("mesh.")
    )
      throw new StoreError("E_STORE_ARG", "mesh meta must be a mesh.* key and a string");
    if (m.value.length > MAX_META) throw new StoreError("E_STORE_ARG", "mesh meta over 1 MiB");
  }
  return x as MeshRowsBatch;
}

function upsertSql(table: MeshTable): string {
  const cols = COLUMNS[table];
  if (table === "radios") {
    // Radio rows are created by ingest (name, first/last seen); this only adds the identity.
    return (
      "INSERT INTO radios (name, public_key, node_name, role, lat, lon, first_seen, last_seen) " +
      "VALUES (?, ?, ?, ?, ?, ?, ?7, ?7) ON CONFLICT(name) DO UPDATE SET public_key = excluded.public_key, " +
      "node_name = excluded.node_name, role = excluded.role, lat = excluded.lat, lon = excluded.lon, " +
      "last_seen = max(last_seen, excluded.last_seen)"
    );
  }
  return `INSERT OR REPLACE INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`;
}

function deleteSql(table: MeshTable): string {
  const keys = COLUMNS[table].slice(0, KEYS[table]);
  return `DELETE FROM ${table} WHERE ${keys.map((k) => `${k} = ?`).join(" AND ")}`;
}

/** Applies batches (inside the caller's transaction); statements are prepared once. */
export class MeshRowsWriter {
  private readonly up = new Map<MeshTable, Statement>();
  private readonly del = new Map<MeshTable, Statement>();
  private meta: Statement | null = null;
  private nodeSet: Statement | null = null;

  constructor(private readonly db: Database) {}

  apply(b: MeshRowsBatch): void {
    if (b.clear === true) {
      // nodes.mesh was emptied before the transaction (clearNodeColumn).
      this.db.exec(
        "DELETE FROM edges; DELETE FROM node_stats; DELETE FROM mesh_buckets; DELETE FROM meta WHERE key LIKE 'mesh.%'",
      );
    }
    this.runAll(b.upsert, true);
    this.runAll(b.delete, false);
    if (b.meta) {
      this.meta ??= this.db.prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      );
      this.meta.run([b.meta.key, b.meta.value]);
    }
  }

  /**
   * Empty nodes.mesh ahead of a batch that clears, CLEAR_SLICE rows in key
   * order per transaction of its own. One statement over the whole column
   * held every page of the nodes table in SQLite's in-memory rollback
   * journal at once: 2.75 MiB more WebAssembly memory at 16,400 nodes, which
   * never goes back, against 0.09 in slices (bench/mesh-save-wasm.ts; a whole
   * table's DELETE costs nothing like it). Emptying is idempotent, so a
   * crash part-way is mended when the batch replays. The saved head goes
   * first, so should the batch itself then fail, no head claims rows that
   * are gone (the next start rebuilds from the store).
   */
  clearNodeColumn(): void {
    this.db.run("DELETE FROM meta WHERE key LIKE 'mesh.%'");
    let after: string | null = null;
    for (;;) {
      const from: string = after === null ? "" : " AND public_key > ?";
      const lo: Cell[] = after === null ? [] : [after];
      const end: Cell | undefined = selectRows(
        this.db,
        `SELECT public_key FROM nodes WHERE mesh IS NOT NULL${from} ORDER BY public_key LIMIT 1 OFFSET ${CLEAR_SLICE - 1}`,
        lo,
      )[0]?.[0];
      const last: string | null = typeof end === "string" ? end : null;
      this.db.exec("BEGIN");
      this.db.run(
        `UPDATE nodes SET mesh = NULL WHERE mesh IS NOT NULL${from}${last === null ? "" : " AND public_key <= ?"}`,
        last === null ? lo : [...lo, last],
      );
      this.db.exec("COMMIT");
      if (last === null) return;
      after = last;
    }
  }

  /** Each table's rows through its statement (prepared once per table and kept). */
  private runAll(
    byTable: Partial<Record<MeshTable, readonly Row[]>> | undefined,
    upsert: boolean,
  ): void {
    for (const [table, rows] of Object.entries(byTable ?? {}) as [MeshTable, readonly Row[]][]) {
      const s = this.statement(table, upsert);
      for (const r of rows) {
        if (table === "node_stats" && r[0] === NODE_ROW_KIND) {
          // Into the node's own row when the store has one (and out of
          // node_stats, where an earlier save may have put it).
          this.nodeSet ??= this.db.prepare("UPDATE nodes SET mesh = ? WHERE public_key = ?");
          this.nodeSet.run([upsert ? r[2]! : null, r[1]!]);
          if (upsert && this.db.getRowsModified() > 0) {
            this.statement("node_stats", false).run([NODE_ROW_KIND, r[1]!]);
            continue;
          }
        }
        s.run(r as Cell[]);
      }
    }
  }

  /** A table's upsert or delete statement, prepared once and kept. */
  private statement(table: MeshTable, upsert: boolean): Statement {
    const cache = upsert ? this.up : this.del;
    let s = cache.get(table);
    if (!s) {
      s = this.db.prepare(upsert ? upsertSql(table) : deleteSql(table));
      cache.set(table, s);
    }
    return s;
  }

  close(): void {
    for (const s of [...this.up.values(), ...this.del.values()]) s.free();
    this.meta?.free();
    this.nodeSet?.free();
    this.nodeSet = null;
    this.up.clear();
    this.del.clear();
    this.meta = null;
  }
}

/**
 * One page of a mesh table in primary-key order, after the key `after`
 * (null: from the start). Radios: those with a node identity. node_stats
 * also holds the node rows kept in `nodes` (NODE_ROW_KIND), merged in order.
 */
export function meshRead(db: Database, table: MeshTable, after: Row | null, limit: number): Row[] {
  if (!(table in COLUMNS)) throw new StoreError("E_STORE_ARG", `mesh table ${table} unknown`);
  const cols = COLUMNS[table];
  const keys = cols.slice(0, KEYS[table]);
  const n = Math.max(1, Math.min(MAX_ROWS, Math.trunc(limit) || 1));
  const where: string[] = table === "radios" ? ["public_key IS NOT NULL"] : [];
  const params: Cell[] = [];
  if (after) {
    if (after.length !== keys.length) throw new StoreError("E_STORE_ARG", "bad mesh cursor");
    where.push(`(${keys.join(", ")}) > (${keys.map(() => "?").join(", ")})`);
    params.push(...after);
  }
  const sql =
    `SELECT ${cols.join(", ")} FROM ${table}` +
    (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${keys.join(", ")} LIMIT ${n}`;
  const rows = selectRows(db, sql, params);
  if (table !== "node_stats") return rows;
  const kind = after ? Number(after[0]) : Number.NEGATIVE_INFINITY;
  if (kind > NODE_ROW_KIND) return rows;
  const inNodes = selectRows(
    db,
    `SELECT ${NODE_ROW_KIND}, public_key, mesh FROM nodes WHERE mesh IS NOT NULL` +
      (kind === NODE_ROW_KIND ? " AND public_key > ?" : "") +
      ` ORDER BY public_key LIMIT ${n}`,
    kind === NODE_ROW_KIND ? [after![1]!] : [],
  );
  if (inNodes.length === 0) return rows;
  const before = (x: Row, y: Row): boolean =>
    Number(x[0]) < Number(y[0]) || (x[0] === y[0] && String(x[1]) < String(y[1]));
  const out: Row[] = [];
  let i = 0;
  let j = 0;
  while (out.length < n && (i < rows.length || j < inNodes.length)) {
    if (j >= inNodes.length || (i < rows.length && before(rows[i]!, inNodes[j]!)))
      out.push(rows[i++]!);
    else out.push(inNodes[j++]!);
  }
  return out;
}

function selectRows(db: Database, sql: string, params: Cell[]): Row[] {
  const s = db.prepare(sql);
  try {
    s.bind(params);
    const out: Row[] = [];
    while (s.step()) out.push(s.get() as Cell[]);
    return out;
  } finally {
    s.free();
  }
}
