/**
 * The settings forms' building blocks: a labelled text field and a list of
 * configured entries, each with its Remove button. One shape for channels,
 * brokers and the radio form, so every control has its label.
 */
import type { ComponentChildren } from "preact";
import type { Cfg } from "./form.ts";

export function TextField(props: {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  /** A password or key: hidden as typed, never autofilled. */
  secret?: boolean;
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
          type={props.secret ? "password" : "text"}
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
