/** Redaction: secrets by key name, and the credentials a URL can carry. */
import { describe, expect, it } from "vitest";
import { redact, redactUrl } from "../../daemon/core/log.ts";
import { collectingLogger } from "../support/log.ts";

describe("redactUrl", () => {
  it.each([
    ["mqtt://user:s3cret@host:1883", "mqtt://***@host:1883"],
    ["wss://tok3n@host/mqtt", "wss://***@host/mqtt"],
    ["mqtts://host:8883/?password=s3cret&x=1", "mqtts://host:8883/?password=***&x=***"],
    ["wss://host/mqtt?token=s3cret#frag", "wss://host/mqtt?token=***#frag"],
    ["connect to mqtt://a:s3cret@h failed", "connect to mqtt://***@h failed"],
    ["mqtt://host:1883", "mqtt://host:1883"],
    ["no url here: pass", "no url here: pass"],
  ])("%s -> %s", (input, want) => {
    expect(redactUrl(input)).toBe(want);
    expect(redactUrl(input)).not.toContain("s3cret");
  });
});

describe("redact", () => {
  it("masks secret keys and URL credentials in nested values", () => {
    const out = JSON.stringify(
      redact({
        http: { token: "s3cret" },
        mqtt: {
          brokers: [
            {
              url: "mqtt://u:s3cret@h?key=s3cret",
              auth: { type: "password", username: "u", password: "s3cret" },
              tls: { key: "/etc/k.pem" },
            },
          ],
        },
        channels: [{ name: "#x", key: "s3cret" }],
        radio: { publicKey: "AB" },
      }),
    );
    expect(out).not.toContain("s3cret");
    expect(out).toContain('"publicKey":"AB"');
  });

  it("leaves absent fields out instead of printing error=undefined", () => {
    const { log, lines } = collectingLogger();
    log.info("radio up", { radio: "r1", error: undefined });
    log.info("plain", { error: undefined });
    expect(lines[0]).toMatch(/radio up radio="r1"$/);
    expect(lines[1]).toMatch(/\] plain$/);
    expect(lines.join("\n")).not.toContain("undefined");
  });

  it("log lines never carry a URL password", () => {
    const { log, lines } = collectingLogger();
    log.info("broker", { url: "mqtt://u:s3cret@h/?password=s3cret" });
    expect(lines.join("\n")).not.toContain("s3cret");
  });
});
