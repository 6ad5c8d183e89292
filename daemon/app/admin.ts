/**
 * The admin credential and the first-run setup code, both files in the data
 * directory (mode 0600). The credential is stored only as a SHA-256 of a
 * random 256-bit token: a high-entropy token needs no slow hash, and the
 * plain token exists only in the claim answer. The setup code lives in a file
 * so `meshgate setup-code` (another process) prints the one the daemon checks.
 */

import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { hexToBytes, toHex } from "../core/bytes.ts";

export const ADMIN_FILE = "admin.json";
export const SETUP_CODE_FILE = "setup-code.json";
/** A setup code is good for an hour; `meshgate setup-code` makes a new one. */
export const SETUP_CODE_TTL_MS = 3_600_000;
/** No 0/O, 1/I/L: the code is read off a terminal and typed on a phone. */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

export interface SetupCode {
  readonly code: string;
  readonly expiresAt: number;
}

export type ClaimResult =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly code: "E_CLAIMED" | "E_EXPIRED" | "E_BAD_CODE" };

const sha256 = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

function writePrivate(path: string, data: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(data)}\n`, { mode: 0o600 });
  // `sudo meshgate setup-code` runs as root: hand the file to the data
  // directory's owner (the daemon's user), or the daemon could not read it.
  if (process.getuid?.() === 0) {
    const owner = statSync(dirname(path));
    chownSync(tmp, owner.uid, owner.gid);
  }
  renameSync(tmp, path);
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function newSetupCode(): string {
  let s = "";
  for (let i = 0; i < 10; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** Normalises what a person typed: case, spaces and the dash do not matter. */
const normalise = (code: string): string => code.toUpperCase().replace(/[\s-]/g, "");

export class AdminCredential {
  constructor(
    private readonly dataDir: string,
    private readonly now: () => number = Date.now,
  ) {}

  claimed(): boolean {
    return existsSync(join(this.dataDir, ADMIN_FILE));
  }

  /** The current setup code, made (or remade after expiry) when needed; null once claimed. */
  setupCode(): SetupCode | null {
    if (this.claimed()) return null;
    const file = join(this.dataDir, SETUP_CODE_FILE);
    const cur = readJson(file);
    if (
      cur &&
      typeof cur.code === "string" &&
      typeof cur.expiresAt === "number" &&
      cur.expiresAt > this.now()
    )
      return { code: cur.code, expiresAt: cur.expiresAt };
    mkdirSync(this.dataDir, { recursive: true });
    const fresh = { code: newSetupCode(), expiresAt: this.now() + SETUP_CODE_TTL_MS };
    writePrivate(file, fresh);
    return fresh;
  }

  /** Checks the code (constant time) and, when right, creates the credential. */
  claim(presented: string): ClaimResult {
    if (this.claimed()) return { ok: false, code: "E_CLAIMED" };
    const cur = readJson(join(this.dataDir, SETUP_CODE_FILE));
    if (!cur || typeof cur.code !== "string" || typeof cur.expiresAt !== "number")
      return { ok: false, code: "E_EXPIRED" };
    const right = timingSafeEqual(sha256(normalise(presented)), sha256(normalise(cur.code)));
    if (!right) return { ok: false, code: "E_BAD_CODE" };
    if (cur.expiresAt <= this.now()) return { ok: false, code: "E_EXPIRED" };
    const token = `mg_${randomBytes(32).toString("base64url")}`;
    writePrivate(join(this.dataDir, ADMIN_FILE), {
      version: 1,
      sha256: toHex(sha256(token)),
      createdAt: new Date(this.now()).toISOString(),
    });
    rmSync(join(this.dataDir, SETUP_CODE_FILE), { force: true });
    return { ok: true, token };
  }

  /** Whether `token` is the claimed admin token (constant time). */
  verify(token: string): boolean {
    const stored = readJson(join(this.dataDir, ADMIN_FILE))?.sha256;
    if (typeof stored !== "string" || !/^[0-9a-f]{64}$/.test(stored)) return false;
    return timingSafeEqual(sha256(token), hexToBytes(stored));
  }
}
