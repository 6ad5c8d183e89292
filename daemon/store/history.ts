/**
 * History reads that continue past the hot window into archive partitions.
 * Pages are ordered by id, newest first: the hot DB holds every id above the
 * newest partition's max_id, and partitions have disjoint id ranges, so a
 * page walks hot -> newest partition -> older ones, one partition open at a
 * time. A page stops after `budget` partitions even if short, and returns a
 * cursor to resume from, so one request never reads the whole archive.
 */
import type { ChannelMessageRow, PacketQuery, PacketRow } from "./api.ts";
import type { Archive } from "./archive.ts";
import type { PartitionInfo } from "./partition.ts";
import * as q from "./queries.ts";
import type { Database } from "./sqlite.ts";

export interface Page<T> {
  readonly rows: T[];
  /** Cursor for the next page (rows with id below it), or null at the end of history. */
  readonly nextBefore: number | null;
}

/** Partitions one page may open before it returns short with a cursor. */
export const PAGE_PARTITION_BUDGET = 8;

function hotFloor(hot: Database, table: "observations" | "channel_messages"): number {
  return q.scalar(hot, `SELECT coalesce(min(id), 9e15) FROM ${table}`);
}

function overlaps(p: PartitionInfo, since?: number, until?: number): boolean {
  return (since === undefined || p.maxAt >= since) && (until === undefined || p.minAt <= until);
}

export function packetPage(
  hot: Database,
  archive: Archive | null,
  query: PacketQuery,
  now: number,
  budget = PAGE_PARTITION_BUDGET,
): Page<PacketRow> {
  const limit = q.clampLimit(query.limit);
  const rows = q.listPackets(hot, query);
  const full = (): Page<PacketRow> => ({ rows, nextBefore: rows.at(-1)?.id ?? null });
  if (rows.length >= limit) return full();
  if (!archive || limit === 0) return { rows, nextBefore: null };
  let before = Math.min(
    query.before ?? 9e15,
    rows.at(-1)?.id ?? 9e15,
    hotFloor(hot, "observations"),
  );
  let opened = 0;
  const parts = archive.list().reverse();
  for (const p of parts) {
    if (p.minId >= before || !overlaps(p, query.since, query.until)) continue;
    if (opened++ >= budget) return { rows, nextBefore: before };
    const db = archive.open(p.name, now);
    if (db) {
      const more = q.listPackets(db, {
        ...query,
        before: Math.min(before, p.maxId + 1),
        limit: limit - rows.length,
      });
      rows.push(...more);
      if (rows.length >= limit) return full();
    }
    before = p.minId;
  }
  return { rows, nextBefore: null };
}

/**
 * A transmission's hearings, oldest first: the hot DB's, plus those already
 * archived when its first hearing is not hot any more. Only partitions whose
 * hash filter may hold it are opened (newest first, until the first hearing
 * is found or the budget is spent): normally exactly one.
 */
export function transmission(
  hot: Database,
  archive: Archive | null,
  hash: string,
  now: number,
  budget = PAGE_PARTITION_BUDGET * 4,
): PacketRow[] {
  let rows = q.getTransmission(hot, hash);
  if (!archive || rows[0]?.firstSeen) return rows;
  const floor = rows[0]?.id ?? 9e15;
  for (const p of archive.candidates(hash)) {
    if (p.minId >= floor) continue;
    if (budget-- <= 0) break;
    const db = archive.open(p.name, now);
    if (!db) continue;
    const found = q.getTransmission(db, hash).filter((r) => r.id <= p.maxId);
    rows = [...found, ...rows];
    if (found[0]?.firstSeen) break;
  }
  return rows;
}

export function channelPage(
  hot: Database,
  archive: Archive | null,
  channel: string | null,
  limit: number,
  before: number | undefined,
  now: number,
  budget = PAGE_PARTITION_BUDGET * 4,
): ChannelMessageRow[] {
  const want = q.clampLimit(limit);
  const rows = q.listChannelMessages(hot, channel, want, before);
  if (rows.length >= want || !archive) return rows;
  let cursor = Math.min(before ?? 9e15, rows.at(-1)?.id ?? 9e15, hotFloor(hot, "channel_messages"));
  for (const p of archive.list().reverse().slice(0, budget)) {
    const db = archive.open(p.name, now);
    if (!db) continue;
    const more = q.listChannelMessages(db, channel, want - rows.length, cursor, p.maxId);
    rows.push(...more);
    if (rows.length >= want) break;
    cursor = Math.min(cursor, more.at(-1)?.id ?? cursor);
  }
  return rows;
}

/** The engine's history reads, bound to its hot DB, its archive (if any) and its clock. */
export class History {
  constructor(
    private readonly hot: Database,
    private readonly archive: () => Archive | null,
    private readonly now: () => number,
  ) {}

  packetPage(query: PacketQuery): Page<PacketRow> {
    return packetPage(this.hot, this.archive(), query, this.now());
  }

  transmission(hash: string): PacketRow[] {
    return transmission(this.hot, this.archive(), hash, this.now());
  }

  channelMessages(channel: string | null, limit: number, before?: number): ChannelMessageRow[] {
    return channelPage(this.hot, this.archive(), channel, limit, before, this.now());
  }

  /** Copies of the archive partitions for a backup (the hot DB is exported separately). */
  copyArchive(destDir: string): Promise<number> {
    return this.archive()?.copyTo(destDir) ?? Promise.resolve(0);
  }
}
