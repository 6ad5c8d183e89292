/**
 * Store worker entry: hosts StoreEngine in its own thread so sql.js work
 * (queries, export for snapshots) never blocks the daemon's event loop.
 * Logs are forwarded to the main thread's Logger.
 */

import { basename, dirname } from "node:path";
import { getHeapStatistics } from "node:v8";
import { parentPort } from "node:worker_threads";
import { MeshgateError } from "../core/errors.ts";
import { DeferredRelease, memoryReleaser, releaseMemoryEvery } from "../core/gc.ts";
import { Logger, type LogSink } from "../core/log.ts";
import { StoreEngine } from "./engine.ts";
import { FileGrowthCollector, growthCheck } from "./file-growth.ts";
import { type FsPort, nodeFs } from "./fsport.ts";
import { dbBytes } from "./maintenance.ts";
import { type MeshTable, meshRead, type Row } from "./mesh-rows.ts";
import { columnsOf } from "./observation-columns.ts";
import { archiveBackupDir } from "./partition.ts";
import * as q from "./queries.ts";
import type { FromWorker, ToWorker, WorkerInit } from "./rpc.ts";
import { writeAtomic } from "./snapshots.ts";
import { wasmMemoryBytes } from "./sqlite.ts";

const port = parentPort;
if (!port) throw new Error("store worker must run in a worker_thread");
const send = (m: FromWorker) => port.postMessage(m);

// Lines are parsed back into level/msg/fields by the main thread's logger.
function forwardingLogger(level: WorkerInit["logLevel"]): Logger {
  const sink: LogSink = {
    write: (line) => {
      const m = JSON.parse(line) as {
        level: "debug" | "info" | "warn" | "error";
        msg: string;
      } & Record<string, unknown>;
      const { t: _t, level: lv, ns: _ns, msg, ...fields } = m;
      send({ type: "log", level: lv, msg, fields });
    },
  };
  return new Logger("store", { level, format: "json", sink });
}

/**
 * After a burst of mesh-table writes or reads (a save, or the mesh model's
 * restore and node scan at start, is a few hundred batches), one GC once it
 * is over.
 */
let afterMeshBurst = new DeferredRelease(null);

const WRITES = new Set([
  "ingest",
  "setMeta",
  "meshWrite",
  "outboxEnqueue",
  "outboxAck",
  "snapshot",
  "backup",
]);
let engine: StoreEngine | null = null;

/** A collection each time sql.js's file has grown by a tenth (see file-growth.ts). */
let fileGrowth: FileGrowthCollector | null = null;
let healthTimer: NodeJS.Timeout | null = null;
let stopReleasing = () => {};
let recycleAsked = false;
/** wasm memory once loaded: a worker that loaded a large DB is not recycled for it. */
let baselineWasm = 0;

/** Engine health plus what only this thread can measure: its own V8 heap. */
function health(e: StoreEngine): ReturnType<StoreEngine["health"]> {
  const h = e.health();
  return {
    ...h,
    memory: { wasmBytes: wasmMemoryBytes(), workerHeapBytes: getHeapStatistics().used_heap_size },
  };
}

/**
 * WebAssembly memory never shrinks, and a worker that once held a large DB
 * keeps heap and allocator arenas sized for it. After a snapshot (the moment
 * a fresh worker would load the least) a worker that compacted its DB, or
 * whose wasm memory is past its limit, asks the main thread to replace it.
 */
function maybeAskRecycle(e: StoreEngine | null, limit: number): void {
  const wasm = wasmMemoryBytes();
  // A worker that loaded a large DB is not replaced for the memory it started with.
  const grown = limit > 0 && wasm > limit && wasm >= 1.5 * baselineWasm;
  if (recycleAsked || !e || !(e.recycleWanted || grown)) return;
  recycleAsked = true;
  send({ type: "recycle", wasmBytes: wasm, reason: e.recycleWanted ? "compacted" : "wasm" });
}

