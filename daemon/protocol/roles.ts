/**
 * Node roles: the 4-bit type in an advert's app-data flags (ADV_TYPE_* in
 * the firmware's src/helpers/AdvertDataHelpers.h). The one table of their
 * numbers, wire names and API names; the mesh model, HTTP contract, MQTT,
 * simulator and web UI all read it. Pure.
 */
import type { RadioDriverKind } from "../core/types.ts";

export const ADV_TYPE_NONE = 0;
export const ADV_TYPE_CHAT = 1;
export const ADV_TYPE_REPEATER = 2;
export const ADV_TYPE_ROOM = 3;
export const ADV_TYPE_SENSOR = 4;

/** Roles a node can announce, by the name the API and config use. */
export type KnownRole = "chat" | "repeater" | "room" | "sensor";
/** A role as the API reports it: "unknown" for type 0 and types the firmware does not define. */
export type RoleName = KnownRole | "unknown";

export const ROLE_NUMBERS: Readonly<Record<KnownRole, number>> = {
  chat: ADV_TYPE_CHAT,
  repeater: ADV_TYPE_REPEATER,
  room: ADV_TYPE_ROOM,
  sensor: ADV_TYPE_SENSOR,
};

/** Every API role name (the contract's enum), known roles in type order, then "unknown". */
export const ROLE_NAMES: readonly RoleName[] = ["chat", "repeater", "room", "sensor", "unknown"];

const BY_NUMBER: readonly RoleName[] = ["unknown", "chat", "repeater", "room", "sensor"];

/** The API name of an advert type; "unknown" for 0, out-of-range and missing values. */
export function roleName(n: number | null | undefined): RoleName {
  return (n === null || n === undefined ? undefined : BY_NUMBER[n]) ?? "unknown";
}

/** The advert type of an API role name; 0 (none) for "unknown" and anything else. */
export function roleNumber(name: string): number {
  return Object.hasOwn(ROLE_NUMBERS, name) ? ROLE_NUMBERS[name as KnownRole] : ADV_TYPE_NONE;
}

/**
 * The decoder's name of an advert type: "none" for 0 and "typeN" for types the
 * firmware does not define, so `decode` output shows exactly what was sent.
 */
export function advertRoleName(n: number): string {
  return n === ADV_TYPE_NONE ? "none" : n > 0 && n < BY_NUMBER.length ? roleName(n) : `type${n}`;
}

/**
 * The role of the node a radio's firmware is in the mesh (the gateway's own
 * node): a companion radio is a chat node, a repeater logging its packets a
 * repeater. Drivers absent here (a bare modem, the simulator) have no node
 * role of their own.
 */
export const DRIVER_NODE_ROLES: Readonly<Partial<Record<RadioDriverKind, KnownRole>>> = {
  companion: "chat",
  "repeater-log": "repeater",
};

/** The advert type of the gateway's own node behind a radio of this driver. */
export function driverNodeRole(driver: RadioDriverKind): number {
  return roleNumber(DRIVER_NODE_ROLES[driver] ?? "unknown");
}
