/**
 * The store's contract with the rest of the daemon. The implementation runs
 * sql.js inside a worker_thread (see store.ts); callers only ever see this
 * async interface. The store is the single writer: ingest, maintenance and
 * the outbox write; HTTP, MQTT and the UI read or enqueue.
 */

import type { ObservationInput, StoredPacket } from "../core/types.ts";
import type { MeshRowsBatch, MeshTable, Row } from "./mesh-rows.ts";
import type { ObservationColumns } from "./observation-columns.ts";

// The observation shapes belong to core: ingest builds them and the bus carries them.
export type { AdvertInput, ChannelMessageInput, ObservationInput } from "../core/types.ts";

export interface IngestResult {
  /** Per input, in order: the observation id and whether its transmission was new. */
  readonly rows: readonly { readonly id: number; readonly firstSeen: boolean }[];
}

export interface PacketQuery {
  readonly limit: number;
  /** Opaque cursor from a previous page (observation id to continue below). */
  readonly before?: number;
  readonly payloadType?: number;
  readonly route?: number;
  readonly hash?: string;
  readonly radioId?: string;
  /** Upper-case hex node key or prefix: adverts by / packets whose path has it. */
  readonly node?: string;
  readonly channel?: string;
  readonly since?: number;
  readonly until?: number;
}

/** One stored observation as read back: the domain record without what only ingest carries. */
export type PacketRow = Omit<StoredPacket, "version" | "decoded" | "channelMessage" | "advert">;

export interface NodeRow {
  readonly publicKey: string;
  readonly name: string | null;
  readonly role: number;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly lastAdvert: number;
  readonly advertTimestamp: number;
  readonly advertCount: number;
  readonly extras: Readonly<Record<string, unknown>> | null;
}

export interface ChannelMessageRow {
  readonly id: number;
  readonly hash: string;
  readonly channel: string;
  readonly sender: string;
  readonly text: string;
  readonly at: number;
  readonly senderTimestamp: number;
}

export interface OutboxMessage {
  readonly id: number;
  readonly broker: string;
  readonly topic: string;
  readonly payload: string;
  readonly qos: 0 | 1;
  readonly retain: boolean;
  readonly createdAt: number;
}

/**
 * Damage found in the middle of journal files at start-up: bad bytes with
 * good frames after them, which no interrupted write explains (a torn tail
 * at the end of a file is counted apart, as `journal_torn`).
 */
export interface JournalDamage {
  /** Damaged stretches skipped. */
  readonly regions: number;
  /** Frames (group commits) whose records were lost with them. */
  readonly frames: number;
  readonly bytes: number;
  /** Journal file and offset of the last stretch. */
  readonly file: string;
  readonly offset: number;
}

export interface StoreHealth {
  readonly ok: boolean;
  readonly dbBytes: number;
  readonly journalBytes: number;
  readonly lastSnapshotAt: number | null;
  readonly lastSnapshotMs: number | null;
  readonly schemaVersion: number;
  readonly observations: number;
  readonly transmissions: number;
  readonly nodes: number;
  /** Last storage error (ENOSPC, EROFS, ...) still in effect, else null. */
  readonly error: string | null;
  readonly counters: Readonly<Record<string, number>>;
  /** Bytes the hot DB's rows use (the figure store.hotMB bounds). */
  readonly hotBytes?: number;
  /** Archive partitions on disk; null when the store keeps no files. */
  readonly archive?: {
    readonly bytes: number;
    readonly partitions: number;
    /** True while an upgraded large DB is still being moved into partitions. */
    readonly migrating: boolean;
  } | null;
  /** The store worker's memory: V8 heap used and sql.js WebAssembly memory. */
  readonly memory?: { readonly wasmBytes: number; readonly workerHeapBytes: number };
  /** Mid-file journal damage replay skipped at start-up; absent or null when none. */
  readonly journalDamage?: JournalDamage | null;
}

/** One page of a history list and the cursor to continue from. */
export interface PacketPage {
  readonly rows: readonly PacketRow[];
  /** Pass as `before` for the next page; null at the end of history. */
  readonly nextBefore: number | null;
}

export interface StoreApi {
  start(): Promise<void>;
  /** Flush the journal and write a final snapshot. */
  stop(): Promise<void>;
  ingest(batch: readonly ObservationInput[]): Promise<IngestResult>;
  listPackets(q: PacketQuery): Promise<readonly PacketRow[]>;
  /**
   * Like listPackets, continuing into archive partitions; a page may come
   * back short with a cursor when it reached its partition budget.
   */
  packetPage?(q: PacketQuery): Promise<PacketPage>;
  /** All observations of one transmission, oldest first. */
  getTransmission(hash: string): Promise<readonly PacketRow[]>;
  /** Observations with id > afterId in id order (for model rebuilds). */
  scanObservations(afterId: number, limit: number): Promise<readonly PacketRow[]>;
  /** The same page as columns, packet bytes only for `rawTypes` (for model rebuilds). */
  scanObservationColumns(
    afterId: number,
    limit: number,
    rawTypes: readonly number[],
  ): Promise<ObservationColumns>;
  listNodes(): Promise<readonly NodeRow[]>;
  /** Nodes with a key above `afterKey` in key order, at most `limit` (for model rebuilds). */
  scanNodes(afterKey: string, limit: number): Promise<readonly NodeRow[]>;
  getNode(publicKey: string): Promise<NodeRow | null>;
  listChannelMessages(
    channel: string | null,
    limit: number,
    before?: number,
  ): Promise<readonly ChannelMessageRow[]>;
  /** Free-form key/value persistence for other layers (e.g. mesh edges). */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /** The mesh model's tables (mesh-rows.ts): one journaled batch of row changes. */
  meshWrite?(batch: MeshRowsBatch): Promise<void>;
  /** One page of a mesh table in key order after `after` (null: from the start). */
  meshRead?(table: MeshTable, after: Row | null, limit: number): Promise<readonly Row[]>;
  outboxEnqueue(msgs: readonly Omit<OutboxMessage, "id" | "createdAt">[]): Promise<void>;
  /** Oldest-first pending messages for one broker. */
  outboxPeek(broker: string, limit: number): Promise<readonly OutboxMessage[]>;
  outboxAck(ids: readonly number[]): Promise<void>;
  outboxStats(): Promise<{
    readonly depth: Readonly<Record<string, number>>;
    readonly dropped: number;
  }>;
  /** Write a consistent standalone SQLite file. */
  backup(path: string): Promise<void>;
  /** Cached, synchronous. */
  health(): StoreHealth;
}
