/**
 * Where a process's resident memory is, from /proc: smaps_rollup (anonymous,
 * file-backed, shared memory) and smaps grouped by mapping - the node binary
 * split into text (r-x), read-only data (r--: V8 builtins' tables, ICU data)
 * and writable data, other files (shared libraries), the brk heap (glibc
 * malloc's main arena), stacks, and anonymous mappings (V8 heaps, WebAssembly
 * memory, other malloc arenas, thread stacks) with the largest listed. With
 * the V8 figures bench/_heap-probe.mjs writes from inside each thread, the
 * anonymous part splits into V8 heap (per space), WebAssembly memory and the
 * rest (malloc'd C++ objects, arenas, stacks). The largest anonymous
 * mappings are named by what they hold where a buffer's first bytes say so
 * (read through /proc/PID/mem): an SQLite database file (sql.js keeps each
 * open database's file in memory), WebAssembly module bytes, a script's
 * source.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
} from "node:fs";
import { join } from "node:path";

export interface Mapping {
  readonly start: number;
  readonly end: number;
  readonly perms: string;
  readonly name: string;
  readonly rssKb: number;
}

export interface ThreadHeap {
  readonly thread: string;
  readonly totalPhysical: number;
  readonly used: number;
  readonly malloced: number;
  readonly external: number;
  readonly spaces: Record<string, number>;
  readonly bytecodeAndMetadata: number;
  readonly code: number;
}

export interface Breakdown {
  readonly rollup: { rss: number; anon: number; file: number; shmem: number };
  /** kB by group name. */
  readonly groups: Map<string, number>;
  readonly largestAnon: readonly Mapping[];
  /** For each of largestAnon, what it holds ("" when nothing is recognised). */
  readonly holds: readonly string[];
  /** WebAssembly memory: its size and how much of it is resident (kB; its mapping is exactly its size). */
  readonly wasm: { bytes: number; rssKb: number };
}

export function readMappings(pid: number): Mapping[] {
  const out: Mapping[] = [];
  let cur: { start: number; end: number; perms: string; name: string } | null = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      cur = {
        start: Number.parseInt(head[1]!, 16),
        end: Number.parseInt(head[2]!, 16),
        perms: head[3]!,
        name: head[4]!.trim(),
      };
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && cur) out.push({ ...cur, rssKb: Number(rss[1]) });
  }
  return out;
}

function group(m: Mapping, exe: string): string {
  if (m.name === exe) {
    if (m.perms.includes("x")) return "node binary: text (r-x)";
    if (m.perms.includes("w")) return "node binary: data (rw-)";
    return "node binary: read-only data (r--, incl. ICU)";
  }
  if (m.name === "[heap]") return "[heap] (malloc main arena)";
  if (m.name === "[stack]") return "[stack] (main thread)";
  if (m.name.startsWith("/")) return m.name.includes(".so") ? "shared libraries" : `file ${m.name}`;
  if (m.name.startsWith("[")) return "kernel ([vdso], [vvar]...)";
  return "anonymous";
}

const SIGNATURES: readonly [string, Buffer][] = [
  ["SQLite file", Buffer.from("SQLite format 3\0", "latin1")],
  ["WebAssembly module", Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])],
  ["script source", Buffer.from("#!/usr/bin/env node")],
];

/**
 * Buffers in a mapping recognised by their first bytes, which malloc places
 * 16-byte aligned: "2 x WebAssembly module", or "" (also when the mapping
 * cannot be read: that takes the right to trace the process).
 */
