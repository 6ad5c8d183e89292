/**
 * Ordering for identifiers (hex keys and prefixes, edge ids): by UTF-16 code
 * unit, the same on every machine and locale. `String.localeCompare` would
 * give the same order for these strings but loads ICU's collation tables
 * into resident memory for text that has no locale. Names people read are
 * still sorted with localeCompare.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
