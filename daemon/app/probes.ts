/**
 * Tests an operator runs from the settings pages before saving: a radio on a
 * proposed port (the doctor's checks, plus what the handshake reported) and
 * a broker (connect, then publish one message and wait for its PUBACK).
 */
import type { MqttClient } from "mqtt";
import type { RadioConfig } from "../config/types.ts";
import { validateConfig } from "../config/validate.ts";
import { errorMessage } from "../core/errors.ts";
import type { RadioStatus } from "../core/types.ts";
import { checkHandshake, checkSerial } from "../doctor/checks.ts";
import type {
  BrokerTestRequest,
  BrokerTestResponse,
  RadioTestRequest,
  RadioTestResponse,
} from "../http/contract/setup.ts";
import { CLIENT_DEFAULTS } from "../mqtt/client-options.ts";
import { loadMqtt, type Mqtt } from "../mqtt/load.ts";

export async function testRadio(
  req: RadioTestRequest,
  inUse: readonly RadioStatus[],
  configured: readonly RadioConfig[],
  timeoutMs = 8000,
): Promise<RadioTestResponse> {
  // A port the daemon already holds cannot be opened twice: report its live state.
  const holder = configured.find((r) => r.serial?.path === req.path);
  const live = holder && inUse.find((s) => s.id === holder.id);
  if (holder && live) {
    const up = live.state === "up";
    return {
      ok: up && holder.driver === req.driver,
      checks: [
        {
          name: `radio ${holder.id}`,
          verdict: up && holder.driver === req.driver ? "ok" : "fail",
          detail: `${req.path} is in use by radio ${holder.id} (${holder.driver}): ${live.state}${live.lastError ? ` (${live.lastError})` : ""}`,
          ...(up
            ? {}
            : { fix: "check the cable and firmware; the daemon keeps retrying this port" }),
        },
      ],
      radio: up ? radioView(live) : null,
    };
  }
  // Defaults come from the config schema, like a radio written in the file.
  const probe: Record<string, unknown> = {
    radios: [
      { id: "test", driver: req.driver, serial: { path: req.path, baud: req.baud ?? 115200 } },
    ],
  };
  const problems = validateConfig(probe);
  if (problems.length > 0) {
    return {
      ok: false,
      checks: problems.map((p) => ({ name: "settings", verdict: "fail" as const, detail: p })),
      radio: null,
    };
  }
  const radio = (probe.radios as RadioConfig[])[0]!;
  const serial = await checkSerial(radio);
  if (serial.verdict === "fail") return { ok: false, checks: [serial], radio: null };
  let status: RadioStatus | null = null;
  const hs = await checkHandshake(radio, timeoutMs, (s) => {
    status = s;
  });
  return {
    ok: hs.verdict === "ok",
    checks: [serial, hs],
    radio: status ? radioView(status) : null,
  };
}

function radioView(s: RadioStatus): RadioTestResponse["radio"] {
  return {
    name: s.name,
    firmware: s.firmware,
    model: s.model,
    publicKey: s.publicKey,
    params: s.params ? { ...s.params } : null,
  };
}

export async function testBroker(
  req: BrokerTestRequest,
  clientName: string,
  timeoutMs = 5000,
): Promise<BrokerTestResponse> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return {
      ok: false,
      step: "connect",
      detail: "not a valid URL",
      fix: "use mqtt://, mqtts://, ws:// or wss://",
    };
  }
  if (!["mqtt:", "mqtts:", "ws:", "wss:"].includes(url.protocol))
    return {
      ok: false,
      step: "connect",
      detail: `unsupported scheme ${url.protocol}`,
      fix: "use mqtt://, mqtts://, ws:// or wss://",
    };
  const topic = req.topic ?? `meshgate/${clientName}/test`;
  let connectAsync: Mqtt["connectAsync"];
  try {
    ({ connectAsync } = await loadMqtt());
  } catch (err) {
    return failed("connect", err, "reinstall meshgate: its files are incomplete");
  }
  let client: MqttClient | null = null;
  try {
    client = await connectAsync(req.url, {
      ...CLIENT_DEFAULTS,
      clientId: `${clientName}-test-${process.pid}`.slice(0, 23),
      connectTimeout: timeoutMs,
      reconnectPeriod: 0,
      ...(req.username ? { username: req.username } : {}),
      ...(req.password ? { password: req.password } : {}),
    });
  } catch (err) {
    return failed(
      "connect",
      err,
      "check the URL, port, credentials and that the broker is running",
    );
  }
  try {
    await withTimeout(client.publishAsync(topic, "meshgate broker test", { qos: 1 }), timeoutMs);
    return { ok: true, step: "done", detail: `connected and published to ${topic}` };
  } catch (err) {
    return failed(
      "publish",
      err,
      "the broker refused the publish: check the account's ACL for this topic",
    );
  } finally {
    await client.endAsync(true).catch(() => {});
  }
}

/** A failed broker test step; the error text is bounded (it may echo what the broker said). */
function failed(step: BrokerTestResponse["step"], err: unknown, fix: string): BrokerTestResponse {
  return { ok: false, step, detail: errorMessage(err).slice(0, 300), fix };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no PUBACK within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
