/**
 * A fixed-row-height virtual list: only the rows in view (plus a margin) are
 * in the DOM, so 5,000 packets cost a few dozen elements on a phone.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

const OVERSCAN = 8;

/**
 * Up/down arrows move between rows (each row is a link, so Enter opens it).
 * Rows past the overscan margin are not in the DOM; focusing the neighbour
 * scrolls it into view, which renders the next ones.
 */
function moveFocus(e: KeyboardEvent): void {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  const row = e.target instanceof HTMLElement ? e.target : null;
  const next = e.key === "ArrowDown" ? row?.nextElementSibling : row?.previousElementSibling;
  if (next instanceof HTMLElement) {
    e.preventDefault();
    next.focus();
  }
}

export function VirtualList<T>(props: {
  items: readonly T[];
  rowHeight: number;
  height: number;
  label: string;
  row: (item: T, index: number) => ComponentChildren;
}) {
  const ref = useRef<HTMLElement>(null);
  const [top, setTop] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onScroll = () => setTop(el.scrollTop);
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, []);
  const { items, rowHeight, height } = props;
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + OVERSCAN);
  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i];
    if (item !== undefined) rows.push(props.row(item, i));
  }
  return (
    <section
      ref={ref}
      class="vlist"
      style={{ height: `${height}px` }}
      aria-label={props.label}
      onKeyDown={moveFocus}
    >
      <div class="vlist-spacer" style={{ height: `${items.length * rowHeight}px` }}>
        <div class="vlist-rows" style={{ transform: `translateY(${first * rowHeight}px)` }}>
          {rows}
        </div>
      </div>
    </section>
  );
}
