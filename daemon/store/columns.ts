/**
 * Running a read query: its result rows as value arrays, or as records whose
 * field names the select list gives (`min_id AS minId`), so a query's column
 * list is also its mapping to the record and the two cannot drift apart.
 */
import type { Database, Statement } from "./sqlite.ts";

export type Val = string | number | null | Uint8Array;
export type SqlRow = readonly Val[];
export type SqlRecord = Readonly<Record<string, Val>>;

function each<T>(
  db: Database,
  sql: string,
  params: readonly Val[],
  read: (st: Statement) => T,
): T[] {
  const st = db.prepare(sql);
  try {
    st.bind(params as Val[]);
    const out: T[] = [];
    while (st.step()) out.push(read(st));
    return out;
  } finally {
    st.free();
  }
}

/** All result rows of one statement (prepared, bound, freed). */
export function selectRows(db: Database, sql: string, params: readonly Val[] = []): SqlRow[] {
  return each(db, sql, params, (st) => st.get() as Val[]);
}

/**
 * All result rows as records keyed by column name. SQLite hands back what
 * was stored (integers and reals as numbers, text as strings, blobs as bytes,
 * NULL as null), so a record needs converting only where its type differs
 * (a 0/1 flag, a joined list, JSON text). The column names are read once per
 * query (sql.js getAsObject reads them again for every row). Hot scans (the
 * packet rows) map positions instead: a literal object per row is cheaper.
 */
export function selectRecords(db: Database, sql: string, params: readonly Val[] = []): SqlRecord[] {
  let names: string[] | null = null;
  return each(db, sql, params, (st) => {
    names ??= st.getColumnNames();
    const row = st.get();
    const out: Record<string, Val> = {};
    for (let i = 0; i < names.length; i++) out[names[i] as string] = row[i] ?? null;
    return out;
  });
}
