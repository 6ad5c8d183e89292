// Types for packaging/unit-flags.mjs (plain JavaScript: `npm run package` runs without a build step).
export function unitNodeFlags(unitText?: string): string[];
