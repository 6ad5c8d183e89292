/**
 * Actions change something on the mesh or the gateway. Every one needs the
 * bearer token (checked by the dispatcher before the body is even parsed);
 * bodies are validated strictly, unknown keys included.
 */
import type { RadioParams } from "../../core/types.ts";
import type { AppContext } from "../context.ts";
import { MAX_CHANNEL_TEXT_BYTES } from "../contract/index.ts";
import { badParam, HttpError, unavailable } from "../http-error.ts";
import { RADIO_ID } from "../params.ts";
import type { ActionResult, ActionsPort } from "../ports.ts";
import type { Route } from "../router.ts";

type Body = Record<string, unknown>;

const CHANNEL_NAME = /^[^\s\u0000-\u001f]{1,64}$/;
const CHANNEL_KEY = /^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/;

function only(body: Body, keys: readonly string[]): void {
  for (const k of Object.keys(body)) if (!keys.includes(k)) throw badParam(k, "unknown field");
}

function str(body: Body, key: string, pattern: RegExp, what: string): string {
  const v = body[key];
  if (typeof v !== "string" || !pattern.test(v)) throw badParam(key, `must be ${what}`);
  return v;
}

function num(body: Body, key: string, min: number, max: number, integer: boolean): number {
  const v = body[key];
  if (
    typeof v !== "number" ||
    !Number.isFinite(v) ||
    (integer && !Number.isInteger(v)) ||
    v < min ||
    v > max
  ) {
    throw badParam(key, `must be ${integer ? "an integer" : "a number"} between ${min} and ${max}`);
  }
  return v;
}

async function run(
  app: AppContext,
  fn: (a: ActionsPort) => Promise<ActionResult>,
): Promise<unknown> {
  const port = app.deps.providers?.actions;
  if (!port) throw unavailable("actions are not available in this process", null);
  const r = await fn(port);
  if (!r.ok) throw new HttpError(502, r.code ?? "E_ACTION_FAILED", r.error);
  return { ok: true, detail: r.detail ?? null };
}

export function actionRoutes(app: AppContext): Route[] {
  const action = (path: string, handle: (body: Body) => Promise<unknown>): Route => ({
    method: "POST",
    path,
    query: [],
    auth: true,
    body: true,
    handle: ({ body }) => handle(body as Body),
  });
  return [
    action("/api/actions/channel-message", async (b) => {
      only(b, ["channel", "text"]);
      const channel = str(b, "channel", CHANNEL_NAME, "a channel name");
      const text = b.text;
      if (typeof text !== "string" || text.trim().length === 0)
        throw badParam("text", "must be a non-empty string");
      if (Buffer.byteLength(text, "utf8") > MAX_CHANNEL_TEXT_BYTES)
        throw badParam("text", `at most ${MAX_CHANNEL_TEXT_BYTES} UTF-8 bytes`);
      if (/[\u0000-\u0008\u000b-\u001f]/.test(text))
        throw badParam("text", "must not contain control characters");
      return run(app, (a) => a.sendChannelMessage({ channel, text }));
    }),
    action("/api/actions/advert", async (b) => {
      only(b, ["flood"]);
      const flood = b.flood ?? false;
      if (typeof flood !== "boolean") throw badParam("flood", "must be true or false");
      return run(app, (a) => a.sendAdvert({ flood }));
    }),
    action("/api/actions/channel-keys", async (b) => {
      only(b, ["name", "key"]);
      const name = str(b, "name", CHANNEL_NAME, "a channel name");
      const key =
        b.key === undefined || b.key === null
          ? null
          : str(b, "key", CHANNEL_KEY, "16 or 32 bytes of hex");
      if (key === null && !name.startsWith("#"))
        throw badParam("key", "is required unless the name is a #hashtag");
      return run(app, (a) => a.addChannelKey({ name, key: key?.toLowerCase() ?? null }));
    }),
    action("/api/actions/channel-keys/remove", async (b) => {
      only(b, ["name"]);
      const name = str(b, "name", CHANNEL_NAME, "a channel name");
      return run(app, (a) => a.removeChannelKey({ name }));
    }),
    action("/api/actions/radio-params", async (b) => {
      only(b, ["radioId", "freqMHz", "bwKHz", "sf", "cr", "txPowerDbm"]);
      const radioId = str(b, "radioId", RADIO_ID, "a radio id");
      // Same ranges as radios[].params in the config schema.
      const params: RadioParams = {
        freqMHz: num(b, "freqMHz", 137, 1020, false),
        bwKHz: num(b, "bwKHz", 7.8, 500, false),
        sf: num(b, "sf", 5, 12, true),
        cr: num(b, "cr", 5, 8, true),
        ...(b.txPowerDbm !== undefined && { txPowerDbm: num(b, "txPowerDbm", -9, 30, true) }),
      };
      return run(app, (a) => a.setRadioParams({ radioId, params }));
    }),
  ];
}
