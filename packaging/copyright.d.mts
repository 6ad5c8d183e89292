// Types for packaging/copyright.mjs (plain JavaScript: `npm run package` runs without a build step).
export const FORMAT: string;
export function packageDirOf(file: string): string | undefined;
export function bundledPackageDirs(dist: string): string[];
export function dep5License(spdx: string): string;
export function copyrightLines(text: string): string[];
export function packageParagraph(root: string, dir: string): string;
export function copyrightFile(options: {
  root: string;
  pkg: { name: string; license: string };
  contact: string;
  dirs: string[];
}): string;
