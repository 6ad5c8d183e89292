/** Messages between the main thread (store.ts) and the store worker (worker.ts). */
import type { StoreHealth } from "./api.ts";

export interface WorkerInit {
  readonly dataDir: string;
  readonly fsyncIntervalMs: number;
  readonly snapshotJournalRatio: number;
  readonly maxDbMB: number;
  readonly maxAgeDays: number;
  readonly memory: boolean;
  readonly schemaDir?: string;
  readonly snapshotMinJournalBytes?: number;
  readonly outboxMaxPerBroker?: number;
  readonly outboxMaxAgeMs?: number;
  readonly maxNodes?: number;
  /** Module URL exporting `fs` (an FsPort): fault injection in tests. */
  readonly fsModule?: string;
  readonly logLevel: "debug" | "info" | "warn" | "error";
}

export type Method =
  | "ingest"
  | "listPackets"
  | "getTransmission"
  | "scanObservations"
  | "listNodes"
  | "getNode"
  | "listChannelMessages"
  | "getMeta"
  | "setMeta"
  | "meshWrite"
  | "meshRead"
  | "outboxEnqueue"
  | "outboxPeek"
  | "outboxAck"
  | "outboxStats"
  | "backup"
  | "snapshot"
  | "stop";

export type ToWorker =
  | { readonly type: "init"; readonly init: WorkerInit }
  | {
      readonly type: "call";
      readonly id: number;
      readonly method: Method;
      readonly args: readonly unknown[];
    };

export type FromWorker =
  | { readonly type: "ready"; readonly health: StoreHealth }
  | { readonly type: "fatal"; readonly code: string; readonly message: string }
  | { readonly type: "result"; readonly id: number; readonly value: unknown }
  | { readonly type: "error"; readonly id: number; readonly code: string; readonly message: string }
  | { readonly type: "health"; readonly health: StoreHealth }
  | {
      readonly type: "log";
      readonly level: "debug" | "info" | "warn" | "error";
      readonly msg: string;
      readonly fields?: Record<string, unknown>;
    };
