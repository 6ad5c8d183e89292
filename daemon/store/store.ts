/**
 * createStore(): the main-thread side of the store. Every call is a message
 * to the store worker; nothing touches sql.js on this thread. health() is
 * answered from the last snapshot of health the worker pushed (every 500 ms
 * and after every write).
 */

import { Worker } from "node:worker_threads";
import type {
  ChannelMessageRow,
  IngestResult,
  NodeRow,
  ObservationInput,
  OutboxMessage,
  PacketPage,
  PacketQuery,
  PacketRow,
  StoreApi,
  StoreHealth,
} from "./api.ts";
import { type ArchiveSettings, DEFAULT_HOT_MB } from "./archiver.ts";
import type { EngineOptions } from "./engine.ts";
import { StoreError } from "./errors.ts";
import type { MeshRowsBatch, MeshTable, Row } from "./mesh-rows.ts";
import type { ObservationColumns } from "./observation-columns.ts";
import { workerEntry } from "./paths.ts";
import type { FromWorker, Method, ToWorker, WorkerInit } from "./rpc.ts";

/** The engine's settings the worker passes on (engine.ts and archiver.ts document them), plus the worker's own. */
export interface StoreOptions
  extends Pick<
    EngineOptions,
    | "dataDir"
    | "fsyncIntervalMs"
    | "snapshotJournalRatio"
    | "maxDbMB"
    | "maxAgeDays"
    | "log"
    | "memory"
    | "schemaDir"
    | "snapshotMinJournalBytes"
    | "outboxMaxPerBroker"
    | "outboxMaxAgeMs"
    | "maxNodes"
    | keyof ArchiveSettings
  > {
  /** Tests only: URL of a module exporting `fs` (an FsPort) to inject faults. */
  readonly fsModule?: string;
  /** V8 young-generation cap of the store worker in MB (default 3: a few MB of RSS instead of tens). */
  readonly workerYoungGenerationMb?: number;
  /** stop() gives up and terminates the worker after this long (default 5000). */
  readonly stopTimeoutMs?: number;
  /**
   * The worker is replaced (after a snapshot) when its sql.js wasm memory
   * passes this many MB; 0 never. Default: 4x hotMB + 32 (see docs/storage.md).
   */
  readonly recycleWasmMB?: number;
}

const EMPTY_HEALTH: StoreHealth = {
  ok: false,
  dbBytes: 0,
  journalBytes: 0,
  lastSnapshotAt: null,
  lastSnapshotMs: null,
  schemaVersion: 0,
  observations: 0,
  transmissions: 0,
  nodes: 0,
  error: "not started",
  counters: {},
};

interface Queued {
  readonly method: Method;
  readonly args: unknown[];
  readonly waiter: Waiter;
}

interface Waiter {
  resolve(v: unknown): void;
  reject(e: Error): void;
  /** Created when the call was made, so a failure points at the caller. */
  err: StoreError;
}

class StoreClient implements StoreApi {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiters = new Map<number, Waiter>();
  private cached: StoreHealth = EMPTY_HEALTH;
  private stopping: Promise<void> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartDelayMs = 0;
  private restarts = 0;
  private recycling: Promise<void> | null = null;
  private recycles = 0;
  private readonly queued: Queued[] = [];

  constructor(private readonly o: StoreOptions) {}

