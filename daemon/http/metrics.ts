/**
 * GET /metrics in the Prometheus text exposition format (version 0.0.4).
 * Event-loop lag comes from perf_hooks' histogram, reset after each scrape so
 * every scrape reports the interval since the previous one.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { AppContext } from "./context.ts";

const esc = (v: string): string =>
  v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

class Writer {
  private readonly lines: string[] = [];
  metric(
    name: string,
    type: "counter" | "gauge",
    help: string,
    samples: readonly [Record<string, string>, number][],
  ): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${esc(v)}"`)
        .join(",");
      this.lines.push(`${name}${l ? `{${l}}` : ""} ${Number.isFinite(value) ? value : 0}`);
    }
  }
  /** A metric with one sample and no labels. */
  one(name: string, type: "counter" | "gauge", help: string, value: number): void {
    this.metric(name, type, help, [[{}, value]]);
  }
  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

export class Metrics {
  private lag: ReturnType<typeof monitorEventLoopDelay> | null = null;

  constructor(private readonly app: AppContext) {}

  start(): void {
    if (this.lag) return;
    this.lag = monitorEventLoopDelay({ resolution: 20 });
    this.lag.enable();
  }

  stop(): void {
    this.lag?.disable();
    this.lag = null;
  }

  async render(): Promise<string> {
    const { app } = this;
    const w = new Writer();
    const c = app.counters;
    w.metric("meshgate_info", "gauge", "Build and engine information.", [
      [
        { version: app.deps.version, engine: app.engine() ?? "none", node: process.versions.node },
        1,
      ],
    ]);
    w.one(
      "meshgate_uptime_seconds",
      "gauge",
      "Seconds since the HTTP service started.",
      Math.round((app.now() - app.startedAt) / 1000),
    );
    w.metric(
      "meshgate_packets_total",
      "counter",
      "Observations stored since start, by payload type.",
      Object.entries(app.traffic.totals().byType).map(([type, n]) => [{ type }, n]),
    );
    const radios = app.deps.providers?.radios?.list() ?? [];
    w.metric(
      "meshgate_radio_up",
      "gauge",
      "1 when the radio link is up, else 0 (state label says which).",
      radios.map((r) => [{ radio: r.id, state: r.state }, r.state === "up" ? 1 : 0]),
    );
    // Live decode outcomes (app/decoder.ts), counted by ingest's decoder.
    const ing = app.deps.providers?.ingest?.counters() ?? {};
    w.metric("meshgate_decode_total", "counter", "Decoded packets by outcome.", [
      [{ outcome: "error" }, ing.decodeErrors ?? 0],
      [{ outcome: "decrypted" }, ing.decrypted ?? 0],
      [{ outcome: "bad_signature" }, ing.badSignatures ?? 0],
      [{ outcome: "unsupported_version" }, ing.unsupportedVersion ?? 0],
    ]);
    const lag = this.lag;
    const ns = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 0 : v / 1e9);
    w.metric(
      "meshgate_event_loop_lag_seconds",
      "gauge",
      "Event-loop delay since the previous scrape.",
      [
        [{ quantile: "0.5" }, ns(lag?.percentile(50))],
        [{ quantile: "0.99" }, ns(lag?.percentile(99))],
        [{ quantile: "1" }, ns(lag?.max)],
      ],
    );
    lag?.reset();
    const mem = process.memoryUsage();
    w.metric("meshgate_memory_bytes", "gauge", "Process memory by kind.", [
      [{ kind: "rss" }, mem.rss],
      [{ kind: "heap_used" }, mem.heapUsed],
      [{ kind: "heap_total" }, mem.heapTotal],
      [{ kind: "external" }, mem.external],
      [{ kind: "array_buffers" }, mem.arrayBuffers],
    ]);
    const mesh = app.deps.providers?.mesh?.sizes();
    if (mesh)
      w.metric("meshgate_mesh_size", "gauge", "What the mesh model holds, by kind.", [
        [{ kind: "nodes" }, mesh.nodes],
        [{ kind: "edges" }, mesh.edges],
        [{ kind: "tokens" }, mesh.tokens],
      ]);
    try {
      const sh = app.deps.store.health();
      w.one("meshgate_store_db_bytes", "gauge", "Database size in bytes.", sh.dbBytes);
      w.one("meshgate_store_journal_bytes", "gauge", "Journal size in bytes.", sh.journalBytes);
      // Found by the replay at start-up: a torn tail is what a power cut
      // leaves; damage (bad bytes before good ones) is not.
      w.one(
        "meshgate_store_journal_torn_total",
        "counter",
        "Journal files with a torn tail (interrupted write) at start-up.",
        sh.counters.journal_torn ?? 0,
      );
      w.one(
        "meshgate_store_journal_damage_frames_total",
        "counter",
        "Journal frames (group commits) lost to damage in the middle of a file.",
        sh.counters.journal_damage_frames ?? 0,
      );
      w.one(
        "meshgate_store_journal_damage_bytes_total",
        "counter",
        "Journal bytes skipped as damage in the middle of a file.",
        sh.counters.journal_damage_bytes ?? 0,
      );
      w.metric("meshgate_store_rows", "gauge", "Rows in the store by table.", [
        [{ table: "observations" }, sh.observations],
        [{ table: "transmissions" }, sh.transmissions],
        [{ table: "nodes" }, sh.nodes],
      ]);
      if (sh.hotBytes !== undefined)
        w.one("meshgate_store_hot_bytes", "gauge", "Bytes the hot DB's rows use.", sh.hotBytes);
      if (sh.archive) {
        w.one(
          "meshgate_store_archive_bytes",
          "gauge",
          "Archive partition files, bytes.",
          sh.archive.bytes,
        );
        w.one(
          "meshgate_store_archive_partitions",
          "gauge",
          "Archive partition files.",
          sh.archive.partitions,
        );
      }
      if (sh.memory)
        w.metric("meshgate_store_worker_memory_bytes", "gauge", "Store worker memory by kind.", [
          [{ kind: "wasm" }, sh.memory.wasmBytes],
          [{ kind: "heap_used" }, sh.memory.workerHeapBytes],
        ]);
    } catch {
      // An unstarted store has no health yet; its metrics are simply absent.
    }
    try {
      const ob = await app.deps.store.outboxStats();
      w.metric(
        "meshgate_mqtt_outbox_depth",
        "gauge",
        "Messages waiting in the persistent MQTT outbox, by broker.",
        Object.entries(ob.depth).map(([broker, n]) => [{ broker }, n]),
      );
      w.one(
        "meshgate_mqtt_outbox_dropped_total",
        "counter",
        "Outbox messages dropped by its size budget.",
        ob.dropped,
      );
    } catch {
      // Same as above: no outbox figures until the store answers.
    }
    const brokers = app.deps.providers?.mqtt?.status() ?? [];
    w.metric(
      "meshgate_mqtt_connected",
      "gauge",
      "1 when connected to the broker.",
      brokers.map((b) => [{ broker: b.name }, b.connected ? 1 : 0]),
    );
    const ws = app.hub.stats();
    w.one("meshgate_ws_clients", "gauge", "Open WebSocket clients.", ws.clients);
    w.metric("meshgate_ws_messages_total", "counter", "WebSocket messages by outcome.", [
      [{ outcome: "sent" }, ws.sent],
      [{ outcome: "dropped" }, ws.dropped],
    ]);
    w.one(
      "meshgate_ws_slow_closed_total",
      "counter",
      "Clients closed for reading too slowly.",
      ws.closedSlow,
    );
    w.metric(
      "meshgate_http_requests_total",
      "counter",
      "HTTP requests by status code.",
      [...c.byStatus].map(([code, n]) => [{ code: String(code) }, n]),
    );
    w.one(
      "meshgate_http_auth_failures_total",
      "counter",
      "Failed action authentications.",
      c.authFailures,
    );
    return w.text();
  }
}
