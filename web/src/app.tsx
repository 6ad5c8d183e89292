/**
 * The shell: navigation, the live connection indicator and the page router.
 * Owns the live packet buffer so pages can come and go without losing it.
 */
import type { VNode } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { Api } from "./api.ts";
import { ClaimBanner } from "./components/claim-banner.tsx";
import { submitted } from "./components/submit.ts";
import { Ctx } from "./context.ts";
import { useTick } from "./hooks.ts";
import { LiveClient, type LiveState, PacketBuffer } from "./live.ts";
import type { GatewayIdentity, Packet } from "./model.ts";
import { AboutPage } from "./pages/about.tsx";
import { ChannelsPage } from "./pages/channels.tsx";
import { FeedPage } from "./pages/feed.tsx";
import { GraphPage } from "./pages/graph.tsx";
import { MapPage } from "./pages/map.tsx";
import { NodePage } from "./pages/node.tsx";
import { NodesPage } from "./pages/nodes.tsx";
import { OverviewPage } from "./pages/overview.tsx";
import { PacketPage } from "./pages/packet.tsx";
import { RadioPage } from "./pages/radio.tsx";
import { SearchPage } from "./pages/search.tsx";
import { SetupPage } from "./pages/setup.tsx";
import { href, parseHash, type Route } from "./router.ts";

/**
 * The navigation, in order. Another page is one entry here, one case in
 * router.ts and one in PAGES below.
 */
const NAV: readonly { page: Route["page"]; href: string; label: string }[] = [
  { page: "overview", href: "#/", label: "Overview" },
  { page: "feed", href: "#/feed", label: "Live feed" },
  { page: "nodes", href: "#/nodes", label: "Nodes" },
  { page: "map", href: "#/map", label: "Map" },
  { page: "graph", href: "#/graph", label: "Graph" },
  { page: "channels", href: "#/channels", label: "Channels" },
  { page: "radio", href: "#/radio", label: "Radio" },
  { page: "about", href: "#/about", label: "About" },
  { page: "setup", href: "#/setup", label: "Setup" },
];

/** Which nav entry a detail page belongs to. */
const SECTION: Partial<Record<Route["page"], Route["page"]>> = { packet: "feed", node: "nodes" };

export interface AppProps {
  readonly api: Api;
  readonly wsUrl: string;
  readonly backlog?: number;
}

export function App(props: AppProps) {
  const [route, setRoute] = useState<Route>(() => parseHash(location.hash));
  const [packets, setPackets] = useState<readonly Packet[]>([]);
  const [live, setLive] = useState<LiveState>({ kind: "connecting", attempt: 1 });
  const [backlog, setBacklog] = useState<"loading" | "ok" | "building" | "missing" | "error">(
    "loading",
  );

  useEffect(() => {
    const onHash = () => {
      setRoute(parseHash(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    const buf = new PacketBuffer(5000);
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let flush: ReturnType<typeof setTimeout> | null = null;
    const loadBacklog = async () => {
      const r = await props.api.packets(props.backlog ?? 500);
      if (!alive) return;
      setBacklog(
        r.kind === "ok"
          ? "ok"
          : r.kind === "building"
            ? "building"
            : r.kind === "missing"
              ? "missing"
              : "error",
      );
      if (r.kind === "ok" && buf.add(r.data)) setPackets(buf.all);
      if (r.kind === "building") timer = setTimeout(loadBacklog, r.retryAfterSec * 1000);
    };
    const client = new LiveClient(props.wsUrl, {
      onPacket: (p) => {
        // A busy mesh sends many packets a second: render at most 4 times a second.
        if (buf.add([p]) && flush === null)
          flush = setTimeout(() => {
            flush = null;
            setPackets(buf.all);
          }, 250);
      },
      onState: (s) => {
        setLive(s);
        // After a reconnect, fill the gap the outage left.
        if (s.kind === "open" && wasOpen) void loadBacklog();
        if (s.kind === "open") wasOpen = true;
      },
    });
    let wasOpen = false;
    client.start();
    void loadBacklog();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
      if (flush) clearTimeout(flush);
      client.stop();
    };
  }, [props.api, props.wsUrl, props.backlog]);

  const [gateway, setGateway] = useState<GatewayIdentity | null>(null);
  useEffect(() => {
    void props.api.health().then((r) => {
      if (r.kind === "ok") setGateway(r.data.gateway);
    });
  }, [props.api]);

  const ctx = useMemo(
    () => ({ api: props.api, packets, live, backlog }),
    [props.api, packets, live, backlog],
  );
  const section = SECTION[route.page] ?? route.page;

  return (
    <Ctx.Provider value={ctx}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          meshgate
        </a>
        {gateway?.name ? (
          <span class="gw-name" data-testid="header-gateway">
            {gateway.name}
            {gateway.regions.length ? (
              <span class="muted"> · {gateway.regions.join(", ")}</span>
            ) : null}
          </span>
        ) : null}
        <SearchBox />
        <nav class="pages" aria-label="Pages">
          {NAV.map((n) => (
            <a key={n.page} href={n.href} aria-current={section === n.page ? "page" : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <LiveBadge state={live} />
      </header>
      <main id="main" tabIndex={-1}>
        <ClaimBanner page={route.page} />
        <Page route={route} />
      </main>
    </Ctx.Provider>
  );
}

function SearchBox() {
  const [q, setQ] = useState("");
  return (
    <form
      class="search"
      aria-label="Search"
      onSubmit={submitted(() => {
        if (q.trim()) location.hash = href({ page: "search", q: q.trim() });
      })}
    >
      <input
        type="search"
        aria-label="Search nodes by name or key, or packets by hash"
        placeholder="node, key or packet hash"
        maxLength={64}
        value={q}
        onInput={(e) => setQ((e.target as HTMLInputElement).value)}
      />
    </form>
  );
}

function LiveBadge(props: { state: LiveState }) {
  const now = useTick(1000);
  const s = props.state;
  if (s.kind === "open") {
    return (
      <span class="live ok" data-live="open" role="status" title="Live updates connected">
        live
      </span>
    );
  }
  const text =
    s.kind === "closed"
      ? `stale: reconnecting in ${Math.max(0, Math.ceil((s.retryAt - now) / 1000))}s`
      : s.kind === "connecting"
        ? s.attempt > 1
          ? "stale: reconnecting…"
          : "connecting…"
        : "stopped";
  return (
    <span
      class="live stale"
      data-live={s.kind}
      role="status"
      title="Live updates are disconnected; data shown may be out of date"
    >
      {text}
    </span>
  );
}

/** What each route shows: a page's view from its route's fields. */
const PAGES: { [P in Route["page"]]: (r: Extract<Route, { page: P }>) => VNode } = {
  overview: () => <OverviewPage />,
  feed: () => <FeedPage />,
  packet: (r) => <PacketPage hash={r.hash} />,
  nodes: () => <NodesPage />,
  node: (r) => <NodePage key={r.key} nodeKey={r.key} />,
  map: () => <MapPage />,
  graph: () => <GraphPage />,
  channels: (r) => <ChannelsPage channel={r.channel} />,
  radio: () => <RadioPage />,
  about: () => <AboutPage />,
  setup: () => <SetupPage />,
  search: (r) => <SearchPage key={r.q} q={r.q} />,
  notfound: (r) => (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page “{r.path}”. <a href="#/">Go to the overview</a>.
      </p>
    </section>
  ),
};

function Page(props: { route: Route }) {
  // The table pairs each page with its own route type; TypeScript cannot follow that through an index.
  const view = PAGES[props.route.page] as (r: Route) => VNode;
  return view(props.route);
}