  start(): Promise<void> {
    if (this.worker) return Promise.resolve();
    const entry = workerEntry();
    const w = new Worker(entry.url, {
      execArgv: entry.execArgv,
      workerData: entry.workerData,
      // Each ingest message is garbage once applied; left to grow, the young
      // generation sizes itself for throughput (tens of MB of RSS).
      resourceLimits: { maxYoungGenerationSizeMb: this.o.workerYoungGenerationMb ?? 3 },
    });
    this.worker = w;
    const log = this.o.log;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      w.on("message", (m: FromWorker) => {
        switch (m.type) {
          case "ready":
            this.cached = m.health;
            started = true;
            resolve();
            break;
          case "fatal":
            reject(new StoreError(m.code, m.message));
            void w.terminate();
            break;
          case "health":
            this.cached = m.health;
            break;
          case "recycle":
            void this.recycle(
              m.reason === "compacted"
                ? "hot DB compacted"
                : `wasm memory ${Math.round(m.wasmBytes / 1048576)} MB`,
            );
            break;
          case "log":
            log[m.level](m.msg, m.fields);
            break;
          case "result":
          case "error": {
            const waiter = this.waiters.get(m.id);
            if (!waiter) break;
            this.waiters.delete(m.id);
            if (m.type === "result") waiter.resolve(m.value);
            else {
              waiter.err.message = m.message;
              (waiter.err as { code: string }).code = m.code;
              waiter.reject(waiter.err);
            }
            break;
          }
        }
      });
      w.on("error", (err) => {
        log.error("store worker crashed", { error: err.message });
        this.cached = { ...this.cached, ok: false, error: `worker: ${err.message}` };
        if (!started)
          reject(
            new StoreError("E_STORE_WORKER", `store worker failed: ${err.message}`, { cause: err }),
          );
      });
      w.on("exit", (code) => {
        // A recycled worker's exit may come after its successor started.
        if (this.worker !== w && this.worker !== null) return;
        this.worker = null;
        for (const waiter of this.waiters.values()) {
          waiter.err.message = `store worker exited (${code})`;
          waiter.reject(waiter.err);
        }
        this.waiters.clear();
        if (!started)
          reject(new StoreError("E_STORE_WORKER", `store worker exited (${code}) during start`));
        else if (!this.stopping && !this.recycling) this.restartLater(code);
      });
      const init: WorkerInit = {
        dataDir: this.o.dataDir,
        fsyncIntervalMs: this.o.fsyncIntervalMs,
        snapshotJournalRatio: this.o.snapshotJournalRatio,
        maxDbMB: this.o.maxDbMB,
        maxAgeDays: this.o.maxAgeDays,
        memory: Boolean(this.o.memory),
        logLevel: log.enabled("debug")
          ? "debug"
          : log.enabled("info")
            ? "info"
            : log.enabled("warn")
              ? "warn"
              : "error",
        ...pick(this.o, [
          "schemaDir",
          "snapshotMinJournalBytes",
          "outboxMaxPerBroker",
          "outboxMaxAgeMs",
          "maxNodes",
          "fsModule",
          "hotMB",
          "hotMaxHours",
          "partitionMB",
          "archiveMaxMB",
          "archiveChunkRows",
        ]),
        recycleWasmBytes:
          (this.o.recycleWasmMB ?? 4 * (this.o.hotMB ?? DEFAULT_HOT_MB) + 32) * 1024 * 1024,
      };
      w.postMessage({ type: "init", init } satisfies ToWorker);
    });
  }

  /**
   * A worker that dies while running (a crash, out of memory) is started
   * again: it reloads the newest snapshot and replays the journal, so only
   * what was not yet group-committed is lost. Calls in the meantime reject
   * (ingest keeps its batch and retries). Backoff 1 s doubling to 30 s.
   */
  private restartLater(code: number): void {
    this.restartDelayMs = Math.min(30_000, this.restartDelayMs ? this.restartDelayMs * 2 : 1000);
    const error = `store worker exited (${code}); restarting in ${this.restartDelayMs} ms`;
    this.o.log.error(error);
    this.cached = { ...this.cached, ok: false, error };
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.start().then(
        () => {
          this.restarts++;
          this.restartDelayMs = 0;
          this.o.log.info("store worker restarted", { restarts: this.restarts });
        },
        (err: Error) => {
          this.o.log.error("store worker restart failed", { error: err.message });
          this.worker = null;
          this.restartLater(-1);
        },
      );
    }, this.restartDelayMs);
  }

  /**
   * Replace the worker by a fresh one: the old one flushes its journal and
   * writes a snapshot (stop), the new one loads it. Calls made meanwhile
   * wait in a queue and go to the new worker, so none is lost.
   */
  recycle(reason = "requested"): Promise<void> {
    if (this.recycling || this.stopping || !this.worker) return this.recycling ?? Promise.resolve();
    const log = this.o.log;
    this.recycling = (async () => {
      log.info("recycling store worker", { reason });
      const limit = Date.now() + (this.o.stopTimeoutMs ?? 5000);
      while (this.waiters.size > 0 && Date.now() < limit)
        await new Promise((r) => setTimeout(r, 5));
      const w = this.worker!;
      const r = await this.send<void>(w, "stop", []).catch((e: Error) => e);
      if (r instanceof Error) log.error("store stop before recycling failed", { error: r.message });
      await w.terminate();
      this.worker = null;
      await this.start();
      this.recycles++;
    })()
      .catch((err: Error) => {
        log.error("store worker recycle failed; restarting", { error: err.message });
        this.worker = null;
        this.restartLater(-1);
      })
      .finally(() => {
        this.recycling = null;
        const w = this.worker;
        for (const q of this.queued.splice(0)) {
          if (w) this.post(w, q.method, q.args, q.waiter);
          else q.waiter.reject(q.waiter.err);
        }
      });
    return this.recycling;
  }

  private call<T>(method: Method, ...args: unknown[]): Promise<T> {
    const w = this.worker;
    if (this.recycling) {
      const err = new StoreError("E_STORE_CLOSED", `store.${method}: store is not running`);
      return new Promise<T>((resolve, reject) => {
        this.queued.push({
          method,
          args,
          waiter: { resolve: resolve as (v: unknown) => void, reject, err },
        });
      });
    }
    if (!w)
      return Promise.reject(
        new StoreError("E_STORE_CLOSED", `store.${method}: store is not running`),
      );
    return this.send<T>(w, method, args);
  }

  private send<T>(w: Worker, method: Method, args: unknown[]): Promise<T> {
    const err = new StoreError("E_STORE_CLOSED", `store.${method}: store is not running`);
    return new Promise<T>((resolve, reject) => {
      this.post(w, method, args, { resolve: resolve as (v: unknown) => void, reject, err });
    });
  }

  private post(w: Worker, method: Method, args: unknown[], waiter: Waiter): void {
    const id = this.nextId++;
    this.waiters.set(id, waiter);
    w.postMessage({ type: "call", id, method, args } satisfies ToWorker);
  }

  async stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.recycling) await this.recycling;
    if (!this.worker) return;
    this.stopping ??= (async () => {
      const w = this.worker!;
      const limit = this.o.stopTimeoutMs ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((r) => {
        timer = setTimeout(() => r("timeout"), limit);
      });
      const r = await Promise.race([this.call("stop").catch((e: Error) => e), timeout]);
      clearTimeout(timer);
      if (r === "timeout")
        this.o.log.error("store stop timed out; terminating worker", { ms: limit });
      else if (r instanceof Error) this.o.log.error("store stop failed", { error: r.message });
      await w.terminate();
      this.worker = null;
      this.cached = { ...this.cached, ok: false, error: "stopped" };
    })();
    return this.stopping;
  }

  ingest(batch: readonly ObservationInput[]): Promise<IngestResult> {
    return this.call("ingest", batch);
  }
  listPackets(q: PacketQuery): Promise<readonly PacketRow[]> {
    return this.call("listPackets", q);
  }
  packetPage(q: PacketQuery): Promise<PacketPage> {
    return this.call("packetPage", q);
  }
  getTransmission(hash: string): Promise<readonly PacketRow[]> {
    return this.call("getTransmission", hash);
  }
  scanObservations(afterId: number, limit: number): Promise<readonly PacketRow[]> {
    return this.call("scanObservations", afterId, limit);
  }
  listNodes(): Promise<readonly NodeRow[]> {
    return this.call("listNodes");
  }
  scanObservationColumns(
    afterId: number,
    limit: number,
    rawTypes: readonly number[],
  ): Promise<ObservationColumns> {
    return this.call("scanObservationColumns", afterId, limit, rawTypes);
  }
  scanNodes(afterKey: string, limit: number): Promise<readonly NodeRow[]> {
    return this.call("scanNodes", afterKey, limit);
  }
  getNode(publicKey: string): Promise<NodeRow | null> {
    return this.call("getNode", publicKey);
  }
  listChannelMessages(
    channel: string | null,
    limit: number,
    before?: number,
  ): Promise<readonly ChannelMessageRow[]> {
    return this.call("listChannelMessages", channel, limit, before);
  }
  getMeta(key: string): Promise<string | null> {
    return this.call("getMeta", key);
  }
  setMeta(key: string, value: string): Promise<void> {
    return this.call("setMeta", key, value);
  }
  meshWrite(batch: MeshRowsBatch): Promise<void> {
    return this.call("meshWrite", batch);
  }
  meshRead(table: MeshTable, after: Row | null, limit: number): Promise<readonly Row[]> {
    return this.call("meshRead", table, after, limit);
  }
  outboxEnqueue(msgs: readonly Omit<OutboxMessage, "id" | "createdAt">[]): Promise<void> {
    return this.call("outboxEnqueue", msgs);
  }
  outboxPeek(broker: string, limit: number): Promise<readonly OutboxMessage[]> {
    return this.call("outboxPeek", broker, limit);
  }
  outboxAck(ids: readonly number[]): Promise<void> {
    return this.call("outboxAck", ids);
  }
  outboxStats(): Promise<{
    readonly depth: Readonly<Record<string, number>>;
    readonly dropped: number;
  }> {
    return this.call("outboxStats");
  }
  backup(path: string): Promise<void> {
    return this.call("backup", path);
  }
  /** Take a snapshot now (normally automatic); resolves when it is on disk. */
  snapshot(): Promise<void> {
    return this.call("snapshot");
  }
  health(): StoreHealth {
    if (this.restarts === 0 && this.recycles === 0) return this.cached;
    return {
      ...this.cached,
      counters: {
        ...this.cached.counters,
        worker_restarts: this.restarts,
        worker_recycles: this.recycles,
      },
    };
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** The store service: call start() before use and stop() on shutdown. */
export function createStore(opts: StoreOptions): StoreApi & {
  snapshot(): Promise<void>;
  recycle(reason?: string): Promise<void>;
  packetPage(q: PacketQuery): Promise<PacketPage>;
} {
  return new StoreClient(opts);
}
