/**
 * The admin side of the API: the claim, settings and system tools. The admin
 * token lives in this browser's localStorage and travels only in the
 * Authorization header (no cookie), so another site cannot make the browser
 * act with it (CSRF).
 */
import type {
  BrokerTestRequest,
  BrokerTestResponse,
  ClaimResponse,
  ConfigPatchResponse,
  ConfigProblem,
  ConfigStatus,
  DoctorResponse,
  LogLinesResponse,
  RadioTestRequest,
  RadioTestResponse,
  SerialPortsResponse,
  SetupStatus,
} from "../../daemon/http/contract/setup.ts";

const KEY = "meshgate.adminToken";

export type Answer<T> =
  | { readonly ok: true; readonly data: T }
  | {
      readonly ok: false;
      readonly status: number | null;
      readonly message: string;
      readonly problems: readonly ConfigProblem[];
    };

export class AdminApi {
  constructor(private readonly base = "") {}

  token(): string | null {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  }

  setToken(token: string | null): void {
    if (token === null) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, token);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: "application/json" };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      return {
        ok: false,
        status: null,
        message: `daemon unreachable (${String(err).slice(0, 80)})`,
        problems: [],
      };
    }
    const text = await res.text().catch(() => "");
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    if (res.ok) return { ok: true, data: data as T };
    const o = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
    const problems = Array.isArray(o.problems) ? (o.problems as ConfigProblem[]).slice(0, 100) : [];
    return {
      ok: false,
      status: res.status,
      message: typeof o.error === "string" ? o.error.slice(0, 300) : `HTTP ${res.status}`,
      problems,
    };
  }

  status = () => this.call<SetupStatus>("GET", "/api/setup/status");
  claim = (code: string) => this.call<ClaimResponse>("POST", "/api/setup/claim", { code });
  config = () => this.call<Record<string, unknown>>("GET", "/api/config");
  configStatus = () => this.call<ConfigStatus>("GET", "/api/config/status");
  patch = (patch: Record<string, unknown>) =>
    this.call<ConfigPatchResponse>("PATCH", "/api/config", patch);
  serialPorts = () => this.call<SerialPortsResponse>("GET", "/api/system/serial-ports");
  testRadio = (req: RadioTestRequest) =>
    this.call<RadioTestResponse>("POST", "/api/radios/test", req);
  testBroker = (req: BrokerTestRequest) =>
    this.call<BrokerTestResponse>("POST", "/api/mqtt/test", req);
  doctor = () => this.call<DoctorResponse>("GET", "/api/system/doctor");
  logs = () => this.call<LogLinesResponse>("GET", "/api/system/logs");
  restart = () =>
    this.call<{ restarting: true; startedAt: string }>("POST", "/api/system/restart", {});

  /** The config file (secrets masked) as a download. */
  downloadConfig = () => this.download("/api/config/file", "meshgate-config.yaml");
  /** A consistent copy of the store (tar of the hot database and the archive partitions). */
  downloadBackup = () => this.download("/api/system/backup", "meshgate-backup.tar");

  /**
   * Fetched with the token (it never travels in a URL or cookie) and saved
   * from a blob under the name the daemon gives; null when saved, else why not.
   */
  private async download(path: string, fallback: string): Promise<string | null> {
    const token = this.token();
    const res = await fetch(`${this.base}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }).catch(() => null);
    if (!res?.ok) return `download failed${res ? ` (HTTP ${res.status})` : ""}`;
    const blob = await res.blob().catch(() => null);
    if (!blob) return "download failed (connection lost)";
    const named = /filename="([A-Za-z0-9._-]{1,100})"/.exec(
      res.headers.get("content-disposition") ?? "",
    );
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = named?.[1] ?? fallback;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return null;
  }
}
