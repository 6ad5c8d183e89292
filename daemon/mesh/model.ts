/**
 * The mesh model service: folds every observation into the live state at
 * once, answers queries from it, and rebuilds a fresh state from the store in
 * the background (time-sliced by the Scheduler), swapping it in whole when
 * done. Until the first state exists `ready()` is false and the HTTP layer
 * answers 503 with `progress()`.
 */
import { errorMessage } from "../core/errors.ts";
import { DeferredRelease, memoryReleaser } from "../core/gc.ts";
import type { Logger } from "../core/log.ts";
import type { Service } from "../core/service.ts";
import type { RadioStatus } from "../core/types.ts";
import { driverNodeRole } from "../protocol/roles.ts";
import type { RadioTrack } from "./activity.ts";
import type { Range } from "./analytics.ts";
import type { NodeHealth } from "./nodes.ts";
import { type PathHop, type PathQuery, resolveHops } from "./paths.ts";
import {
  cloneState,
  Dirty,
  LARGE_SAVE_ROWS,
  type MeshTablesPort,
  parseHead,
  type SavedHead,
  saveChanges,
  TABLES_META_KEY,
} from "./persist.ts";
import {
  type AnalyticsKind,
  type AnalyticsResult,
  analytics,
  type CollisionReport,
  collisionReport,
  type GraphOptions,
  type GraphView,
  graphView,
  type MeshSummary,
  type NodeDetail,
  nodeDetail,
  nodeList,
  summary,
} from "./queries.ts";
import {
  buildState,
  type MeshSource,
  type RebuildTask,
  type StepUnits,
  unseen,
} from "./rebuild.ts";
import { hasPosition } from "./resolve.ts";
import { Scheduler, StepBudget, type TaskHandle, type TaskProgress } from "./scheduler.ts";
import { MeshState, type RadioIdentity } from "./state.ts";
import {
  type MeshConfig,
  type MeshObservation,
  type ResolvedMeshConfig,
  resolveConfig,
} from "./types.ts";

/** What the model holds: nodes, evidence edges, path tokens. */
export interface MeshSizes {
  readonly nodes: number;
  readonly edges: number;
  readonly tokens: number;
}

/** The gateway's own settings (config `gateway`): they win over what the radio reports. */
export interface GatewayIdentity {
  readonly name: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
}

export interface MeshModelOptions {
  readonly config: MeshConfig;
  readonly log: Logger;
  readonly now?: () => number;
  /** The store's mesh tables (schema 004): the state is saved there and restored at start. */
  readonly tables?: MeshTablesPort;
  /** Save what changed this often while running (default 5 min; 0 = only at stop). */
  readonly persistEveryMs?: number;
  /** Settle a large graph in the background at most this often (default 30 s). */
  readonly settleEveryMs?: number;
  readonly gateway?: GatewayIdentity;
  readonly pruneEveryMs?: number;
  /** Rows per store read during a rebuild (default 200). */
  readonly batch?: number;
  /** Work units per rebuild step (default STEP_UNITS in rebuild.ts). */
  readonly stepUnits?: StepUnits;
  /**
   * Called after a save of at least one full batch of rows and after each
   * build (default: a full GC that gives the freed heap pages back,
   * core/gc.ts). The batches of a large save, and the pages a build reads,
   * outlive a young-generation cycle, so they end up in the old generation;
   * without this their pages stayed committed: after the first full save,
   * and after restoring 20,000 nodes at start (125 MB for the first 104 s,
   * 110-113 MB from the fourth second with it: bench/soak.ts --nodes 20000).
   */
  readonly releaseMemory?: () => void;
  /** How long after a build its release runs (default RELEASE_DELAY_MS, core/gc.ts). */
  readonly releaseDelayMs?: number;
  /** Told of each new node and each fresh advert of a known one (e.g. the bus `node` event). */
  readonly onNode?: (e: { publicKey: string; change: "new" | "updated" }) => void;
}

export interface RebuildOptions {
  /**
   * "scratch": from nothing; "current": from the current state; "stored":
   * from the store's mesh tables. Each then reads only rows newer than its
   * watermark. Default: "stored" for the first build when a saved state
   * exists (startup keeps links older than the store's packet retention),
   * else "scratch" (after a migration, retention or config change).
   */
  readonly from?: "scratch" | "current" | "stored";
}

export { type MeshSource, TABLES_META_KEY };

