/**
 * The settings forms' building blocks: a labelled text field, a labelled
 * choice, a list of configured entries each with its Remove button, and the
 * verdicts of a list of checks. One shape for the gateway, channels, brokers,
 * radio and maintenance forms, so every control has its label.
 */
import type { ComponentChildren } from "preact";
import type { CheckResultView } from "../../../daemon/http/contract/setup.ts";
import type { Cfg } from "./form.ts";

export function TextField(props: {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  /** A password or key: hidden as typed, never autofilled. */
  secret?: boolean;
  /** A search box (the browser may offer to clear it). */
  search?: boolean;
  placeholder?: string;
  maxLength?: number;
  size?: number;
  /** Id of a <datalist> of suggestions. */
  list?: string;
}) {
  return (
    <>
      <label>
        {props.label}{" "}
        <input
          name={props.name}
          type={props.secret ? "password" : props.search ? "search" : "text"}
          autoComplete={props.secret ? "off" : undefined}
          value={props.value}
          placeholder={props.placeholder}
          maxLength={props.maxLength}
          size={props.size}
          list={props.list}
          onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
        />
      </label>{" "}
    </>
  );
}

/** Configured entries, each shown by `show` and removed by its button. */
export function RemovableList(props: {
  items: readonly Cfg[];
  name: (item: Cfg) => string;
  show: (item: Cfg) => ComponentChildren;
  onRemove: (item: Cfg) => void;
}) {
  return (
    <ul>
      {props.items.map((c) => (
        <li key={props.name(c)}>
          {props.show(c)}{" "}
          <button
            type="button"
            aria-label={`Remove ${props.name(c)}`}
            onClick={() => props.onRemove(c)}
          >
            Remove
          </button>
        </li>
      ))}
    </ul>
  );
}

/** A labelled choice among fixed values, each shown as itself. */
export function SelectField(props: {
  label: string;
  name: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label>
        {props.label}{" "}
        <select
          name={props.name}
          value={props.value}
          onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
        >
          {props.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>{" "}
    </>
  );
}

/** Check verdicts (the doctor's, a radio test's), each with its detail and fix. */
export function CheckList(props: {
  checks: readonly CheckResultView[];
  attrs?: Record<string, string>;
}) {
  return (
    <ul {...props.attrs}>
      {props.checks.map((c) => (
        <li key={c.name}>
          <span class={`badge state-${c.verdict === "fail" ? "bad" : "ok"}`}>{c.verdict}</span>{" "}
          {c.name}: {c.detail}
          {c.fix ? <div class="muted">Fix: {c.fix}</div> : null}
        </li>
      ))}
    </ul>
  );
}
