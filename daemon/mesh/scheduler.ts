/**
 * A small cooperative scheduler for long work on the main thread (graph and
 * index rebuilds, retention sweeps). A task is a generator (sync or async)
 * that does a little work per step and may yield its progress. The scheduler
 * runs steps for at most `sliceMs`, then gives the event loop back with
 * `setImmediate`, so I/O callbacks (ingest, HTTP queries) always run between
 * slices. Tasks take turns slice by slice.
 */
import { performance } from "node:perf_hooks";
import { MeshgateError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";

export interface TaskProgress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  /**
   * The step that yields this awaited I/O (a store read): the event loop was
   * free meanwhile, so the slice ends where the step began and a new one starts.
   */
  readonly waited?: boolean;
  /** Work units (rows, nodes, edges) the step that yields this did; see StepBudget. */
  readonly units?: number;
}

/**
 * Where a task's step ends: after `units` work units or `ms` of wall time,
 * whichever comes first, so one step never holds the event loop for more
 * than a known amount of work, however slow the machine.
 */
export class StepBudget {
  private used = 0;
  private start: number;

  constructor(
    readonly units: number,
    private readonly ms: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.start = clock();
  }

  /** Count one unit of work done; true when the step is spent and should yield. */
  spend(): boolean {
    this.used++;
    return this.used >= this.units || this.clock() - this.start >= this.ms;
  }

  /** spend(), and when the step is spent the next one starts (for a caller that only yields). */
  tick(): boolean {
    if (!this.spend()) return false;
    this.take();
    return true;
  }

  /** The units of the step that ends now; the next step starts. */
  take(): number {
    const u = this.used;
    this.used = 0;
    this.start = this.clock();
    return u;
  }
}

export type TaskBody =
  | Generator<TaskProgress | undefined, void, void>
  | AsyncGenerator<TaskProgress | undefined, void, void>;

export class TaskCancelledError extends MeshgateError {
  constructor(name: string) {
    super("E_TASK_CANCELLED", `task ${name} was cancelled`);
  }
}

export interface TaskHandle {
  readonly name: string;
  /** Settles when the task finishes, fails or is cancelled. */
  readonly done: Promise<void>;
  progress(): TaskProgress;
  cancel(): void;
}

interface Running {
  readonly name: string;
  readonly it: TaskBody;
  progress: TaskProgress;
  cancelled: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface SchedulerStats {
  readonly tasks: number;
  readonly slices: number;
  readonly steps: number;
  /** Slices that overran twice the budget (one step was too big). */
  readonly slowSlices: number;
  readonly longestSliceMs: number;
  /**
   * CPU time of this thread in the longest-CPU slice (ms), where the
   * runtime can tell: on a loaded machine a slice's wall time also counts
   * the time the OS gave the CPU to others.
   */
  readonly longestSliceCpuMs: number | null;
  /** 99th percentile of the slices' CPU time (ms, to 0.25 ms), null as above. */
  readonly sliceCpuP99Ms: number | null;
  /** Most work units one step reported (TaskProgress.units). */
  readonly maxStepUnits: number;
}

/** Slice CPU times are counted in buckets this wide (ms), the last one open-ended. */
const CPU_BUCKET_MS = 0.25;
const CPU_BUCKETS = 400;

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** This thread's CPU time in ms, or null where the runtime lacks threadCpuUsage (Node < 23.9). */
const threadCpuMs: () => number | null =
  typeof process.threadCpuUsage === "function"
    ? () => {
        const u = process.threadCpuUsage();
        return (u.user + u.system) / 1000;
      }
    : () => null;

export class Scheduler {
  private readonly queue: Running[] = [];
  private looping = false;
  private stopped = false;
  private slices = 0;
  private steps = 0;
  private slowSlices = 0;
  private longestSliceMs = 0;
  private longestSliceCpuMs: number | null = null;
  private readonly sliceCpu = new Uint32Array(CPU_BUCKETS);
  private sliceCpuCount = 0;
  private maxStepUnits = 0;

  constructor(private readonly opts: { sliceMs: number; log: Logger; clock?: () => number }) {}

  /** Queue a task; it starts on a later turn of the event loop, never synchronously. */
  run(name: string, body: TaskBody): TaskHandle {
    if (this.stopped) throw new MeshgateError("E_STOPPED", `scheduler stopped, cannot run ${name}`);
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const task: Running = {
      name,
      it: body,
      progress: { phase: "queued", done: 0, total: 0 },
      cancelled: false,
      resolve,
      reject,
    };
    this.queue.push(task);
    if (!this.looping) void this.loop();
    return {
      name,
      done,
      progress: () => task.progress,
      cancel: () => {
        task.cancelled = true;
      },
    };
  }

