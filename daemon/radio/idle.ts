/**
 * "Nothing more came for `ms`": a timer that, when it fires, first lets the
 * event loop read whatever I/O is already waiting (two turns: poll phase,
 * then serialport's thread-pool read), so a busy or stalled process does
 * not mistake its own lateness for a silent radio.
 */
export function afterIdle(ms: number, fn: () => void): () => void {
  let cancelled = false;
  const t = setTimeout(() => {
    setImmediate(() => {
      setImmediate(() => {
        if (!cancelled) fn();
      });
    });
  }, ms);
  return () => {
    cancelled = true;
    clearTimeout(t);
  };
}
