// Types for packaging/package.mjs (plain JavaScript: `npm run package` runs without a build step).
export const UWS_RELEASE: { readonly pkg: string; readonly dir: string; readonly abi: number };
