import { connect } from "node:net";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../daemon/cli/args.ts";
import { runSimulate } from "../../daemon/cli/simulate.ts";
import { HostPort, kissFrames, ptyPair, waitFor } from "../support/sim/pty.ts";

function io(signal?: AbortSignal) {
  let out = "";
  return {
    stdin: new PassThrough(),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (_s: string) => true },
    signal,
    out: () => out,
  };
}

describe("meshgate simulate", () => {
  it("serves a KISS modem on TCP until stopped", async () => {
    const ac = new AbortController();
    const cli = io(ac.signal);
    const done = runSimulate(
      ["--firmware", "kiss", "--tcp", "0", "--seed", "3", "--rate", "20"],
      cli,
    );
    const port = Number(await waitFor(() => /127\.0\.0\.1:(\d+)/.exec(cli.out())?.[1], "the port"));
    const sock = connect(port, "127.0.0.1");
    let got = new Uint8Array(0);
    sock.on("data", (c) => {
      got = new Uint8Array([...got, ...c]);
    });
    sock.write(Uint8Array.of(0xc0, 0x06, 0x17, 0xc0));
    await waitFor(() => kissFrames(got).some((f) => f[0] === 0x06 && f[1] === 0x97), "Pong");
    await waitFor(() => kissFrames(got).some((f) => f[0] === 0x00), "a received packet");
    sock.destroy();
    ac.abort();
    expect(await done).toBe(0);
    expect(cli.out()).toMatch(/stopped; host sent 1 commands/);
  });

  it("plays a companion on a pty", async () => {
    const pair = await ptyPair();
    const ac = new AbortController();
    const cli = io(ac.signal);
    const done = runSimulate(["--firmware", "companion", "--pty", pair.device], cli);
    try {
      await waitFor(() => cli.out().includes("companion firmware on"), "start");
      const host = await HostPort.open(pair.host);
      host.write(Uint8Array.of(0x3c, 0x02, 0x00, 0x16, 0x03));
      await waitFor(
        () => host.bytes.some((b, i) => b === 0x3e && host.bytes[i + 3] === 13),
        "DEVICE_INFO",
      );
      await host.close();
    } finally {
      ac.abort();
      expect(await done).toBe(0);
      await pair.close();
    }
  });

  it("rejects bad arguments with a usage error", async () => {
    await expect(runSimulate(["--firmware", "nope", "--tcp", "0"], io())).rejects.toThrow(
      UsageError,
    );
    await expect(runSimulate(["--firmware", "kiss"], io())).rejects.toThrow(
      /--pty PATH or --tcp PORT/,
    );
    await expect(
      runSimulate(["--firmware", "kiss", "--tcp", "0", "--rate", "-1"], io()),
    ).rejects.toThrow(/--rate/);
  });
});
