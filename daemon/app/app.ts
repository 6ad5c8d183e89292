import { join } from "node:path";
import type { Override } from "../config/overrides.ts";
import type { Config } from "../config/types.ts";
import { simulatorEnabled } from "../config/types.ts";
import { Bus } from "../core/bus.ts";
import { errorMessage } from "../core/errors.ts";
import { growthRelease } from "../core/gc.ts";
import type { Logger } from "../core/log.ts";
import type { Service } from "../core/service.ts";
import { meshPortFrom, protocolDecoder } from "../http/adapters.ts";
import { BASEMAP_FILE } from "../http/basemap.ts";
import { createHttpServer, type HttpServer } from "../http/server.ts";
import { Ingest } from "../ingest/ingest.ts";
import { observationFromInput } from "../mesh/adapter.ts";
import { TrafficTally } from "../mesh/analytics.ts";
import { MeshModel } from "../mesh/model.ts";
import type { MeshTablesPort } from "../mesh/persist.ts";
import { MqttUplink } from "../mqtt/uplink.ts";
import { RadioManager } from "../radio/manager.ts";
import { SimulatedRadio } from "../sim/link.ts";
import type { StoreApi } from "../store/api.ts";
import { createStore } from "../store/store.ts";
import { createActions } from "./actions.ts";
import { AdminCredential } from "./admin.ts";
import { BackupMaker } from "./backup.ts";
import { ChannelRegistry } from "./channels.ts";
import { makeDecoder, newDecodeCounters } from "./decoder.ts";
import { DiskWatcher } from "./disk.ts";
import { liveApplier } from "./live.ts";
import type { LogRing } from "./log-ring.ts";
import { mqttRadios, summaryPort } from "./providers.ts";
import { RadioSet } from "./radios.ts";
import { Settings, settingsPort } from "./settings.ts";
import { systemPort } from "./system.ts";

export interface AppOptions {
  config: Config;
  log: Logger;
  version: string;
  /** Built web UI folder, or null to serve the API only. */
  staticDir: string | null;
  /** Keep the store in memory (tests, benches). */
  memoryStore?: boolean;
  /** The config file and command-line overrides it was loaded with (settings are saved there). */
  configSource?: { readonly path: string | null; readonly overrides: readonly Override[] };
  /** Recent log lines for the admin page. */
  logRing?: LogRing;
  /** Asked by the restart button: stop and exit for the supervisor to start again. */
  onRestart?: () => void;
}

/**
 * Builds and wires every part of the daemon. Start order: store, models,
 * outputs (HTTP, MQTT), ingest, then the radios, so nothing heard is lost to
 * a part that is not listening yet. Stop runs in reverse.
 */
export class App {
  readonly bus = new Bus();
  readonly counters = { unhandled: 0 };
  /** Live decode outcomes, reported with the ingest counters. */
  readonly decodeCounters = newDecodeCounters();
  store!: StoreApi;
  ingest!: Ingest;
  mesh!: MeshModel;
  http!: HttpServer;
  mqtt: MqttUplink | null = null;
  channels!: ChannelRegistry;
  disk!: DiskWatcher;
  settings!: Settings;
  admin!: AdminCredential;
  readonly radios = new RadioSet();
  /** Live traffic since start: counted once here, read by HTTP and the MQTT summaries. */
  private readonly traffic = new TrafficTally();
  private manager: RadioManager | null = null;
  private sim: SimulatedRadio | null = null;
  private started: Service[] = [];
  private readonly log: Logger;

  constructor(private readonly opts: AppOptions) {
    this.log = opts.log;
    this.bus.onHandlerError = (event, err) =>
      this.log.error("event handler failed", { event, error: errorMessage(err) });
  }

  httpPort(): number {
    return this.http.port();
  }

