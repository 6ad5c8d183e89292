/** GET /api/health: the readiness truth. */
import type { JournalDamage } from "../../store/api.ts";

export interface HealthStore {
  readonly ok: boolean;
  readonly error: string | null;
  readonly observations: number;
  readonly transmissions?: number;
  readonly nodes?: number;
  readonly dbBytes?: number;
  readonly journalBytes?: number;
  readonly schemaVersion?: number;
  readonly lastSnapshotAt?: string | null;
  readonly lastSnapshotMs?: number | null;
  /** Bytes the hot DB's rows use (bounded by store.hotMB). */
  readonly hotBytes?: number | null;
  /** Archive partition files; null for a store without files. */
  readonly archive?: {
    readonly bytes: number;
    readonly partitions: number;
    readonly migrating: boolean;
  } | null;
  /** Store worker memory: sql.js WebAssembly memory and V8 heap used. */
  readonly memory?: { readonly wasmBytes: number; readonly workerHeapBytes: number } | null;
  /** Torn journal records skipped at the last load, and what was damaged (store health). */
  readonly journalTorn?: number;
  readonly journalDamage?: JournalDamage | null;
}

/** The gateway as a node: the primary radio's identity and the configured region. */
export interface GatewayIdentity {
  /** The primary radio's advertised name (or the configured one); null until known. */
  readonly name: string | null;
  readonly publicKey: string | null;
  /** The configured region name(s), empty when none. */
  readonly regions: readonly string[];
  /** Whether actions (send, advert) are enabled: an http.token is set. */
  readonly actions: boolean;
}

export interface Health {
  readonly status: "ok" | "degraded";
  readonly reasons: readonly string[];
  readonly version: string;
  readonly uptimeSec: number;
  readonly engine: "uws" | "node" | null;
  readonly gateway: GatewayIdentity;
  readonly store: HealthStore;
  readonly radios: readonly {
    readonly id: string;
    readonly driver: string;
    readonly state: string;
    readonly lastError: string | null;
  }[];
  readonly mqtt: readonly {
    readonly name: string;
    readonly state: string;
    readonly connected: boolean;
  }[];
  /**
   * Ingest counters: received, stored, transmissions, dropped, storeErrors,
   * queue, and the decoder's decodeErrors, decrypted, badSignatures,
   * unsupportedVersion.
   */
  readonly ingest: Readonly<Record<string, number>> | null;
  readonly disk: { readonly freeBytes: number; readonly totalBytes: number } | null;
  readonly index: { readonly ready: boolean; readonly progress: number; readonly detail?: string };
  readonly counters: Readonly<Record<string, number>>;
  readonly versions: {
    readonly meshgate: string;
    readonly node: string;
    readonly engine: string | null;
  };
}