async function call(e: StoreEngine, method: string, a: readonly unknown[]): Promise<unknown> {
  const db = e.database;
  switch (method) {
    case "ingest":
      return e.ingest(a[0] as Parameters<StoreEngine["ingest"]>[0]);
    case "listPackets":
      return e.history.packetPage(a[0] as Parameters<typeof q.listPackets>[1]).rows;
    case "packetPage":
      return e.history.packetPage(a[0] as Parameters<typeof q.listPackets>[1]);
    case "getTransmission":
      return e.history.transmission(String(a[0]));
    case "scanObservations":
      return q.scanObservations(db, Number(a[0]), Number(a[1]));
    case "scanObservationColumns":
      return columnsOf(q.scanObservations(db, Number(a[0]), Number(a[1])), a[2] as number[]);
    case "listNodes":
      return q.listNodes(db);
    case "scanNodes":
      afterMeshBurst.soon();
      return q.scanNodes(db, String(a[0]), Number(a[1]));
    case "getNode":
      return q.getNode(db, String(a[0]));
    case "listChannelMessages":
      return e.history.channelMessages(
        a[0] as string | null,
        Number(a[1]),
        a[2] as number | undefined,
      );
    case "getMeta":
      return e.getMeta(String(a[0]));
    case "setMeta":
      return e.setMeta(String(a[0]), String(a[1]));
    case "meshWrite":
      e.meshWrite(a[0]);
      afterMeshBurst.soon();
      return undefined;
    case "meshRead":
      afterMeshBurst.soon();
      return meshRead(db, a[0] as MeshTable, (a[1] ?? null) as Row | null, Number(a[2]));
    case "outboxEnqueue":
      return e.outboxEnqueue(a[0] as Parameters<StoreEngine["outboxEnqueue"]>[0]);
    case "outboxPeek":
      return q.outboxPeek(db, String(a[0]), Number(a[1]));
    case "outboxAck":
      return e.outboxAck(a[0] as number[]);
    case "outboxStats":
      return { depth: q.outboxDepth(db), dropped: e.outboxDropped() };
    case "backup": {
      const path = String(a[0]);
      await writeAtomic(nodeFs, dirname(path), basename(path), e.exportBytes());
      await e.history.copyArchive(archiveBackupDir(path));
      return undefined;
    }
    case "snapshot":
      return e.snapshot();
    case "stop":
      if (healthTimer) clearInterval(healthTimer);
      afterMeshBurst.cancel();
      stopReleasing();
      await e.close();
      engine = null;
      return undefined;
    default:
      throw new MeshgateError("E_STORE_ARG", `unknown store method ${method}`);
  }
}

async function init(i: WorkerInit): Promise<void> {
  try {
    const fs = i.fsModule ? ((await import(i.fsModule)) as { fs: FsPort }).fs : undefined;
    const collect = memoryReleaser();
    afterMeshBurst = new DeferredRelease(collect ?? null);
    engine = await StoreEngine.open({
      ...i,
      log: forwardingLogger(i.logLevel),
      ...(fs ? { fs } : {}),
      afterSnapshot: () => {
        collect?.();
        maybeAskRecycle(engine, i.recycleWasmBytes ?? 0);
      },
      ...(collect && {
        afterArchive: collect,
        afterReplayRecord: growthCheck(collect),
      }),
    });
    engine.start();
    if (collect) {
      // The snapshot's bytes as read from disk, and what replay left, are
      // garbage now: a copy of the whole file that a quiet worker would keep
      // until its next timed release.
      collect();
      fileGrowth = new FileGrowthCollector(collect, dbBytes(engine.database).total);
    }
    stopReleasing = releaseMemoryEvery();
    baselineWasm = wasmMemoryBytes();
    send({ type: "ready", health: health(engine) });
    healthTimer = setInterval(() => {
      if (engine) send({ type: "health", health: health(engine) });
    }, 500);
  } catch (err) {
    const code = err instanceof MeshgateError ? err.code : "E_STORE_OPEN";
    send({ type: "fatal", code, message: (err as Error).message });
  }
}

port.on("message", (m: ToWorker) => {
  if (m.type === "init") {
    void init(m.init);
    return;
  }
  const e = engine;
  if (!e) {
    send({ type: "error", id: m.id, code: "E_STORE_CLOSED", message: "store is not open" });
    return;
  }
  call(e, m.method, m.args).then(
    (value) => {
      // Writes change counts and sizes: fresh health goes first, so a caller
      // reading health() right after the await sees its own write.
      if (WRITES.has(m.method) && engine) {
        fileGrowth?.check(dbBytes(engine.database).total);
        send({ type: "health", health: health(engine) });
      }
      send({ type: "result", id: m.id, value });
    },
    (err: unknown) => {
      const code = err instanceof MeshgateError ? err.code : "E_STORE";
      send({ type: "error", id: m.id, code, message: (err as Error).message });
    },
  );
});
