/**
 * Forward-only migrations from `schema/NNN_name.sql`, applied in order, each
 * in its own transaction, the version kept in PRAGMA user_version. A DB whose
 * version is newer than the newest file is refused: an older binary must not
 * write a schema it does not understand.
 */
import { join } from "node:path";
import { StoreError } from "./errors.ts";
import type { FsPort } from "./fsport.ts";
import type { Database } from "./sqlite.ts";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(fsp: FsPort, dir: string): Migration[] {
  const out: Migration[] = [];
  for (const f of fsp.readdirSync(dir) as string[]) {
    const m = FILE.exec(f);
    if (!m) continue;
    out.push({
      version: Number(m[1]),
      name: m[2]!,
      sql: fsp.readFileSync(join(dir, f), "utf8") as string,
    });
  }
  out.sort((a, b) => a.version - b.version);
  out.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StoreError(
        "E_STORE_MIGRATION",
        `migrations must be numbered 001.. without gaps; found ${m.version} at ${i + 1}`,
      );
    }
  });
  if (out.length === 0) throw new StoreError("E_STORE_MIGRATION", `no migrations found in ${dir}`);
  return out;
}

export function schemaVersion(db: Database): number {
  const r = db.exec("PRAGMA user_version");
  return Number(r[0]?.values[0]?.[0] ?? 0);
}

/** Applies what is missing; returns the versions applied. */
export function migrate(
  db: Database,
  migrations: readonly Migration[],
  upTo = Number.POSITIVE_INFINITY,
): number[] {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StoreError(
      "E_STORE_SCHEMA",
      `database schema version ${current} is newer than this meshgate knows (${latest}); upgrade meshgate or restore an older backup`,
    );
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    db.exec("BEGIN");
    try {
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw new StoreError(
        "E_STORE_MIGRATION",
        `migration ${m.version}_${m.name} failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    applied.push(m.version);
  }
  return applied;
}
