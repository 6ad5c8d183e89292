/**
 * Column tables: a read query's select list and the mapping of its result rows
 * to records, declared once side by side so the two cannot drift apart
 * (field i of a record is column i of the select list).
 */
import type { Database } from "./sqlite.ts";

export type Val = string | number | null | Uint8Array;
export type SqlRow = readonly Val[];
type Read<T> = (v: Val) => T;

export const num: Read<number> = (v) => Number(v);
export const str: Read<string> = (v) => String(v);
export const numOrNull: Read<number | null> = (v) => (v === null ? null : Number(v));
export const strOrNull: Read<string | null> = (v) => (v === null ? null : String(v));
/** SQLite's 0/1 booleans. */
export const flag: Read<boolean> = (v) => v === 1;
export const blob: Read<Uint8Array> = (v) => v as Uint8Array;

type Spec = Record<string, readonly [column: string, read: Read<unknown>]>;
export type RecordOf<S extends Spec> = { readonly [K in keyof S]: ReturnType<S[K][1]> };

export interface Columns<S extends Spec> {
  /** The select list, in the table's order. */
  readonly sql: string;
  read(r: SqlRow): RecordOf<S>;
}

export function columns<const S extends Spec>(spec: S): Columns<S> {
  const fields = Object.entries(spec);
  return {
    sql: fields.map(([, [column]]) => column).join(", "),
    read(r) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) {
        const [name, [, read]] = fields[i] as [string, readonly [string, Read<unknown>]];
        out[name] = read(r[i] ?? null);
      }
      return out as RecordOf<S>;
    },
  };
}

/** All result rows of one statement (prepared, bound, freed). */
export function selectRows(db: Database, sql: string, params: readonly Val[] = []): SqlRow[] {
  const st = db.prepare(sql);
  try {
    st.bind(params as Val[]);
    const out: SqlRow[] = [];
    while (st.step()) out.push(st.get() as Val[]);
    return out;
  } finally {
    st.free();
  }
}
