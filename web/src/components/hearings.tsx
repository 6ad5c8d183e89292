/**
 * Each hearing of one transmission: when, which radio, SNR, RSSI and the
 * path it came by (node names where the daemon resolved them, else the hop
 * prefixes). Shared by the feed's opened rows and the packet page.
 */
import { DASH, fixed, nodeLabel } from "../format.ts";
import type { PacketItem, PathView } from "../model.ts";

type Hearing = PacketItem & { readonly path?: PathView };

function via(o: Hearing): string {
  if (o.hops.length === 0) return "0";
  if (!o.path) return o.hops.join(" → ");
  return (
    o.path.resolved
      .map((h) => (h.publicKey ? nodeLabel(h.name, h.publicKey) : h.prefix))
      .join(" → ") || DASH
  );
}

export function HearingsTable<T extends Hearing>(props: {
  rows: readonly T[];
  /** The time column's heading and text. */
  timeLabel: string;
  time: (o: T) => string;
  /** Units after the numbers (the packet page has room for them). */
  units?: boolean;
  class?: string;
  testId?: string;
  label?: string;
}) {
  return (
    <table class={props.class ?? "grid"} data-testid={props.testId} aria-label={props.label}>
      <thead>
        <tr>
          <th scope="col">{props.timeLabel}</th>
          <th scope="col">radio</th>
          <th scope="col">SNR</th>
          <th scope="col">RSSI</th>
          <th scope="col">hops</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((o) => (
          <tr key={o.id}>
            <td>{props.time(o)}</td>
            <td>{o.radioId}</td>
            <td>{fixed(o.snr, 1, props.units ? " dB" : "")}</td>
            <td>{fixed(o.rssi, 0, props.units ? " dBm" : "")}</td>
            <td>{via(o)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
