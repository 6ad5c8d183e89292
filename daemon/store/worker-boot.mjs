// Runs the TypeScript worker entry from source (tests, tsx): registers tsx in
// this worker, then imports the entry named in workerData. Not used in the
// bundle, where the worker is plain dist/store-worker.mjs.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
