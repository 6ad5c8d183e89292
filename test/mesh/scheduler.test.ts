/** The cooperative scheduler: slices, yielding to I/O, progress, round robin, cancel, errors. */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../daemon/core/log.ts";
import {
  Scheduler,
  StepBudget,
  TaskCancelledError,
  type TaskProgress,
} from "../../daemon/mesh/scheduler.ts";
import { MeshState } from "../../daemon/mesh/state.ts";
import { resolveConfig } from "../../daemon/mesh/types.ts";

/** A fake clock that advances 1 ms per step, so slices are deterministic. */
function steppingClock() {
  const c = { t: 0 };
  return { c, clock: () => c.t };
}

describe("Scheduler", () => {
  it("runs a task in slices of at most sliceMs and lets the event loop run between them", async () => {
    const { c, clock } = steppingClock();
    const s = new Scheduler({ sliceMs: 5, log: silentLogger(), clock });
    const order: string[] = [];
    function* body(): Generator<TaskProgress | undefined, void, void> {
      for (let i = 0; i < 20; i++) {
        c.t += 1;
        order.push(`s${i}`);
        yield { phase: "work", done: i + 1, total: 20 };
      }
    }
    const h = s.run("t", body());
    expect(order).toEqual([]); // never starts synchronously
    // Another event-loop client: re-arms itself every turn of the loop.
    let running = true;
    const tick = () => {
      order.push("io");
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    await h.done;
    running = false;
    expect(order.filter((x) => x.startsWith("s"))).toHaveLength(20);
    // Between slices of 5 steps, other callbacks ran.
    const firstIo = order.indexOf("io");
    const lastStep = order.lastIndexOf("s19");
    expect(firstIo).toBeLessThan(lastStep);
    const runs: number[] = [];
    let run = 0;
    for (const x of order) {
      if (x.startsWith("s")) run++;
      else if (run > 0) {
        runs.push(run);
        run = 0;
      }
    }
    if (run > 0) runs.push(run);
    expect(Math.max(...runs)).toBeLessThanOrEqual(5);
    expect(h.progress()).toEqual({ phase: "done", done: 20, total: 20 });
    expect(s.stats()).toMatchObject({ tasks: 0, steps: 21, slowSlices: 0 });
  });

  it("takes turns between tasks slice by slice", async () => {
    const { c, clock } = steppingClock();
    const s = new Scheduler({ sliceMs: 2, log: silentLogger(), clock });
    const order: string[] = [];
    function* body(name: string): Generator<undefined, void, void> {
      for (let i = 0; i < 4; i++) {
        c.t += 1;
        order.push(name);
        yield;
      }
    }
    await Promise.all([s.run("a", body("a")).done, s.run("b", body("b")).done]);
    expect(order.join("")).toBe("aabbaabb");
  });

  it("async generators may await I/O inside a step", async () => {
    const s = new Scheduler({ sliceMs: 8, log: silentLogger() });
    const seen: number[] = [];
    async function* body(): AsyncGenerator<TaskProgress, void, void> {
      for (let i = 0; i < 3; i++) {
        seen.push(await new Promise<number>((r) => setTimeout(() => r(i), 1)));
        yield { phase: "read", done: i + 1, total: 3 };
      }
    }
    await s.run("io", body()).done;
    expect(seen).toEqual([0, 1, 2]);
  });

  it("a step that waits on I/O ends the slice: the wait is no one's work", async () => {
    const { c, clock } = steppingClock();
    const s = new Scheduler({ sliceMs: 5, log: silentLogger(), clock });
    async function* body(): AsyncGenerator<TaskProgress, void, void> {
      for (let i = 0; i < 4; i++) {
        c.t += 1; // work
        yield { phase: "work", done: i, total: 4 };
        // A store read: 100 ms pass while the event loop serves others.
        await new Promise((r) => setTimeout(r, 1));
        c.t += 100;
        yield { phase: "read", done: i, total: 4, waited: true };
      }
    }
    await s.run("io", body()).done;
    expect(s.stats()).toMatchObject({ slowSlices: 0, longestSliceMs: 1 });
    // Every slice also reports its own thread's CPU time where the runtime can tell.
    const cpu = s.stats().longestSliceCpuMs;
    if (typeof process.threadCpuUsage === "function") expect(cpu).toBeGreaterThanOrEqual(0);
    else expect(cpu).toBeNull();
  });

  it("cancel rejects with TaskCancelledError and runs the task's finally", async () => {
    const s = new Scheduler({ sliceMs: 1, log: silentLogger() });
    let cleaned = false;
    function* body(): Generator<undefined, void, void> {
      try {
        for (;;) yield;
      } finally {
        cleaned = true;
      }
    }
    const h = s.run("forever", body());
    setTimeout(() => h.cancel(), 5);
    await expect(h.done).rejects.toBeInstanceOf(TaskCancelledError);
    expect(cleaned).toBe(true);
    expect(h.progress().phase).toBe("failed");
  });

  it("a throwing task rejects its own promise and leaves the others running", async () => {
    const s = new Scheduler({ sliceMs: 4, log: silentLogger() });
    function* bad(): Generator<undefined, void, void> {
      yield;
      throw new Error("boom");
    }
    function* good(): Generator<undefined, void, void> {
      for (let i = 0; i < 10; i++) yield;
    }
    const b = s.run("bad", bad());
    const g = s.run("good", good());
    await expect(b.done).rejects.toThrow("boom");
    await expect(g.done).resolves.toBeUndefined();
  });

  it("counts slices that overrun twice the budget", async () => {
    const { c, clock } = steppingClock();
    const s = new Scheduler({ sliceMs: 2, log: silentLogger(), clock });
    function* body(): Generator<undefined, void, void> {
      c.t += 10; // one step far too big
      yield;
    }
    await s.run("slow", body()).done;
    expect(s.stats().slowSlices).toBe(1);
    s.stop();
    expect(() => s.run("late", body())).toThrow(/stopped/);
  });
});

describe("StepBudget", () => {
  it("ends a step on its count or its time, and tick() starts the next", () => {
    const { c, clock } = steppingClock();
    const b = new StepBudget(3, 10, clock);
    expect([b.tick(), b.tick(), b.tick()]).toEqual([false, false, true]);
    // A new step: the count starts again; time runs out before it.
    expect(b.tick()).toBe(false);
    c.t += 10;
    expect(b.tick()).toBe(true);
  });

  it("cuts a settle where the budget says, edge by edge", () => {
    const s = new MeshState(resolveConfig());
    for (let i = 0; i < 5; i++)
      s.observe({
        hash: `00000000000000${i}0`,
        at: 1000 + i,
        radioId: "r",
        radioKey: null,
        payloadType: 5,
        route: 1,
        hashSize: 1,
        hops: [`a${i}`, `b${i}`],
        snr: null,
        rssi: null,
        rawLength: 40,
        firstSeen: true,
      });
    const edges = s.graph.size;
    expect(edges).toBeGreaterThan(4);
    let asked = 0;
    const steps = [...s.settleSteps(() => ++asked % 2 === 0)];
    // Both passes ask after every edge; every second answer ends a step.
    expect(asked).toBe(2 * edges);
    expect(steps.length).toBe(edges);
  });
});
