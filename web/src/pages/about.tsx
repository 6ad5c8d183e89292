/** About: version and a config summary without secrets. */
import { Field, LoadState } from "../components/status.tsx";
import { useApp } from "../context.ts";
import { bytes, DASH, duration } from "../format.ts";
import { useApi } from "../hooks.ts";
import { isObj } from "../model.ts";

/** Belt and braces: the daemon redacts secrets; the UI hides these keys too. */
const SECRET = /pass|secret|token|key|auth|credential/i;

export function redact(v: unknown, depth = 0): unknown {
  if (depth > 6) return "…";
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => redact(x, depth + 1));
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v).slice(0, 100))
      out[k] = SECRET.test(k) ? "(hidden)" : redact(x, depth + 1);
    return out;
  }
  return v;
}

export function AboutPage() {
  const { api } = useApp();
  const health = useApi(() => api.health(), [api]);
  const config = useApi(() => api.config(), [api]);
  return (
    <section>
      <h1>About</h1>
      <LoadState state={health} what="version information">
        {(h) => (
          <dl class="kv">
            <Field label="meshgate">{h.version}</Field>
            <Field label="Uptime">{duration(h.uptimeSec)}</Field>
            <Field label="HTTP engine">{h.engine ?? DASH}</Field>
            <Field label="Node.js">{h.nodeVersion ?? DASH}</Field>
            <Field label="Database">{bytes(h.dbBytes)}</Field>
            <Field label="Nodes stored">{h.nodes ?? DASH}</Field>
          </dl>
        )}
      </LoadState>
      <h2>Configuration</h2>
      <LoadState state={config} what="The configuration summary">
        {(c) => (
          <pre class="config" data-testid="config">
            {JSON.stringify(redact(c), null, 2).slice(0, 20_000)}
          </pre>
        )}
      </LoadState>
    </section>
  );
}
