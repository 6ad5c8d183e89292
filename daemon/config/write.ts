/**
 * Writes a merge patch into the operator's YAML file without losing what
 * they wrote around the values: comments, key order, quoting and blank lines
 * stay, because the patch is applied to the parsed Document's nodes in place
 * (the `yaml` library's Document API) instead of re-serialising plain data.
 * The file is replaced atomically and the previous one kept as `<file>.bak`.
 */
import { constants } from "node:fs";
import { copyFile, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  visit,
  type YAMLMap,
} from "yaml";
import { ConfigError } from "../core/errors.ts";
import { applyMergePatch, isPlainObject, maskValue } from "./patch.ts";

export function parseConfigText(text: string, where: string): Document {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      `cannot parse config file ${where}`,
      doc.errors.map((e) => `${where}: ${e.message.split("\n")[0]}`),
    );
  }
  return doc;
}

/** Applies an RFC 7396 merge patch to the document's nodes in place. */
export function patchDocument(doc: Document, patch: Record<string, unknown>): void {
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
  patchMap(doc, doc.contents as YAMLMap, patch);
}

function patchMap(doc: Document, map: YAMLMap, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      map.delete(k);
      continue;
    }
    const cur = map.get(k, true) as Node | undefined;
    if (isPlainObject(v) && isMap(cur)) patchMap(doc, cur, v);
    else map.set(k, assign(doc, cur, isPlainObject(v) ? applyMergePatch({}, v) : v));
  }
}

/**
 * The node for `value`, reusing `cur` where the shapes agree so its comments
 * survive: scalars keep their node, sequences are updated item by item, and
 * mappings inside replaced values keep the keys still present.
 */
function assign(doc: Document, cur: Node | undefined, value: unknown): Node {
  if (Array.isArray(value) && isSeq(cur)) {
    const items = cur.items as Node[];
    const wasEmpty = items.length === 0;
    value.forEach((v, i) => {
      items[i] = assign(doc, items[i], v);
    });
    items.length = value.length;
    // `radios: []` written as flow becomes a block list once it has items.
    if (wasEmpty && items.length > 0) cur.flow = false;
    return cur;
  }
  if (isPlainObject(value) && isMap(cur)) {
    for (const pair of [...cur.items]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!(key in value)) cur.delete(pair.key);
    }
    for (const [k, v] of Object.entries(value))
      cur.set(k, assign(doc, cur.get(k, true) as Node, v));
    return cur;
  }
  if (isScalar(cur) && typeof cur.value === typeof value && !isPlainObject(value)) {
    cur.value = value;
    return cur;
  }
  const node = doc.createNode(value) as Node;
  if (cur) {
    // A value of another type: a new node, with the old one's comments.
    node.commentBefore = cur.commentBefore;
    node.comment = cur.comment;
  }
  return node;
}

/**
 * Replaces `path` with `text`: a temporary file in the same folder, fsynced,
 * then renamed over the old one (a crash leaves the old or the new file,
 * never half of one). The previous file is copied to `<path>.bak` first.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  let mode = 0o640;
  try {
    mode = (await stat(path)).mode & 0o777;
    await copyFile(path, `${path}.bak`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, mode);
    try {
      await fh.writeFile(text, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  // Make the rename itself durable.
  const dir = await open(dirname(path), "r").catch(() => null);
  await dir?.sync().catch(() => {});
  await dir?.close();
}

export async function readConfigDocument(path: string): Promise<Document> {
  return parseConfigText(await readFile(path, "utf8"), path);
}

/** Masks every secret in the document (the config download), comments kept. */
export function maskDocument(doc: Document): void {
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      const masked = maskValue(String(pair.key.value), pair.value.value);
      if (masked !== pair.value.value) pair.value.value = masked;
    },
  });
}
