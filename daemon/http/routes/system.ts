/**
 * Admin tools: serial port discovery, radio and broker tests, the doctor,
 * recent log lines and restart. Every route needs the admin credential.
 */
import { MeshgateError } from "../../core/errors.ts";
import { DRIVER_KINDS } from "../../core/types.ts";
import type { AppContext } from "../context.ts";
import type {
  BrokerTestResponse,
  DoctorResponse,
  LogLinesResponse,
  RadioTestRequest,
  RadioTestResponse,
  RestartResponse,
  SerialPortsResponse,
} from "../contract/setup.ts";
import { badParam, HttpError, unavailable } from "../http-error.ts";
import { Reply, type Route, StreamReply } from "../router.ts";
import type { BackupDownload, SystemPort } from "../setup-ports.ts";

type Body = Record<string, unknown>;
/** A device path: absolute, no parent steps, printable. */
const DEVICE = /^\/[A-Za-z0-9._/:+-]{1,200}$/;

function only(b: Body, keys: readonly string[]): void {
  for (const k of Object.keys(b)) if (!keys.includes(k)) throw badParam(k, "unknown field");
}

function optStr(b: Body, key: string, max: number): string | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v.length > max)
    throw badParam(key, `must be a string of at most ${max} characters`);
  return v;
}

export function systemRoutes(app: AppContext): Route[] {
  const sys = (): SystemPort => {
    const s = app.deps.providers?.system;
    if (!s) throw unavailable("system tools are not available in this process", null);
    return s;
  };
  const admin = (
    method: "GET" | "POST",
    path: string,
    handle: Route["handle"],
    body = false,
  ): Route => ({
    method,
    path,
    query: [],
    auth: true,
    body,
    handle,
  });
  return [
    admin(
      "GET",
      "/api/system/serial-ports",
      async (): Promise<SerialPortsResponse> => ({
        items: await sys().serialPorts(),
      }),
    ),
    admin(
      "POST",
      "/api/radios/test",
      async ({ body }): Promise<RadioTestResponse> => {
        const b = body as Body;
        only(b, ["driver", "path", "baud"]);
        const driver = b.driver;
        if (typeof driver !== "string" || !(DRIVER_KINDS as readonly string[]).includes(driver))
          throw badParam("driver", `must be one of ${DRIVER_KINDS.join(", ")}`);
        const path = b.path;
        if (typeof path !== "string" || !DEVICE.test(path) || path.includes(".."))
          throw badParam("path", "must be an absolute device path such as /dev/serial/by-id/...");
        const baud = b.baud;
        if (
          baud !== undefined &&
          (typeof baud !== "number" || !Number.isInteger(baud) || baud < 1200 || baud > 4_000_000)
        )
          throw badParam("baud", "must be an integer between 1200 and 4000000");
        const req: RadioTestRequest = {
          driver: driver as RadioTestRequest["driver"],
          path,
          ...(baud !== undefined ? { baud: baud as number } : {}),
        };
        return sys().testRadio(req);
      },
      true,
    ),
    admin(
      "POST",
      "/api/mqtt/test",
      async ({ body }): Promise<BrokerTestResponse> => {
        const b = body as Body;
        only(b, ["url", "username", "password", "topic"]);
        const url = optStr(b, "url", 500);
        if (!url) throw badParam("url", "is required");
        const username = optStr(b, "username", 200);
        const password = optStr(b, "password", 500);
        const topic = optStr(b, "topic", 200);
        if (topic !== undefined && /[#+\u0000]/.test(topic))
          throw badParam("topic", "must not contain wildcards");
        return sys().testBroker({
          url,
          ...(username ? { username } : {}),
          ...(password ? { password } : {}),
          ...(topic ? { topic } : {}),
        });
      },
      true,
    ),
    admin(
      "GET",
      "/api/system/doctor",
      async (): Promise<DoctorResponse> => ({
        checks: await sys().doctor(),
      }),
    ),
    admin("GET", "/api/system/logs", async (): Promise<LogLinesResponse> => sys().logs()),
    admin("GET", "/api/system/backup", async (): Promise<StreamReply> => {
      const s = sys();
      let b: BackupDownload;
      try {
        b = await s.backup();
      } catch (err) {
        if (err instanceof MeshgateError && err.code === "E_BACKUP_BUSY")
          throw new HttpError(409, err.code, err.message);
        throw err;
      }
      return new StreamReply(
        {
          "content-type": "application/x-tar",
          "content-disposition": `attachment; filename="${b.filename}"`,
        },
        b.stream,
      );
    }),
    admin(
      "POST",
      "/api/system/restart",
      async (): Promise<Reply> => {
        const s = sys();
        const answer: RestartResponse = {
          restarting: true,
          startedAt: new Date(app.startedAt).toISOString(),
        };
        // Answer first; the stop begins once this reply is on its way.
        setTimeout(() => s.restart(), 200);
        return new Reply(202, answer);
      },
      true,
    ),
  ];
}
