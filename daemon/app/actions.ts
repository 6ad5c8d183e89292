import { ConfigError, errorMessage } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import { MAX_CHANNEL_TEXT_BYTES } from "../http/contract/index.ts";
import type { ActionResult, ActionsPort } from "../http/ports.ts";
import type { ChannelRegistry } from "./channels.ts";
import type { RadioSet } from "./radios.ts";

/**
 * What authorised API callers may change. Every action names what failed;
 * nothing here throws into the HTTP layer.
 */
export function createActions(deps: {
  radios: RadioSet;
  channels: ChannelRegistry;
  log: Logger;
}): ActionsPort {
  const { radios, channels, log } = deps;
  const fail = (error: string, code = "E_ACTION"): ActionResult => ({ ok: false, error, code });
  const run = async (what: string, fn: () => Promise<unknown>): Promise<ActionResult> => {
    try {
      const detail = await fn();
      log.info(`action: ${what}`);
      return detail === undefined ? { ok: true } : { ok: true, detail };
    } catch (err) {
      log.warn(`action failed: ${what}`, { error: errorMessage(err) });
      if (err instanceof ConfigError)
        return fail([err.message, ...err.problems].join("; "), err.code);
      return fail(errorMessage(err), (err as { code?: string }).code ?? "E_ACTION");
    }
  };
  return {
    async sendChannelMessage({ channel, text }) {
      const found = channels.find(channel);
      if (!found) return fail(`unknown channel "${channel}"`, "E_UNKNOWN_CHANNEL");
      if (Buffer.byteLength(text, "utf8") > MAX_CHANNEL_TEXT_BYTES) {
        return fail(`text is longer than ${MAX_CHANNEL_TEXT_BYTES} bytes`, "E_TOO_LONG");
      }
      const radio = radios.primary();
      if (!radio) return fail("no radio to send with", "E_NO_RADIO");
      return run(`channel message on ${channel} via ${radio.id}`, async () => {
        await radio.sendChannelMessage(
          { index: found.index, name: found.key.name, key: found.key.key },
          text,
        );
        return { radioId: radio.id };
      });
    },
    async sendAdvert({ flood }) {
      const radio = radios.primary();
      if (!radio) return fail("no radio to send with", "E_NO_RADIO");
      return run(`${flood ? "flood" : "zero-hop"} advert via ${radio.id}`, async () => {
        await radio.sendAdvert(flood);
        return { radioId: radio.id };
      });
    },
    async addChannelKey({ name, key }) {
      return run(`add channel ${name}`, () => channels.add(key ? { name, key } : { name }));
    },
    async removeChannelKey({ name }) {
      return run(`remove channel ${name}`, async () => {
        if (!(await channels.remove(name))) {
          throw new ConfigError(
            `channel "${name}" was not added at run time (config channels live in the config file)`,
          );
        }
      });
    },
    async setRadioParams({ radioId, params }) {
      const radio = radios.get(radioId);
      if (!radio) return fail(`unknown radio "${radioId}"`, "E_UNKNOWN_RADIO");
      return run(`set radio params on ${radioId}`, () => radio.setParams(params));
    },
  };
}
