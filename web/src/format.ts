/** Small display helpers; all return plain strings rendered as text nodes. */

export const DASH = "–";

export function ago(ms: number | null, now = Date.now()): string {
  if (ms === null || ms <= 0) return DASH;
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return "just now";
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export function clock(ms: number): string {
  if (!ms) return DASH;
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function dateTime(ms: number | null): string {
  if (!ms) return DASH;
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

export function duration(sec: number | null): string {
  if (sec === null) return DASH;
  const d = Math.floor(sec / 86_400);
  const h = Math.floor((sec % 86_400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${Math.floor(sec % 60)}s`;
}

export function bytes(n: number | null): string {
  if (n === null) return DASH;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function fixed(n: number | null, digits = 1, unit = ""): string {
  return n === null ? DASH : `${n.toFixed(digits)}${unit}`;
}

export function shortKey(key: string): string {
  return key.slice(0, 8);
}

export function nodeLabel(name: string | null, key: string): string {
  return name && name.trim() !== "" ? name : shortKey(key);
}

/** Packets per minute over the last `minutes`, oldest bucket first. */
export function perMinute(
  times: readonly number[],
  minutes: number,
  now = Date.now(),
): [number[], number[]] {
  const end = Math.floor(now / 60_000) * 60_000 + 60_000;
  const start = end - minutes * 60_000;
  const counts = new Array<number>(minutes).fill(0);
  for (const t of times) {
    if (t < start || t >= end) continue;
    const i = Math.floor((t - start) / 60_000);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const xs = counts.map((_, i) => (start + i * 60_000) / 1000);
  return [xs, counts];
}