/** Graphs up to this many evidence edges settle at once when queried; larger ones in the background. */
const SYNC_SETTLE_EDGES = 3000;

const MAX_PENDING = 200_000;

export class MeshModel implements Service {
  readonly name = "mesh";
  /** The settings in effect; `reconfigure` replaces them. */
  cfg: ResolvedMeshConfig;
  private state: MeshState;
  private built = false;
  private readonly scheduler: Scheduler;
  private readonly now: () => number;
  private task: RebuildTask | null = null;
  private running: Promise<void> | null = null;
  /** A rebuild with new settings, from `reconfigure` until its state is live. */
  private reconfiguring: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** The memory release (core/gc.ts) after large saves and, deferred, after builds. */
  private readonly release: (() => void) | null;
  private readonly afterBuild: DeferredRelease;
  private rebuilds = 0;
  private lastRebuildMs: number | null = null;
  private head: (SavedHead & { channels: unknown }) | null = null;
  private dirty = new Dirty();
  private saving: Promise<void> | null = null;
  private settling: TaskHandle | null = null;
  private lastSettleAt = 0;
  private saves = { count: 0, rows: 0, failed: 0, lastMs: null as number | null };

  /** The gateway's name and position: a live setting (`setGateway`). */
  private gateway: GatewayIdentity | undefined;

  constructor(private readonly opts: MeshModelOptions) {
    this.gateway = opts.gateway;
    this.cfg = resolveConfig(opts.config);
    this.now = opts.now ?? Date.now;
    this.state = this.live(new MeshState(this.cfg));
    this.scheduler = new Scheduler({ sliceMs: this.cfg.sliceMs, log: opts.log.child("sched") });
    this.release = opts.releaseMemory ?? memoryReleaser() ?? null;
    this.afterBuild = new DeferredRelease(this.release, opts.releaseDelayMs);
  }

