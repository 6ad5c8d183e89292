/**
 * On-air packets meshgate builds itself for a KISS modem (the modem only
 * moves raw packets). Pure; layouts from src/Mesh.cpp createAdvert /
 * createGroupDatagram via daemon/protocol/encode.ts.
 */

import { concatBytes, u32leBytes } from "../../core/bytes.ts";
import {
  PAYLOAD_ADVERT,
  PAYLOAD_GRP_TXT,
  ROUTE_DIRECT,
  ROUTE_FLOOD,
} from "../../protocol/constants.ts";
import { buildAdvertAppData, buildGroupTextPayload, encodePacket } from "../../protocol/encode.ts";
import { ADV_TYPE_CHAT } from "../../protocol/roles.ts";
import type { GatewayIdentity } from "../types.ts";

/** Advert names are capped so the app data fits MAX_ADVERT_DATA (32) with a location. */
export const MAX_ADVERT_NAME = 20;
export const MAX_CHANNEL_TEXT_BYTES = 160;

/** What the modem must sign for an advert: pubkey + timestamp + app data. */
export function advertToSign(
  pub: Uint8Array,
  epochSec: number,
  g: GatewayIdentity,
): { signed: Uint8Array; appData: Uint8Array } {
  const appData = buildAdvertAppData({
    role: ADV_TYPE_CHAT,
    name: g.name.slice(0, MAX_ADVERT_NAME),
    lat: g.lat ?? undefined,
    lon: g.lon ?? undefined,
  });
  return { signed: concatBytes(pub, u32leBytes(epochSec), appData), appData };
}

/** The advert packet: flood, or zero-hop (direct with an empty path, as Mesh::sendZeroHop). */
export function advertPacket(
  pub: Uint8Array,
  epochSec: number,
  signature: Uint8Array,
  appData: Uint8Array,
  flood: boolean,
): Uint8Array {
  const payload = concatBytes(pub, u32leBytes(epochSec), signature, appData);
  return encodePacket({
    route: flood ? ROUTE_FLOOD : ROUTE_DIRECT,
    payloadType: PAYLOAD_ADVERT,
    hashSize: 1,
    hops: [],
    payload,
  });
}

/** A flood GRP_TXT "sender: text" on the channel with this key. */
export function channelTextPacket(
  key: Uint8Array,
  epochSec: number,
  sender: string,
  text: string,
): Uint8Array {
  const payload = buildGroupTextPayload({
    key,
    timestamp: epochSec,
    sender: sender.slice(0, 32),
    text,
  });
  return encodePacket({
    route: ROUTE_FLOOD,
    payloadType: PAYLOAD_GRP_TXT,
    hashSize: 1,
    hops: [],
    payload,
  });
}