  async start(): Promise<void> {
    const { config, log } = this.opts;
    this.store = createStore({
      ...config.store,
      outboxMaxAgeMs: config.store.outboxMaxAgeDays * 86_400_000,
      memory: this.opts.memoryStore ?? false,
      log: log.child("store"),
    });
    await this.startService({
      name: "store",
      start: () => this.store.start(),
      stop: () => this.store.stop(),
    });

    await this.startService(growthRelease());

    this.disk = new DiskWatcher(config.store.dataDir, log.child("disk"));
    await this.startService(this.disk);

    this.channels = new ChannelRegistry(
      config.channels,
      config.publicChannel,
      config.regions,
      this.store,
      log.child("channels"),
    );
    await this.channels.load();

    this.buildRadios();
    this.buildSettings();

    this.mesh = new MeshModel({
      config: config.mesh,
      log: log.child("mesh"),
      ...(meshTables(this.store) ? { tables: meshTables(this.store)! } : {}),
      gateway: config.gateway,
      onNode: (e) => this.bus.emit("node", e),
    });
    await this.startService(this.mesh);

    const backups = new BackupMaker({
      dataDir: config.store.dataDir,
      store: this.store,
      log: log.child("backup"),
    });
    this.http = createHttpServer({
      config: config.http,
      staticDir: this.opts.staticDir,
      basemapFile: join(config.store.dataDir, ...BASEMAP_FILE),
      bus: this.bus,
      log: log.child("http"),
      version: this.opts.version,
      store: this.store,
      traffic: this.traffic,
      providers: {
        config: { get: () => this.settings.current() },
        disk: this.disk,
        ingest: {
          // HTTP serves before ingest exists (serve early): nothing counted yet.
          counters: () =>
            this.ingest
              ? { ...this.ingest.counters, ...this.decodeCounters, queue: this.ingest.queueDepth() }
              : {},
        },
        mesh: meshPortFrom(this.mesh),
        radios: this.radios,
        decode: protocolDecoder(() => this.channels.context()),
        actions: createActions({
          radios: this.radios,
          channels: this.channels,
          log: log.child("actions"),
        }),
        // Brokers can be added live, so MQTT status is always wired.
        mqtt: { status: () => this.mqtt?.status() ?? [] },
        ...(config.http.token ? {} : { admin: this.admin }),
        settings: settingsPort(this.settings),
        system: systemPort({
          config: () => this.settings.effective(),
          radios: () => this.radios.list(),
          ring: this.opts.logRing ?? null,
          restart: () => this.opts.onRestart?.(),
          backup: () => backups.open(),
        }),
      },
    });
    await this.startService(this.http);

    // The uplink can be rebuilt live (settings); this slot stops whichever runs.
    await this.startService({
      name: "mqtt",
      start: () => this.startMqtt(config),
      stop: () => this.stopMqtt(),
    });

    this.ingest = new Ingest({
      bus: this.bus,
      store: this.store,
      decode: makeDecoder(() => this.channels.context(), this.decodeCounters),
      log: log.child("ingest"),
    });
    // The mesh reads the same `packet` event as HTTP and MQTT. A radio's status
    // is built per call, so its key is cached and refreshed by `radio` events.
    const radioKeys = new Map<string, string | null>();
    this.bus.on("packet", (p) => {
      this.traffic.add(p);
      let radioKey = radioKeys.get(p.radioId);
      if (radioKey === undefined) {
        radioKey = this.radios.get(p.radioId)?.status().publicKey ?? null;
        radioKeys.set(p.radioId, radioKey);
      }
      this.mesh.observe(observationFromInput(p, p, radioKey));
    });
    this.bus.on("radio", (status) => {
      radioKeys.set(status.id, status.publicKey);
      this.mesh.radioStats(status);
    });
    await this.startService(this.ingest);

    // The model rebuilds from the store in the background; the API answers
    // 503 + progress for what needs it until then.
    this.mesh.rebuild(this.store).catch((err) => {
      log.error("mesh rebuild failed", { error: errorMessage(err) });
    });

    if (this.manager) await this.startService(this.manager);
    if (this.sim) await this.startService(this.sim);
  }