  pending(): number {
    return this.queue.length;
  }

  stats(): SchedulerStats {
    return {
      tasks: this.queue.length,
      slices: this.slices,
      steps: this.steps,
      slowSlices: this.slowSlices,
      longestSliceMs: Math.round(this.longestSliceMs * 100) / 100,
      longestSliceCpuMs:
        this.longestSliceCpuMs === null ? null : Math.round(this.longestSliceCpuMs * 100) / 100,
      sliceCpuP99Ms: this.cpuPercentile(0.99),
      maxStepUnits: this.maxStepUnits,
    };
  }

  /** The upper edge of the bucket holding the q-quantile of slice CPU times. */
  private cpuPercentile(q: number): number | null {
    if (this.sliceCpuCount === 0) return null;
    const rank = Math.ceil(q * this.sliceCpuCount);
    let seen = 0;
    for (let i = 0; i < CPU_BUCKETS; i++) {
      seen += this.sliceCpu[i]!;
      if (seen >= rank) return (i + 1) * CPU_BUCKET_MS;
    }
    return CPU_BUCKETS * CPU_BUCKET_MS;
  }

  /** Cancel everything queued; running tasks stop at their next step. */
  stop(): void {
    this.stopped = true;
    for (const t of this.queue) t.cancelled = true;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    const clock = this.opts.clock ?? (() => performance.now());
    try {
      while (this.queue.length > 0) {
        await yieldToLoop();
        const task = this.queue[0];
        if (!task) break;
        let start = clock();
        let cpu = threadCpuMs();
        let finished = false;
        do {
          if (task.cancelled) {
            await this.finish(task, new TaskCancelledError(task.name));
            finished = true;
            break;
          }
          const before = clock();
          const cpuBefore = cpu === null ? null : threadCpuMs();
          let waited = false;
          try {
            const r = await task.it.next();
            this.steps++;
            if (r.done) {
              await this.finish(task, null);
              finished = true;
              break;
            }
            if (r.value) {
              const { waited: w, units, ...progress } = r.value;
              task.progress = progress;
              waited = w === true;
              if (units !== undefined && units > this.maxStepUnits) this.maxStepUnits = units;
            }
          } catch (err) {
            await this.finish(task, err);
            finished = true;
            break;
          }
          if (waited) {
            // The wait blocked nobody: what ran before it was one slice, a new one starts now.
            this.slice(task.name, before - start, cpu, cpuBefore);
            start = clock();
            cpu = threadCpuMs();
          }
        } while (clock() - start < this.opts.sliceMs);
        this.slice(task.name, clock() - start, cpu);
        // Round robin: the task that just ran goes to the back.
        if (!finished && this.queue.length > 1) this.queue.push(this.queue.shift()!);
      }
    } finally {
      this.looping = false;
    }
  }

  /** Account for one stretch of work that held the event loop. */
  private slice(
    task: string,
    took: number,
    cpuAtStart: number | null,
    cpuAtEnd: number | null = cpuAtStart === null ? null : threadCpuMs(),
  ): void {
    this.slices++;
    const cpuNow = cpuAtEnd;
    if (cpuNow !== null && cpuAtStart !== null) {
      const cpu = cpuNow - cpuAtStart;
      this.sliceCpu[Math.min(CPU_BUCKETS - 1, Math.floor(cpu / CPU_BUCKET_MS))]!++;
      this.sliceCpuCount++;
      if (this.longestSliceCpuMs === null || cpu > this.longestSliceCpuMs)
        this.longestSliceCpuMs = cpu;
    }
    if (took > this.longestSliceMs) this.longestSliceMs = took;
    if (took > 2 * this.opts.sliceMs) {
      this.slowSlices++;
      if (this.slowSlices <= 10 || this.slowSlices % 1000 === 0) {
        this.opts.log.warn("slow slice", { task, ms: Math.round(took) });
      }
    }
  }

  private async finish(task: Running, err: unknown): Promise<void> {
    const i = this.queue.indexOf(task);
    if (i >= 0) this.queue.splice(i, 1);
    if (err === null) {
      task.progress = { ...task.progress, phase: "done" };
      task.resolve();
      return;
    }
    try {
      await task.it.return(undefined);
    } catch {
      // The task is already failing; its own error is the one reported.
    }
    task.progress = { ...task.progress, phase: "failed" };
    task.reject(err);
  }
}
