/**
 * The node health policy, one place for it: a node's status from the time
 * since it was last heard and per-role thresholds, with the `mesh.health`
 * setting over the defaults. The mesh model and the HTTP layer's store-only
 * answer both use it, so a node has one status whoever reports it.
 */
import { type RoleName, roleName } from "../protocol/roles.ts";

export interface HealthThresholds {
  readonly degradedAfterSec: number;
  readonly silentAfterSec: number;
}

export type HealthStatus = "healthy" | "degraded" | "silent";

/** Thresholds for every role. */
export type HealthPolicy = Readonly<Record<RoleName, HealthThresholds>>;

/** The `mesh.health` setting: any role (or "companion" for chat), either field. */
export type HealthSetting = Readonly<Record<string, Partial<HealthThresholds>>>;

/**
 * Repeaters and room servers flood an advert every 12 h by default
 * (examples/simple_repeater/MyMesh.cpp, `flood_advert_interval = 12`) and relay
 * traffic in between, so two missed adverts mean silent. Chat nodes advert
 * only when their user asks; sensors report often.
 */
export const DEFAULT_HEALTH: HealthPolicy = {
  repeater: { degradedAfterSec: 6 * 3600, silentAfterSec: 25 * 3600 },
  room: { degradedAfterSec: 6 * 3600, silentAfterSec: 25 * 3600 },
  chat: { degradedAfterSec: 3 * 86400, silentAfterSec: 14 * 86400 },
  sensor: { degradedAfterSec: 12 * 3600, silentAfterSec: 48 * 3600 },
  unknown: { degradedAfterSec: 86400, silentAfterSec: 7 * 86400 },
};

const positive = (v: unknown): v is number => typeof v === "number" && v > 0 && Number.isFinite(v);

/** The policy the setting gives: roles it names take its fields, the rest keep the defaults. */
export function healthPolicy(setting: unknown = {}): HealthPolicy {
  const out = { ...DEFAULT_HEALTH } as Record<RoleName, HealthThresholds>;
  if (!setting || typeof setting !== "object") return out;
  for (const [role, t] of Object.entries(setting as HealthSetting)) {
    const name = role === "companion" ? "chat" : role;
    if (!Object.hasOwn(DEFAULT_HEALTH, name) || !t || typeof t !== "object") continue;
    const base = out[name as RoleName];
    out[name as RoleName] = {
      degradedAfterSec: positive(t.degradedAfterSec) ? t.degradedAfterSec : base.degradedAfterSec,
      silentAfterSec: positive(t.silentAfterSec) ? t.silentAfterSec : base.silentAfterSec,
    };
  }
  return out;
}

/** A node's status: never heard is silent; a threshold reached moves it on. */
export function healthStatus(
  lastHeard: number,
  now: number,
  role: number,
  policy: HealthPolicy,
): HealthStatus {
  if (!(lastHeard > 0)) return "silent";
  const t = policy[roleName(role)];
  const age = (now - lastHeard) / 1000;
  if (age >= t.silentAfterSec) return "silent";
  if (age >= t.degradedAfterSec) return "degraded";
  return "healthy";
}
