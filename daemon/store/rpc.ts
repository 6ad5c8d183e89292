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
  readonly hotMB?: number;
  readonly hotMaxHours?: number;
  readonly partitionMB?: number;
  readonly archiveMaxMB?: number;
  readonly archiveChunkRows?: number;
  /** Ask to be replaced when sql.js's wasm memory passes this after a snapshot (0: never). */
  readonly recycleWasmBytes?: number;
  /** Module URL exporting `fs` (an FsPort): fault injection in tests. */
  readonly fsModule?: string;
  readonly logLevel: "debug" | "info" | "warn" | "error";
}

export type Method =
  | "ingest"
  | "listPackets"
  | "packetPage"
  | "getTransmission"
  | "scanObservations"
  | "scanObservationColumns"
  | "listNodes"
  | "scanNodes"
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
      readonly type: "recycle";
      readonly wasmBytes: number;
      readonly reason: "compacted" | "wasm";
    }
  | {
      readonly type: "log";
      readonly level: "debug" | "info" | "warn" | "error";
      readonly msg: string;
      readonly fields?: Record<string, unknown>;
    };
