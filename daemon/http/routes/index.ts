/** Every route of the API, in one list (the OpenAPI test walks it). */
import type { AppContext } from "../context.ts";
import type { Metrics } from "../metrics.ts";
import { Reply, type Route } from "../router.ts";
import { actionRoutes } from "./actions.ts";
import { configRoutes } from "./config.ts";
import { healthRoutes } from "./health.ts";
import { mapRoutes } from "./map.ts";
import { miscRoutes } from "./misc.ts";
import { nodeRoutes } from "./nodes.ts";
import { packetRoutes } from "./packets.ts";
import { setupRoutes } from "./setup.ts";
import { systemRoutes } from "./system.ts";

export function allRoutes(app: AppContext, metrics: Metrics, openapi: () => unknown): Route[] {
  return [
    ...healthRoutes(app, openapi),
    ...packetRoutes(app),
    ...nodeRoutes(app),
    ...miscRoutes(app),
    ...mapRoutes(app),
    ...actionRoutes(app),
    ...setupRoutes(app),
    ...configRoutes(app),
    ...systemRoutes(app),
    {
      method: "GET",
      path: "/metrics",
      query: [],
      handle: async () =>
        new Reply(
          200,
          await metrics.render(),
          { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
          true,
        ),
    },
  ];
}
