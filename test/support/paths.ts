import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CORPUS_DIR = resolve(REPO_ROOT, "../shared/corpus");
export const HAS_CORPUS = existsSync(join(CORPUS_DIR, "corescope-fixture-packets.jsonl"));

export function tempDir(prefix = "meshgate-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
