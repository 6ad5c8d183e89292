/**
 * The one place the mqtt package is imported at run time (load.ts): it gives
 * the package's functions, once loaded the same object, and a clear error
 * when the package (in the bundle, its chunk file) cannot be loaded.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.doUnmock("mqtt");
  vi.resetModules();
});

describe("loadMqtt", () => {
  it("gives the package's connect functions, loaded once", async () => {
    const { loadMqtt } = await import("../../daemon/mqtt/load.ts");
    const mqtt = await loadMqtt();
    expect(typeof mqtt.connect).toBe("function");
    expect(typeof mqtt.connectAsync).toBe("function");
    expect(await loadMqtt()).toBe(mqtt);
  });

  it("names a broken install when the package does not load", async () => {
    vi.resetModules();
    vi.doMock("mqtt", () => {
      throw new Error("Cannot find module './chunk-x.mjs'");
    });
    const { loadMqtt } = await import("../../daemon/mqtt/load.ts");
    const err = await loadMqtt().catch((e: unknown) => e);
    // A MeshgateError of the module graph vi.resetModules() made afresh.
    expect(err).toMatchObject({ name: "MeshgateError", code: "E_MQTT_LOAD" });
    expect((err as Error).message).toMatch(/mqtt package could not be loaded.*reinstall/);
    // What failed stays attached (here vitest's wrapping of the mock's error).
    expect((err as Error).cause).toBeInstanceOf(Error);
  });
});
