/**
 * Channel keys from configuration, and the per-hash index the decoder uses so
 * a GRP_TXT costs one Map lookup plus one HMAC per candidate key. Several
 * channels may share a hash byte: the MAC decides (src/Mesh.cpp tries up to 4).
 */
import { hexToBytes } from "../core/bytes.ts";
import { ConfigError } from "../core/errors.ts";
import { channelHash, hashtagKey, PUBLIC_CHANNEL_KEY } from "./crypto.ts";
import type { ChannelKey } from "./types.ts";

export const PUBLIC_CHANNEL_NAME = "public";

export function channelKey(name: string, key: Uint8Array): ChannelKey {
  return { name, key, hash: channelHash(key) };
}

export function publicChannel(): ChannelKey {
  return channelKey(PUBLIC_CHANNEL_NAME, PUBLIC_CHANNEL_KEY);
}

/** A #hashtag channel; the name is used exactly as given (the firmware is case-sensitive). */
export function hashtagChannel(name: string): ChannelKey {
  const full = name.startsWith("#") ? name : `#${name}`;
  return channelKey(full, hashtagKey(full));
}

/**
 * Config entries: `{name: "#test"}` is a hashtag channel; `{name, key}` takes a
 * 16- or 32-byte hex key. Throws ConfigError listing every bad entry.
 */
export function channelKeysFromConfig(
  list: readonly { name: string; key?: string }[],
  includePublic: boolean,
): ChannelKey[] {
  const out: ChannelKey[] = includePublic ? [publicChannel()] : [];
  const problems: string[] = [];
  list.forEach((entry, i) => {
    const name = entry.name.trim();
    if (name.length === 0 || name.length > 64) {
      problems.push(`channels[${i}].name must be 1..64 characters`);
      return;
    }
    if (entry.key === undefined || entry.key === "") {
      out.push(hashtagChannel(name));
      return;
    }
    const hex = entry.key.replace(/\s+/g, "");
    if (!/^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/.test(hex)) {
      problems.push(`channels[${i}].key must be 32 or 64 hex digits`);
      return;
    }
    out.push(channelKey(name, hexToBytes(hex)));
  });
  if (problems.length > 0) throw new ConfigError("invalid channel keys", problems);
  return out;
}

/** Channels grouped by hash byte. Built once per channel list (see channelIndex). */
export type ChannelIndex = ReadonlyMap<number, readonly ChannelKey[]>;

const indexes = new WeakMap<readonly ChannelKey[], ChannelIndex>();

/** The hash index for a channel list, cached per list object (treat lists as immutable). */
const EMPTY_INDEX: ChannelIndex = new Map();

export function channelIndex(channels: readonly ChannelKey[]): ChannelIndex {
  // callers often pass a fresh `[]`: no need to build (and cache) a map for it
  if (channels.length === 0) return EMPTY_INDEX;
  let idx = indexes.get(channels);
  if (idx === undefined) {
    const m = new Map<number, ChannelKey[]>();
    for (const ch of channels) {
      const bucket = m.get(ch.hash);
      if (bucket) bucket.push(ch);
      else m.set(ch.hash, [ch]);
    }
    idx = m;
    indexes.set(channels, idx);
  }
  return idx;
}
