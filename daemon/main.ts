#!/usr/bin/env node
import { runCli } from "./cli/main.ts";

// `meshgate doctor | head`: the reader went away. That ends the output, not
// with an EPIPE stack: stop quietly, as other command-line tools do.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = code;
// Background handles (a serial port closing, a worker) must not hold a
// finished command open.
setTimeout(() => process.exit(code), 200).unref();