export function holds(pid: number, m: Mapping): string {
  const size = m.end - m.start;
  if (size > 64 * 1048576) return "";
  let fd: number | null = null;
  try {
    fd = openSync(`/proc/${pid}/mem`, "r");
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, m.start);
    const found: string[] = [];
    for (const [name, sig] of SIGNATURES) {
      let n = 0;
      for (let i = buf.indexOf(sig); i >= 0; i = buf.indexOf(sig, i + 1)) if (i % 16 === 0) n++;
      if (n > 0) found.push(n > 1 ? `${n} x ${name}` : name);
    }
    return found.join(", ");
  } catch {
    return "";
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** wasmBytes: the store worker's WebAssembly memory size (/api/health), to find its mapping. */
export function breakdown(pid: number, wasmBytes = 0): Breakdown {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  const exePath = readlinkSync(`/proc/${pid}/exe`);
  const maps = readMappings(pid);
  const groups = new Map<string, number>();
  for (const m of maps) {
    const g = group(m, exePath);
    groups.set(g, (groups.get(g) ?? 0) + m.rssKb);
  }
  const largestAnon = maps
    .filter((m) => group(m, exePath) === "anonymous" && m.rssKb > 0)
    .sort((a, b) => b.rssKb - a.rssKb)
    .slice(0, 8);
  return {
    rollup: {
      rss: kb("VmRSS"),
      anon: kb("RssAnon"),
      file: kb("RssFile"),
      shmem: kb("RssShmem"),
    },
    groups,
    largestAnon,
    holds: largestAnon.map((m) => holds(pid, m)),
    wasm: {
      bytes: wasmBytes,
      rssKb: maps
        .filter((m) => wasmBytes > 0 && m.end - m.start === wasmBytes && m.perms.startsWith("rw"))
        .reduce((a, m) => a + m.rssKb, 0),
    },
  };
}

/** The per-thread V8 figures bench/_heap-probe.mjs wrote into dir. */
export function readHeaps(dir: string): ThreadHeap[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as ThreadHeap)
    .sort((a, b) => (a.thread === "main" ? -1 : b.thread === "main" ? 1 : 0));
}

const MiB = (bytes: number) => (bytes / 1048576).toFixed(1);
const kbMiB = (kb: number) => (kb / 1024).toFixed(1);

/** Markdown lines: the rollup, the groups, the largest anonymous mappings and the V8 heaps. */
export function formatBreakdown(
  title: string,
  b: Breakdown,
  heaps: readonly ThreadHeap[],
): string[] {
  const lines = [
    `### ${title}`,
    "",
    `RSS ${kbMiB(b.rollup.rss)} MiB = anonymous ${kbMiB(b.rollup.anon)} + file-backed ${kbMiB(b.rollup.file)} + shared memory ${kbMiB(b.rollup.shmem)}`,
    "",
    "| mapping group | RSS MiB |",
    "| --- | --- |",
  ];
  for (const [g, kb] of [...b.groups].sort((x, y) => y[1] - x[1]))
    if (kb > 0) lines.push(`| ${g} | ${kbMiB(kb)} |`);
  lines.push(
    "",
    `largest anonymous mappings (RSS MiB / size MiB, perms, what they hold): ${b.largestAnon
      .map(
        (m, i) =>
          `${kbMiB(m.rssKb)}/${MiB(m.end - m.start)} ${m.perms}${b.holds[i] ? ` (${b.holds[i]})` : ""}`,
      )
      .join(", ")}`,
  );
  if (heaps.length) {
    const spaceNames = [...new Set(heaps.flatMap((h) => Object.keys(h.spaces)))];
    lines.push(
      "",
      `| V8 (physical MiB) | total | used | malloced | ${spaceNames.join(" | ")} | bytecode / code |`,
      `|${" --- |".repeat(5 + spaceNames.length)}`,
    );
    for (const h of heaps)
      lines.push(
        `| ${h.thread} | ${MiB(h.totalPhysical)} | ${MiB(h.used)} | ${MiB(h.malloced)} | ${spaceNames
          .map((s) => MiB(h.spaces[s] ?? 0))
          .join(" | ")} | ${MiB(h.bytecodeAndMetadata)} / ${MiB(h.code)} |`,
      );
    const v8 = heaps.reduce((a, h) => a + h.totalPhysical + h.malloced, 0);
    const anon = b.rollup.anon * 1024;
    const wasm = b.wasm.rssKb * 1024;
    lines.push(
      "",
      `anonymous ${MiB(anon)} MiB = V8 heaps (physical + malloced) ${MiB(v8)} + WebAssembly memory resident ${MiB(wasm)} (of ${MiB(b.wasm.bytes)}) + rest ${MiB(anon - v8 - wasm)} (malloc'd native objects and buffers, arenas, stacks, compiled wasm code)`,
    );
  }
  return lines;
}
