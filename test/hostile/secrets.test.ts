/**
 * Secrets scan: a daemon configured with every secret-bearing setting (HTTP
 * token, broker password, credentials and a token inside broker URLs,
 * channel keys) never shows one in its logs, API answers, `config show` or
 * `doctor`. The brokers are closed loopback ports, so the links fail and log.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningDaemon, startDaemon } from "../support/daemon.ts";
import { REPO_ROOT, tempDir } from "../support/paths.ts";
import { freePort, SLOW_START_MS, until } from "../support/wait.ts";

const SECRETS = {
  httpToken: "HttpTokenS3cret-0123456789",
  urlUser: "urlUserS3cret",
  urlPass: "UrlPassS3cret",
  queryToken: "QueryTokenS3cret",
  brokerPass: "BrokerPassS3cret",
  channelKey: "0badc0ffee0badc0ffee0badc0ffee42",
};

async function yamlWithSecrets(): Promise<string> {
  const a = await freePort();
  const b = await freePort();
  return [
    "http:",
    `  token: ${SECRETS.httpToken}`,
    "channels:",
    `  - { name: "#ops", key: ${SECRETS.channelKey} }`,
    "mqtt:",
    "  brokers:",
    "    - id: inurl",
    `      url: mqtt://${SECRETS.urlUser}:${SECRETS.urlPass}@127.0.0.1:${a}/?token=${SECRETS.queryToken}`,
    "      backoffMinMs: 200",
    "      backoffMaxMs: 1000",
    "    - id: auth",
    `      url: mqtt://127.0.0.1:${b}`,
    `      auth: { type: password, username: gw, password: ${SECRETS.brokerPass} }`,
    "      backoffMinMs: 200",
    "      backoffMaxMs: 1000",
    "",
  ].join("\n");
}

function expectNoSecret(where: string, text: string) {
  for (const [name, value] of Object.entries(SECRETS)) {
    expect(text.includes(value), `${name} appears in ${where}`).toBe(false);
  }
}

const running: RunningDaemon[] = [];
afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
});

describe("secrets scan", () => {
  it("no secret in logs (debug), the API, config show or doctor", async () => {
    const yaml = await yamlWithSecrets();
    const d = await startDaemon({
      yaml,
      args: ["--log-level", "debug"],
      timeoutMs: SLOW_START_MS,
    });
    running.push(d);
    // Let both links fail and back off a few times (each failure is logged).
    await until(() => (d.output().match(/broker state/g) ?? []).length >= 6, 20_000, "retries");
    for (const path of ["/api/config", "/api/mqtt", "/api/health", "/api/radios", "/metrics"]) {
      const r = await fetch(`${d.url}${path}`, {
        headers: { authorization: `Bearer ${SECRETS.httpToken}` },
      });
      expectNoSecret(path, await r.text());
    }
    expectNoSecret("the daemon's log", d.output());

    const cfg = join(tempDir(), "config.yaml");
    writeFileSync(cfg, yaml);
    const main = join(REPO_ROOT, "daemon/main.ts");
    for (const args of [["config", "show"], ["config", "check"], ["doctor"]]) {
      const r = spawnSync(
        process.execPath,
        ["--import", "tsx", main, ...args, "--config", cfg, "--data-dir", join(tempDir(), "d")],
        { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 },
      );
      expect(r.stdout.length, `${args.join(" ")} printed nothing: ${r.stderr}`).toBeGreaterThan(0);
      expectNoSecret(args.join(" "), r.stdout + r.stderr);
    }
  }, 180_000);
});
