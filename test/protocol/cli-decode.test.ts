import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runDecode } from "../../daemon/cli/decode.ts";

function io(stdinText = "") {
  let out = "";
  let err = "";
  return {
    io: {
      stdin: Readable.from([stdinText]),
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
    },
    out: () => out,
    err: () => err,
  };
}

const BOT = "15833fa002860ccae0eed9ca78b9ab0775d477c1f6490a398bf4edc75240";

describe("meshgate decode", () => {
  it("prints a breakdown for hex arguments, decrypting --channel", async () => {
    const t = io();
    expect(await runDecode(["--channel", "#bot", BOT], t.io)).toBe(0);
    expect(t.out()).toContain("#bot Roy B V4: P");
    expect(t.out()).toMatch(/2\.\.4\s+hop\s+3fa002/);
    // without the key the message stays encrypted
    const u = io();
    expect(await runDecode([BOT], u.io)).toBe(0);
    expect(u.out()).toContain("channel ca (encrypted)");
  });

  it("accepts a raw --key and prints one JSON object per stdin line", async () => {
    const t = io(`${BOT}\n\n0D04B891647EBB40BA70\n11C1\n`);
    const code = await runDecode(["--json", "--key", "eb50a1bcb3e4e5d7bf69a57c9dada211"], t.io);
    expect(code).toBe(1); // the last line is undecodable
    const lines = t
      .out()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].decrypted).toMatchObject({ sender: "Roy B V4", text: "P" });
    expect(lines[0].decrypted.channel).toBe("key:eb50a1bc");
    expect(lines[1]).toMatchObject({
      payloadType: "ACK",
      ack: "bb40ba70",
      summary: "ack bb40ba70",
    });
    expect(lines[2].error.code).toBe("E_PATH_RESERVED");
  });

  it("reports bad hex and bad options with exit codes", async () => {
    const t = io();
    expect(await runDecode(["xyz"], t.io)).toBe(1);
    expect(t.err()).toContain("not hex");
    const u = io();
    expect(await runDecode(["--bogus"], u.io)).toBe(2);
    expect(u.err()).toContain("usage:");
    const v = io();
    expect(await runDecode(["--key", "abcd", BOT], v.io)).toBe(2);
  });

  it("stops reading stdin at its end", async () => {
    const stdin = new PassThrough();
    const t = io();
    const done = runDecode([], { ...t.io, stdin });
    stdin.end("0D04B891647EBB40BA70\n");
    expect(await done).toBe(0);
    expect(t.out()).toContain("ack bb40ba70");
  });
});
