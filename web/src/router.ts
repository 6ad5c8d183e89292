/**
 * Hash routing: `#/feed`, `#/nodes/<key>`, ... Hash routes need no server
 * support, so every page of the UI is a bookmarkable link that the daemon
 * serves from one index.html.
 */

export type Route =
  | { readonly page: "overview" }
  | { readonly page: "feed" }
  | { readonly page: "packet"; readonly hash: string }
  | { readonly page: "nodes" }
  | { readonly page: "node"; readonly key: string }
  | { readonly page: "map" }
  | { readonly page: "graph" }
  | { readonly page: "channels"; readonly channel: string | null }
  | { readonly page: "radio" }
  | { readonly page: "about" }
  | { readonly page: "setup" }
  | { readonly page: "search"; readonly q: string }
  | { readonly page: "notfound"; readonly path: string };

/** Route segments are bounded so a hostile link cannot make huge requests. */
const MAX_SEGMENT = 128;

function segment(s: string | undefined): string | null {
  if (s === undefined || s === "") return null;
  let out: string;
  try {
    out = decodeURIComponent(s);
  } catch {
    return null;
  }
  return out.length > MAX_SEGMENT ? null : out;
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/^\/+/, "").replace(/\/+$/, "");
  const parts = path.split("/");
  const head = parts[0] ?? "";
  const arg = segment(parts[1]);
  switch (head) {
    case "":
    case "overview":
      return { page: "overview" };
    case "feed":
      return { page: "feed" };
    case "packets":
      return arg && /^[0-9a-fA-F]{1,64}$/.test(arg)
        ? { page: "packet", hash: arg.toLowerCase() }
        : { page: "feed" };
    case "nodes":
      return arg && /^[0-9a-fA-F]{1,64}$/.test(arg)
        ? { page: "node", key: arg.toUpperCase() }
        : { page: "nodes" };
    case "map":
      return { page: "map" };
    case "graph":
      return { page: "graph" };
    case "channels":
      return { page: "channels", channel: arg };
    case "radio":
      return { page: "radio" };
    case "about":
      return { page: "about" };
    case "setup":
      return { page: "setup" };
    case "search":
      return { page: "search", q: (arg ?? "").slice(0, 64) };
    default:
      return { page: "notfound", path: path.slice(0, MAX_SEGMENT) };
  }
}

export function href(route: Route): string {
  switch (route.page) {
    case "overview":
      return "#/";
    case "packet":
      return `#/packets/${encodeURIComponent(route.hash)}`;
    case "node":
      return `#/nodes/${encodeURIComponent(route.key)}`;
    case "channels":
      return route.channel ? `#/channels/${encodeURIComponent(route.channel)}` : "#/channels";
    case "search":
      return `#/search/${encodeURIComponent(route.q)}`;
    case "notfound":
      return "#/";
    default:
      return `#/${route.page}`;
  }
}

export const nodeHref = (key: string): string => href({ page: "node", key });
export const packetHref = (hash: string): string => href({ page: "packet", hash });