  async start(): Promise<void> {
    const tables = this.opts.tables;
    if (tables) {
      try {
        this.head = parseHead(await tables.getMeta(TABLES_META_KEY));
      } catch (err) {
        this.opts.log.warn("mesh tables not read", { error: errorMessage(err) });
      }
    }
    const every = (ms: number, f: () => void) => {
      const t = setInterval(f, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.pruneEveryMs ?? 600_000, () => this.prune());
    every(this.opts.settleEveryMs ?? 30_000, () => this.settleSoon(true));
    const persistMs = this.opts.persistEveryMs ?? 300_000;
    if (tables && persistMs > 0) every(persistMs, () => void this.persist());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.afterBuild.cancel();
    this.scheduler.stop();
    await this.running?.catch(() => {});
    await this.settling?.done.catch(() => {});
    await this.persist();
  }

  /** Fold one observation in (O(path length)). Bad input is counted, never thrown. */
  observe(o: MeshObservation): void {
    const bad = this.state.observe(o);
    if (bad === null && this.task) {
      if (this.task.pending.length < MAX_PENDING) this.task.pending.push(o);
      else this.task.dropped++;
    }
  }

  radioStats(s: RadioStatus): void {
    const at = this.now();
    this.state.activity.radioStatus(s, at);
    this.task?.next.activity.radioStatus(s, at);
    const id = this.identity(s);
    if (id) {
      this.state.setRadio(id);
      this.task?.next.setRadio(id);
    }
  }

  /** New gateway name or position; the radios' nodes take it at their next status. */
  setGateway(g: GatewayIdentity): void {
    this.gateway = g;
  }

  /** A radio's node identity: its key, config's name and position over the radio's own. */
  private identity(s: RadioStatus): RadioIdentity | null {
    if (!s.publicKey || !/^[0-9A-Fa-f]{64}$/.test(s.publicKey)) return null;
    const g = this.gateway;
    // The config's position wins; else the radio's own, unless it is unset (0, 0).
    const pos = hasPosition(g) ? g : hasPosition(s) ? s : null;
    return {
      radioId: s.id,
      publicKey: s.publicKey.toUpperCase(),
      name: g?.name || s.name || null,
      role: driverNodeRole(s.driver),
      lat: pos?.lat ?? null,
      lon: pos?.lon ?? null,
    };
  }

  /**
   * New `mesh` settings while running: a new state with them is built as at
   * start and swapped in when done. With store tables, the state is saved
   * first and the new one loads those rows (so history older than the
   * store's hot window stays), sliced like every rebuild; else it starts from
   * a copy of the current state. Either way the store's node table and rows
   * since are read, the new caps pruned to and the new thresholds settled
   * with. Until the swap the current state answers queries, and live
   * observations reach both. An edge's score so far is kept and decays at
   * the new half-life from now on. `sliceMs` stays as started: the scheduler
   * is built with it. Resolves when the new state is live.
   */
  reconfigure(config: MeshConfig, source: MeshSource): Promise<void> {
    this.cfg = { ...resolveConfig(config), sliceMs: this.cfg.sliceMs };
    // A build under way started with the old settings: let it end, then build again.
    const before = this.reconfiguring ?? this.running ?? Promise.resolve();
    const run = before.catch(() => {}).then(() => this.rebuildWithSettings(source));
    this.reconfiguring = run;
    const clear = () => {
      if (this.reconfiguring === run) this.reconfiguring = null;
    };
    run.then(clear, clear);
    return run;
  }

  private async rebuildWithSettings(source: MeshSource): Promise<void> {
    const tables = this.opts.tables;
    let from: "current" | "stored" = "current";
    if (tables && this.built) {
      const failed = this.saves.failed;
      // The first may be a save already under way; the second takes what it missed.
      await this.persist();
      await this.persist();
      const head = parseHead(await tables.getMeta(TABLES_META_KEY));
      if (head && this.saves.failed === failed) {
        this.head = head;
        from = "stored";
      }
    }
    return this.rebuild(source, { from });
  }

  ready(): boolean {
    return this.built;
  }

  /** How much the model holds: what its memory grows with (for /metrics). */
  sizes(): MeshSizes {
    const s = this.state;
    return { nodes: s.nodes.size, edges: s.graph.size, tokens: s.tokens.size };
  }

  progress(): TaskProgress {
    if (this.task?.handle) return this.task.handle.progress();
    // New settings: the state is being saved before the rebuild starts.
    if (this.reconfiguring) return { phase: "saving", done: 0, total: 0 };
    return { phase: this.built ? "ready" : "idle", done: 0, total: 0 };
  }

  /** Rebuild from the store in the background; resolves when the new state is live. */
  rebuild(source: MeshSource, ro: RebuildOptions = {}): Promise<void> {
    if (this.running) return this.running;
    const from = ro.from ?? (!this.built && this.head ? "stored" : "scratch");
    const base = from === "current" ? cloneState(this.state, this.cfg) : new MeshState(this.cfg);
    for (const [id, r] of this.state.activity.radios) base.activity.radios.set(id, cloneTrack(r));
    const task: RebuildTask = {
      handle: null,
      next: base,
      pending: [],
      dropped: 0,
      scanned: base.lastId,
      from,
      dirty: new Dirty(),
    };
    // The scheduler never starts a task synchronously, so `task` is complete before it runs.
    const handle = this.scheduler.run(
      "mesh-rebuild",
      buildState(source, task, {
        tables: this.opts.tables ?? null,
        head: this.head,
        log: this.opts.log,
        batch: this.opts.batch ?? 200,
        stepMs: this.cfg.sliceMs,
        ...(this.opts.stepUnits ? { units: this.opts.stepUnits } : {}),
        now: this.now,
        liveRadios: () => this.state.radioIds.values(),
      }),
    );
    task.handle = handle;
    this.task = task;
    const live = task;
    const started = performance.now();
    this.running = handle.done
      .then(() => {
        if (live.dropped > 0) {
          this.opts.log.warn("live observations missed during rebuild", { dropped: live.dropped });
        }
        // The few that arrived after the sliced catch-up phase.
        for (const o of live.pending) if (unseen(o, live.scanned)) base.observe(o);
        this.lastSettleAt = this.now();
        // Tables that hold another history, or rows of an older tables
        // version (smaller when written again): all replaced, in batches, at
        // the next save.
        this.dirty = live.from === "stored" ? live.dirty : new Dirty();
        if (live.from !== "stored" || this.head?.older) this.dirty.all = true;
        this.state = this.live(base);
        this.built = true;
        this.rebuilds++;
        this.lastRebuildMs = Math.round(performance.now() - started);
        this.opts.log.info("mesh model rebuilt", {
          ms: this.lastRebuildMs,
          observations: base.counters.observations,
          nodes: base.nodes.size,
          edges: base.graph.size,
        });
        this.afterBuild.soon();
      })
      .finally(() => {
        this.task = null;
        this.running = null;
      });
    return this.running;
  }

  /**
   * Re-resolve every edge if anything changed: at once for a small graph (so
   * answers are exact), in background slices for a large one, at most every
   * `settleEveryMs` unless `force`d.
   */
  private settleSoon(force: boolean): void {
    const s = this.state;
    if (!s.stale || this.settling) return;
    if (s.graph.size <= SYNC_SETTLE_EDGES) {
      s.settle();
      this.lastSettleAt = this.now();
      return;
    }
    if (!force && this.now() - this.lastSettleAt < (this.opts.settleEveryMs ?? 30_000)) return;
    try {
      const step = new StepBudget(256, this.cfg.sliceMs);
      const h = this.scheduler.run(
        "mesh-settle",
        s.settleSteps(() => step.tick()),
      );
      this.settling = h;
      h.done
        .catch(() => {})
        .finally(() => {
          this.settling = null;
          this.lastSettleAt = this.now();
        });
    } catch {
      // The scheduler is stopped: the daemon is shutting down.
    }
  }

  /** Settle now, whatever the graph's size (tests, benches, before a comparison). */
  settle(): void {
    this.state.settle();
    this.lastSettleAt = this.now();
  }

  graph(o?: GraphOptions): GraphView {
    this.settleSoon(false);
    return graphView(this.state, this.now(), o);
  }

  nodes(): NodeHealth[] {
    this.settleSoon(false);
    return nodeList(this.state, this.now());
  }

  node(publicKey: string): NodeDetail | null {
    this.settleSoon(false);
    return nodeDetail(this.state, publicKey, this.now());
  }

  collisions(limit?: number): CollisionReport {
    return collisionReport(this.state, limit);
  }

  /** A packet's hops named as the model resolves them now (`path.resolved` in the API). */
  resolveHops(q: PathQuery): PathHop[] {
    this.settleSoon(false);
    return resolveHops(this.state, q);
  }

  /** Known keys a hop prefix may stand for. */
  candidates(prefix: string): readonly string[] {
    return this.state.nodes.index.lookup(prefix);
  }

  analytics(kind: AnalyticsKind, range: Range): AnalyticsResult | null {
    return analytics(this.state, kind, range, this.now());
  }

  stats(): MeshSummary & {
    ready: boolean;
    rebuilds: number;
    lastRebuildMs: number | null;
    scheduler: ReturnType<Scheduler["stats"]>;
    saves: { count: number; rows: number; failed: number; lastMs: number | null };
  } {
    this.settleSoon(false);
    return {
      ...summary(this.state, this.now()),
      ready: this.built,
      rebuilds: this.rebuilds,
      lastRebuildMs: this.lastRebuildMs,
      scheduler: this.scheduler.stats(),
      saves: { ...this.saves },
    };
  }

  prune(): number {
    return this.state.prune(this.now()).length;
  }

  private live(s: MeshState): MeshState {
    s.onTouch = this.opts.tables ? (kind, id) => this.dirty.touch(kind, id) : null;
    const hook = this.opts.onNode;
    if (hook) {
      s.onNode = (publicKey, change) => {
        try {
          hook({ publicKey, change });
        } catch (err) {
          this.opts.log.warn("node listener failed", { error: errorMessage(err) });
        }
      };
    }
    return s;
  }

  /** Save what changed since the last save (one at a time). */
  persist(): Promise<void> {
    const tables = this.opts.tables;
    if (!tables || !this.built) return Promise.resolve();
    if (this.saving) return this.saving;
    const dirty = this.dirty;
    if (dirty.empty) return Promise.resolve();
    const t0 = performance.now();
    this.saving = saveChanges(tables, this.state, dirty, this.now())
      .then((rows) => {
        this.saves.count++;
        this.saves.rows += rows;
        this.saves.lastMs = Math.round(performance.now() - t0);
        if (rows >= LARGE_SAVE_ROWS) this.release?.();
      })
      .catch((err) => {
        this.saves.failed++;
        // Rows of this save may be missing: write everything next time.
        dirty.all = true;
        this.opts.log.warn("mesh state not saved", { error: errorMessage(err) });
      })
      .finally(() => {
        this.saving = null;
      });
    return this.saving;
  }
}

function cloneTrack(r: RadioTrack): RadioTrack {
  return { ...r, samples: [...r.samples] };
}
