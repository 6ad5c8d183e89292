// meshgate(8), generated when the package is built from the CLI's own help
// text (`meshgate --help` and `meshgate simulate --help` of the built
// bundle), so the manual never disagrees with the program. The help's
// layout is: "meshgate VERSION - summary", "Usage: ...", then sections
// ("Commands:", "Options:") of entries indented by two spaces whose
// descriptions start after a run of spaces or continue on deeper-indented
// lines. Anything else becomes a paragraph.
import { execFileSync } from "node:child_process";

/** Escapes roff: backslashes, a leading control character, option dashes. */
export function roff(text) {
  return text
    .replace(/\\/g, "\\e")
    .replace(/^([.'])/, "\\&$1")
    .replace(
      /(^|[\s[(|/,])(-{1,2})(?=[A-Za-z])/g,
      (_m, pre, dashes) => pre + "\\-".repeat(dashes.length),
    );
}

/** A term such as "--config PATH" or "decode <hex>...": flags and commands bold, PLACEHOLDERS italic. */
function term(t, firstBold) {
  return t
    .split(/(\s+)/)
    .map((w, i) => {
      if (/^\s+$/.test(w) || w === "/") return w;
      if (w.startsWith("-") || (firstBold && i === 0)) return `\\fB${roff(w)}\\fR`;
      if (/^[A-Z][A-Z_]+$/.test(w)) return `\\fI${roff(w)}\\fR`;
      return roff(w);
    })
    .join("");
}

/** Parses the top-level help into its title, usage and sections of entries. */
export function parseHelp(help) {
  const lines = help.replace(/\s+$/, "").split("\n");
  const title = /^meshgate (\S+) - (.+)$/.exec(lines[0] ?? "");
  if (!title) throw new Error(`meshgate --help: unexpected first line "${lines[0]}"`);
  const out = { version: title[1], summary: title[2], usage: "", sections: [] };
  let section = null;
  let entry = null;
  for (const line of lines.slice(1)) {
    if (line.trim() === "") {
      entry = null;
      continue;
    }
    const usage = /^Usage: (.+)$/.exec(line);
    if (usage) {
      out.usage = usage[1];
      section = null;
      continue;
    }
    const heading = /^(\S.*):$/.exec(line);
    if (heading) {
      section = { name: heading[1], entries: [], text: [] };
      out.sections.push(section);
      entry = null;
      continue;
    }
    if (!section) {
      section = { name: "Description", entries: [], text: [] };
      out.sections.push(section);
    }
    const item = /^ {2}(\S(?:.*?\S)?)(?: {2,}(\S.*))?$/.exec(line);
    if (item) {
      entry = { term: item[1], text: item[2] ? [item[2]] : [] };
      section.entries.push(entry);
    } else if (entry && /^ {3,}\S/.test(line)) {
      entry.text.push(line.trim());
    } else {
      section.text.push(line.trim());
    }
  }
  if (!out.usage) throw new Error("meshgate --help: no Usage line");
  return out;
}

/** A subcommand's own help: usage lines and indented examples unfilled, the rest as paragraphs. */
function subcommandHelp(name, help) {
  const out = [`.SS "meshgate ${name}"`];
  let mode = "";
  for (const line of help.replace(/\s+$/, "").split("\n")) {
    const fixed = /^(Usage:|\s)/.test(line) && line.trim() !== "";
    if (line.trim() === "") {
      if (mode === "nf") out.push(".fi");
      mode = "";
      out.push(".PP");
      continue;
    }
    if (fixed && mode !== "nf") out.push(".nf");
    if (!fixed && mode === "nf") out.push(".fi");
    mode = fixed ? "nf" : "fill";
    out.push(roff(fixed ? line.replace(/^Usage: /, "") : line));
  }
  if (mode === "nf") out.push(".fi");
  return out;
}

/**
 * The man page source. `help` is `meshgate --help`'s output, `subcommands`
 * maps a command to its own --help output, `date` is YYYY-MM-DD, `files`
 * lists [path, what] pairs of the installed package.
 */
export function manPage({ help, subcommands = {}, date, files = [] }) {
  const h = parseHelp(help);
  const out = [
    `.TH MESHGATE 8 "${date}" "meshgate ${roff(h.version)}" "System Administration"`,
    ".SH NAME",
    `meshgate \\- ${roff(h.summary)}`,
    ".SH SYNOPSIS",
    term(h.usage, true),
  ];
  for (const s of h.sections) {
    out.push(`.SH ${s.name.toUpperCase()}`);
    for (const t of s.text) out.push(roff(t));
    for (const e of s.entries) {
      out.push(".TP", term(e.term, s.name === "Commands"), ...e.text.map(roff));
    }
  }
  const names = Object.keys(subcommands);
  if (names.length > 0) {
    out.push(".SH SUBCOMMAND OPTIONS");
    for (const name of names) out.push(...subcommandHelp(name, subcommands[name] ?? ""));
  }
  if (files.length > 0) {
    out.push(".SH FILES");
    for (const [path, what] of files) out.push(".TP", `.I ${roff(path)}`, roff(what));
  }
  out.push(".SH SEE ALSO", "\\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1)");
  return `${out.join("\n")}\n`;
}

/** Runs the built bundle for its help texts. */
export function helpTexts(nodeBinary, bundle) {
  const run = (...args) => execFileSync(nodeBinary, [bundle, ...args], { encoding: "utf8" });
  return { help: run("--help"), subcommands: { simulate: run("simulate", "--help") } };
}
