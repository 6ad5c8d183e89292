/** Renders the non-data states of a load: loading, building, missing, error. */
import type { ComponentChildren } from "preact";
import type { Loadable } from "../hooks.ts";

export function LoadState<T>(props: {
  state: Loadable<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  const s = props.state;
  switch (s.kind) {
    case "ok":
      return <>{props.children(s.data)}</>;
    case "loading":
      return (
        <p class="muted" aria-busy="true">
          Loading {props.what}…
        </p>
      );
    case "building": {
      const pct = s.progress.fraction === null ? null : Math.round(s.progress.fraction * 100);
      return (
        <div class="notice building" role="status" data-state="building">
          <strong>meshgate is still building its indexes.</strong>{" "}
          {s.progress.phase ? <span>{s.progress.phase} </span> : null}
          {pct !== null ? <span>{pct}% </span> : null}
          {s.progress.message ? <span>{s.progress.message} </span> : null}
          {pct !== null ? (
            <progress max={100} value={pct} aria-label="index build progress" />
          ) : null}
          <span class="muted"> This page fills in by itself when it is done.</span>
        </div>
      );
    }
    case "missing":
      return (
        <p class="notice" data-state="missing">
          {props.what} is not available from this daemon.
        </p>
      );
    case "unauthorized":
      return (
        <p class="notice error" data-state="unauthorized">
          Not authorised{s.message ? `: ${s.message}` : ""}.
        </p>
      );
    case "error":
      return (
        <p class="notice error" role="alert" data-state="error">
          Could not load {props.what}: {s.message}
        </p>
      );
  }
}

export function Field(props: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}
