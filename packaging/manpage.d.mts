// Types for packaging/manpage.mjs (plain JavaScript: `npm run package` runs without a build step).
export interface HelpEntry {
  term: string;
  text: string[];
}
export interface HelpSection {
  name: string;
  entries: HelpEntry[];
  text: string[];
}
export function roff(text: string): string;
export function parseHelp(help: string): {
  version: string;
  summary: string;
  usage: string;
  sections: HelpSection[];
};
export function manPage(options: {
  help: string;
  subcommands?: Record<string, string>;
  date: string;
  files?: [string, string][];
}): string;
export function helpTexts(
  nodeBinary: string,
  bundle: string,
): { help: string; subcommands: Record<string, string> };
