#!/usr/bin/env node
import { runCli } from "./cli/main.ts";

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = code;
// Background handles (a serial port closing, a worker) must not hold a
// finished command open.
setTimeout(() => process.exit(code), 200).unref();
