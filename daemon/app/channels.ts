import { ConfigError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import { channelKeysFromConfig } from "../protocol/channels.ts";
import type { ChannelKey, DecodeContext } from "../protocol/types.ts";

export interface ChannelEntry {
  readonly name: string;
  readonly key?: string;
}

interface MetaStore {
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
}

const META_KEY = "channels.added";
const MAX_ADDED = 64;

/**
 * The channels the gateway decrypts: the config's, plus keys an operator
 * added at run time (persisted in the store's meta table so they survive a
 * restart). The decode context is rebuilt on change, never mutated.
 */
export class ChannelRegistry {
  private added: ChannelEntry[] = [];
  private ctx: DecodeContext;

  constructor(
    private configured: readonly ChannelEntry[],
    private includePublic: boolean,
    private regions: readonly string[],
    private readonly meta: MetaStore | null,
    private readonly log: Logger,
  ) {
    this.ctx = this.build();
  }

  async load(): Promise<void> {
    if (!this.meta) return;
    const text = await this.meta.getMeta(META_KEY);
    if (!text) return;
    try {
      const list = JSON.parse(text) as ChannelEntry[];
      channelKeysFromConfig(list, false);
      this.added = list.slice(0, MAX_ADDED);
      this.ctx = this.build();
    } catch (err) {
      this.log.warn("ignoring unreadable saved channel keys", { error: (err as Error).message });
    }
  }

  context(): DecodeContext {
    return this.ctx;
  }

  keys(): readonly ChannelKey[] {
    return this.ctx.channels;
  }

  /** By name, as the UI and API name them ("public", "#test", "club"). */
  find(name: string): { key: ChannelKey; index: number } | null {
    const i = this.ctx.channels.findIndex((c) => c.name === name);
    const key = this.ctx.channels[i];
    return key ? { key, index: i } : null;
  }

  list(): { name: string; hash: string; source: "public" | "config" | "added" }[] {
    return this.ctx.channels.map((c, i) => ({
      name: c.name,
      hash: c.hash.toString(16).padStart(2, "0"),
      source:
        this.includePublic && i === 0
          ? "public"
          : this.added.some((a) => a.name === c.name)
            ? "added"
            : "config",
    }));
  }

  async add(entry: ChannelEntry): Promise<void> {
    if (this.ctx.channels.some((c) => c.name === entry.name)) {
      throw new ConfigError(`channel "${entry.name}" already exists`, [`name: duplicate`]);
    }
    if (this.added.length >= MAX_ADDED) {
      throw new ConfigError(`at most ${MAX_ADDED} channels can be added at run time`, []);
    }
    channelKeysFromConfig([entry], false);
    this.added = [...this.added, entry];
    this.ctx = this.build();
    await this.meta?.setMeta(META_KEY, JSON.stringify(this.added));
  }

  /** Only channels added at run time can be removed; config ones live in the file. */
  async remove(name: string): Promise<boolean> {
    const before = this.added.length;
    this.added = this.added.filter((a) => a.name !== name);
    if (this.added.length === before) return false;
    this.ctx = this.build();
    await this.meta?.setMeta(META_KEY, JSON.stringify(this.added));
    return true;
  }

  /** New config channels (a settings change): checked first, so a bad key changes nothing. */
  reconfigure(
    configured: readonly ChannelEntry[],
    includePublic: boolean,
    regions: readonly string[],
  ): void {
    channelKeysFromConfig(configured, includePublic);
    this.configured = configured;
    this.includePublic = includePublic;
    this.regions = regions;
    this.ctx = this.build();
  }

  private build(): DecodeContext {
    return {
      channels: channelKeysFromConfig([...this.configured, ...this.added], this.includePublic),
      regions: this.regions,
    };
  }
}
