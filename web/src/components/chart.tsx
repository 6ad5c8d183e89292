/** A minimal uPlot wrapper: one x series (unix seconds) and one y series. */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export function Chart(props: {
  xs: readonly number[];
  ys: readonly (number | null)[];
  label: string;
  unit?: string;
  height?: number;
  bars?: boolean;
  /** Start the y axis at 0 (counts): a bar chart whose axis starts higher misleads. */
  fromZero?: boolean;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.max(200, el.clientWidth || 320);
    const stroke = getComputedStyle(el).getPropertyValue("--accent").trim() || "#2a7ae2";
    const axis = getComputedStyle(el).getPropertyValue("--fg-muted").trim() || "#888";
    const opts: uPlot.Options = {
      width,
      height: props.height ?? 140,
      legend: { show: false },
      cursor: { show: true, drag: { x: false, y: false } },
      // Room either side so the first and last time labels are not clipped.
      padding: [8, 16, 0, 8],
      scales: {
        x: { time: true },
        ...(props.fromZero || props.bars
          ? { y: { range: (_u: uPlot, _min: number, max: number) => [0, Math.max(1, max) * 1.1] } }
          : {}),
      },
      axes: [
        { stroke: axis, grid: { stroke: "rgba(128,128,128,0.15)" }, space: 60 },
        { stroke: axis, grid: { stroke: "rgba(128,128,128,0.15)" }, size: 44, label: props.unit },
      ],
      series: [
        {},
        {
          label: props.label,
          stroke,
          width: 2,
          points: { show: props.xs.length < 60 },
          ...(props.bars ? { paths: uPlot.paths.bars?.({ size: [0.8, 20] }), fill: stroke } : {}),
        },
      ],
    };
    const p = new uPlot(opts, [props.xs as number[], props.ys as number[]], el);
    plot.current = p;
    const onResize = () =>
      p.setSize({ width: Math.max(200, el.clientWidth), height: props.height ?? 140 });
    window.addEventListener("resize", onResize);
    return () => {
      window.removeEventListener("resize", onResize);
      p.destroy();
      plot.current = null;
    };
  }, [props.label, props.bars, props.height, props.fromZero, props.unit]);

  useEffect(() => {
    plot.current?.setData([props.xs as number[], props.ys as number[]]);
  }, [props.xs, props.ys]);

  return (
    <figure class="chart">
      <figcaption>
        {props.label}
        {props.unit ? ` (${props.unit})` : ""}
      </figcaption>
      <div ref={host} role="img" aria-label={props.label} />
    </figure>
  );
}
