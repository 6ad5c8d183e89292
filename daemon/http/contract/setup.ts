/**
 * Request and answer shapes of the setup and settings API (first-run claim,
 * settings, radios, brokers, admin pages). The web UI imports these types.
 */
import type { DriverKind } from "../../core/types.ts";

/** GET /api/setup/status (anyone). */
export interface SetupStatus {
  /** An admin credential exists (claimed, or http.token configured). */
  readonly claimed: boolean;
  /** The claim page is usable: no credential yet. */
  readonly claimable: boolean;
  /** The config file can be written (false when running on built-in defaults). */
  readonly writable: boolean;
}

/** POST /api/setup/claim */
export interface ClaimRequest {
  readonly code: string;
}
export interface ClaimResponse {
  /** The admin bearer token; shown once, stored only as a hash. */
  readonly token: string;
}

/** One problem of a refused PATCH /api/config, e.g. {path: "gateway.lat", message: "must be <= 90"}. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}
/** 400 answer of PATCH /api/config. */
export interface ConfigPatchError {
  readonly error: string;
  readonly code: "E_INVALID";
  readonly problems: readonly ConfigProblem[];
}
/** 200 answer of PATCH /api/config. */
export interface ConfigPatchResponse {
  /** Settings now in effect. */
  readonly applied: readonly string[];
  /** Saved settings that take effect after a restart (all pending ones). */
  readonly restartRequired: readonly string[];
}

/** GET /api/config/status (admin). */
export interface ConfigStatus {
  readonly file: string | null;
  readonly writable: boolean;
  readonly restartRequired: readonly string[];
  /** Schema paths marked x-restart (sections that never apply live). */
  readonly restartPaths: readonly string[];
}

/** GET /api/system/serial-ports (admin). */
export interface SerialPortInfo {
  /** The path to configure: /dev/serial/by-id/... when there is one. */
  readonly path: string;
  /** The kernel name it points at, e.g. /dev/ttyACM0. */
  readonly device: string;
  readonly vendorId: string | null;
  readonly productId: string | null;
  readonly manufacturer: string | null;
  readonly product: string | null;
  readonly serialNumber: string | null;
}
export interface SerialPortsResponse {
  readonly items: readonly SerialPortInfo[];
}

/** POST /api/radios/test (admin). */
export interface RadioTestRequest {
  readonly driver: DriverKind;
  readonly path: string;
  readonly baud?: number;
}
export interface CheckResultView {
  readonly name: string;
  readonly verdict: "ok" | "warn" | "fail";
  readonly detail: string;
  readonly fix?: string;
}
export interface RadioTestResponse {
  readonly ok: boolean;
  readonly checks: readonly CheckResultView[];
  /** What the handshake reported (companion firmware). */
  readonly radio: {
    readonly name: string | null;
    readonly firmware: string | null;
    readonly model: string | null;
    readonly publicKey: string | null;
    readonly params: {
      readonly freqMHz: number;
      readonly bwKHz: number;
      readonly sf: number;
      readonly cr: number;
      readonly txPowerDbm?: number;
    } | null;
  } | null;
}

/** POST /api/mqtt/test (admin): connect and publish one test message. */
export interface BrokerTestRequest {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly topic?: string;
}
export interface BrokerTestResponse {
  readonly ok: boolean;
  readonly step: "connect" | "publish" | "done";
  readonly detail: string;
  readonly fix?: string;
}

/** GET /api/system/doctor (admin). */
export interface DoctorResponse {
  readonly checks: readonly CheckResultView[];
}

/** GET /api/system/logs (admin). */
export interface LogLinesResponse {
  /** Oldest first; secrets redacted. */
  readonly lines: readonly string[];
  /** Lines dropped from the ring since start. */
  readonly dropped: number;
}

/**
 * GET /api/system/backup (admin): a consistent copy of the store, streamed as
 * an uncompressed tar (`application/x-tar`, an attachment named
 * `meshgate-backup-<UTC date>T<time>Z.tar`). Its entries, each a SQLite file:
 * the hot database first, then the archive partitions.
 */
export type BackupEntryName = "meshgate.sqlite" | `meshgate.sqlite.archive/${string}`;

/** POST /api/system/restart (admin): 202, then the daemon exits for its supervisor to start it again. */
export interface RestartResponse {
  readonly restarting: true;
  readonly startedAt: string;
}
