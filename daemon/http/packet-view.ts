/**
 * Packets as the contract shapes them: transmissions grouped by hash with
 * their best signal, and paths resolved to nodes by the mesh model.
 */
import { advertHead } from "../mesh/adapter.ts";
import type { PacketRow } from "../store/api.ts";
import type { AppContext } from "./context.ts";
import type { ObservedPacket, PathView, TransmissionGroup } from "./contract/index.ts";
import { toPacketItem } from "./format.ts";

/** What a path resolution needs of one hearing. */
interface Hearing {
  readonly raw: Uint8Array;
  readonly radioId: string;
  readonly payloadType: number;
  readonly route: number;
  readonly hashSize: number;
  readonly hops: readonly string[];
}

const ADVERT = 4;

/** The hops resolved by the mesh model, when it is wired and built (else unresolved). */
export function pathOf(app: AppContext, h: Hearing): PathView {
  const mesh = app.deps.providers?.mesh;
  const base = { hashSize: h.hashSize, hops: h.hops };
  if (h.hops.length === 0) return { ...base, resolved: [] };
  if (!mesh?.readiness().ready) {
    return {
      ...base,
      resolved: h.hops.map((prefix) => ({ prefix, publicKey: null, name: null, confidence: 0 })),
    };
  }
  const hops = mesh.resolvePath({
    hops: h.hops,
    route: h.route,
    radioId: h.radioId,
    originKey: h.payloadType === ADVERT ? (advertHead(h.raw)?.publicKey ?? null) : null,
  });
  return { ...base, resolved: hops };
}

function best(xs: readonly (number | null)[]): number | null {
  let b: number | null = null;
  for (const x of xs) if (x !== null && (b === null || x > b)) b = x;
  return b;
}

/** A stored observation (a row, or the bus's `packet` record) as the contract shapes it. */
export function observedFromRow(app: AppContext, r: PacketRow): ObservedPacket {
  return { ...toPacketItem(r), path: pathOf(app, r) };
}

/** Every hearing of one transmission (rows oldest first, at least one). */
export function groupOf(
  app: AppContext,
  hash: string,
  rows: readonly PacketRow[],
): TransmissionGroup {
  const items = rows.map(toPacketItem);
  const first = items[0]!;
  let shortest = rows[0]!;
  for (const r of rows) if (r.hops.length < shortest.hops.length) shortest = r;
  return {
    hash,
    payloadType: first.payloadType,
    route: first.route,
    summary: first.summary,
    firstHeardAt: first.receivedAt,
    lastHeardAt: items[items.length - 1]!.receivedAt,
    observationCount: items.length,
    bestSnr: best(rows.map((r) => r.snr)),
    bestRssi: best(rows.map((r) => r.rssi)),
    fewestHops: shortest.hops.length,
    path: pathOf(app, shortest),
    observations: items,
  };
}