  async stop(): Promise<void> {
    const services = this.started.reverse();
    this.started = [];
    for (const s of services) {
      try {
        await s.stop();
      } catch (err) {
        this.log.error(`stopping ${s.name} failed`, { error: errorMessage(err) });
      }
    }
  }

  private async startService(s: Service): Promise<void> {
    await s.start();
    this.started.push(s);
  }

  private async startMqtt(config: Config): Promise<void> {
    if (config.mqtt.brokers.length === 0) return;
    const mqtt = new MqttUplink({
      brokers: config.mqtt.brokers,
      summaryOptions: config.mqtt.summaries,
      gateway: config.gateway,
      outbox: this.store,
      bus: this.bus,
      traffic: this.traffic,
      log: this.log,
      version: this.opts.version,
      radios: mqttRadios(this.radios),
      signer: (id) => this.radios.get(id)?.signer() ?? null,
      summaries: summaryPort(this.mesh, () => this.healthFields()),
    });
    await mqtt.start();
    this.mqtt = mqtt;
  }

  private async stopMqtt(): Promise<void> {
    const m = this.mqtt;
    this.mqtt = null;
    await m?.stop();
  }

  /** First-run claim and the settings service (saved to the config file in use). */
  private buildSettings(): void {
    const { config, log } = this.opts;
    this.admin = new AdminCredential(config.store.dataDir);
    if (!config.http.token && !this.admin.claimed()) {
      const code = this.admin.setupCode();
      if (code)
        log.warn(
          `not claimed yet: open the web UI and enter the setup code ${code.code} (valid until ${new Date(code.expiresAt).toISOString()}; \`meshgate setup-code\` prints a valid one)`,
        );
    }
    this.settings = new Settings({
      source: this.opts.configSource?.path ?? null,
      env: process.env,
      overrides: this.opts.configSource?.overrides ?? [],
      initial: config,
      log: log.child("settings"),
      applyLive: liveApplier({
        log,
        reconfigureChannels: (c) =>
          this.channels.reconfigure(c.channels, c.publicChannel, c.regions),
        setGateway: async (c) => {
          this.mesh.setGateway(c.gateway);
          for (const f of await this.radios.setGateway(c.gateway))
            log.warn("radio did not take the new gateway name/position", f);
        },
        restartMqtt: async (c) => {
          await this.stopMqtt();
          await this.startMqtt(c);
        },
        // Answered at once; /api/health shows the rebuild's progress meanwhile.
        reconfigureMesh: (c) => {
          this.mesh.reconfigure(c.mesh, this.store).catch((err) => {
            log.error("mesh rebuild with new settings failed", { error: errorMessage(err) });
          });
        },
      }),
    });
  }

  private buildRadios(): void {
    const { config, log } = this.opts;
    if (config.radios.length > 0) {
      this.manager = new RadioManager({
        radios: config.radios,
        bus: this.bus,
        log: log.child("radio"),
        gateway: { name: config.gateway.name, lat: config.gateway.lat, lon: config.gateway.lon },
      });
      for (const r of config.radios) {
        const link = this.manager.get(r.id);
        if (link) this.radios.add(link);
      }
    }
    if (simulatorEnabled(config)) {
      this.sim = new SimulatedRadio({
        bus: this.bus,
        log: log.child("sim"),
        config: config.simulator,
        channels: config.channels,
      });
      this.radios.add(this.sim);
    }
  }

  private healthFields(): Record<string, string | number | boolean | null> {
    const h = this.store.health();
    return {
      storeOk: h.ok,
      dbBytes: h.dbBytes,
      observations: h.observations,
      nodes: h.nodes,
      ingestQueue: this.ingest.queueDepth(),
    };
  }
}

/** The store's mesh tables as the mesh model uses them, when this store has them. */
function meshTables(store: StoreApi): MeshTablesPort | null {
  const { meshRead, meshWrite } = store;
  if (!meshRead || !meshWrite) return null;
  return {
    meshRead: (t, after, limit) => meshRead.call(store, t, after, limit),
    meshWrite: (b) => meshWrite.call(store, b),
    getMeta: (k) => store.getMeta(k),
  };
}
