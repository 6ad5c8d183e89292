// Types for packaging/shlibdeps.mjs (plain JavaScript: `npm run package` runs without a build step).
export const PACKAGE_OF: Readonly<Record<string, string>>;
export const LIBSTDCXX_VERSION: Readonly<Record<string, string>>;
export function readElfNeeds(file: string): {
  needed: string[];
  versions: Record<string, string[]>;
};
export function compareVersions(a: string, b: string): number;
export function shlibDepends(files: readonly string[]): string[];
