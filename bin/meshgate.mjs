#!/usr/bin/env node
// Launcher: runs the bundled daemon (build it first with `npm run build`).
import "../dist/meshgate.mjs";
