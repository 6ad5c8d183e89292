/**
 * The mqtt package, loaded on first use. It and its dependencies are a large
 * part of the daemon's bundle, and a gateway without a broker never needs
 * them: behind import() the build puts them in a chunk of their own, which
 * Node reads only when a broker link or a broker test first asks for it
 * (test/system/bundle.test.ts checks a daemon without a broker never does).
 * Every runtime use of the package goes through here; elsewhere only types.
 */
import { errorMessage, MeshgateError } from "../core/errors.ts";

/**
 * The package's exports. mqtt is CommonJS, and import() of CommonJS gives its
 * module.exports as `default`: Node adds the named exports it detects, the
 * bundle's chunk for it exports `default` only, so this reads `default`.
 */
export type Mqtt = typeof import("mqtt")["default"];

let loaded: Mqtt | undefined;

export async function loadMqtt(): Promise<Mqtt> {
  if (loaded) return loaded;
  try {
    loaded = (await import("mqtt")).default;
  } catch (err) {
    // In the bundle this is a chunk file beside dist/meshgate.mjs.
    throw new MeshgateError(
      "E_MQTT_LOAD",
      `the mqtt package could not be loaded (a broken install? reinstall meshgate): ${errorMessage(err)}`,
      { cause: err },
    );
  }
  return loaded;
}
