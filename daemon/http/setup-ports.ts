/**
 * What the setup, settings and admin routes need from the daemon. Kept apart
 * from ports.ts so each area owns its own file.
 */
import type {
  BrokerTestRequest,
  BrokerTestResponse,
  CheckResultView,
  ConfigProblem,
  LogLinesResponse,
  RadioTestRequest,
  RadioTestResponse,
  SerialPortInfo,
} from "./contract/setup.ts";
import type { BodyStream } from "./engine.ts";

export interface AdminPort {
  /** A credential exists (claimed in the data dir). */
  claimed(): boolean;
  claim(
    code: string,
  ):
    | { readonly ok: true; readonly token: string }
    | { readonly ok: false; readonly code: "E_CLAIMED" | "E_EXPIRED" | "E_BAD_CODE" };
  verify(token: string): boolean;
}

export type SettingsPatchResult =
  | {
      readonly ok: true;
      readonly applied: readonly string[];
      readonly restartRequired: readonly string[];
    }
  | {
      readonly ok: false;
      readonly status: 400 | 409;
      readonly code: string;
      readonly error: string;
      readonly problems: readonly ConfigProblem[];
    };

export interface SettingsPort {
  file(): string | null;
  writable(): boolean;
  pendingRestart(): readonly string[];
  patch(patch: Record<string, unknown>): Promise<SettingsPatchResult>;
  /** The config file with every secret masked. */
  maskedFile(): Promise<string>;
}

/** A backup as the download route sends it. */
export interface BackupDownload {
  /** Dated, for Content-Disposition. */
  readonly filename: string;
  readonly stream: BodyStream;
}

export interface SystemPort {
  serialPorts(): Promise<readonly SerialPortInfo[]>;
  testRadio(req: RadioTestRequest): Promise<RadioTestResponse>;
  testBroker(req: BrokerTestRequest): Promise<BrokerTestResponse>;
  doctor(): Promise<readonly CheckResultView[]>;
  logs(): LogLinesResponse;
  /** A consistent copy of the store as a tar; rejects with E_BACKUP_BUSY while another runs. */
  backup(): Promise<BackupDownload>;
  /** Stops the daemon cleanly and exits with a code that tells the supervisor to start it again. */
  restart(): void;
}
