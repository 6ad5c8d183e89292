/**
 * Settings: the schema, what waits for a restart, PATCH (JSON merge patch,
 * every problem with its path) and the config file download (secrets masked).
 * GET /api/config itself lives with the other read routes (misc.ts).
 */
import { restartPaths } from "../../config/restart.ts";
import { CONFIG_SCHEMA } from "../../config/schema.ts";
import type { AppContext } from "../context.ts";
import type { ConfigPatchResponse, ConfigStatus } from "../contract/setup.ts";
import { HttpError, unavailable } from "../http-error.ts";
import { Reply, type Route } from "../router.ts";
import type { SettingsPort } from "../setup-ports.ts";

export function configRoutes(app: AppContext): Route[] {
  const settings = (): SettingsPort => {
    const s = app.deps.providers?.settings;
    if (!s) throw unavailable("settings are not available in this process", null);
    return s;
  };
  return [
    {
      method: "GET",
      path: "/api/config/schema",
      query: [],
      handle: async () => CONFIG_SCHEMA,
    },
    {
      method: "GET",
      path: "/api/config/status",
      query: [],
      auth: true,
      handle: async (): Promise<ConfigStatus> => {
        const s = settings();
        return {
          file: s.file(),
          writable: s.writable(),
          restartRequired: s.pendingRestart(),
          restartPaths: restartPaths(),
        };
      },
    },
    {
      method: "PATCH",
      path: "/api/config",
      query: [],
      auth: true,
      body: true,
      handle: async ({ body }): Promise<ConfigPatchResponse> => {
        const r = await settings().patch(body as Record<string, unknown>);
        if (r.ok) return { applied: r.applied, restartRequired: r.restartRequired };
        throw new HttpError(r.status, r.code, r.error, { extra: { problems: r.problems } });
      },
    },
    {
      method: "GET",
      path: "/api/config/file",
      query: [],
      auth: true,
      handle: async () =>
        new Reply(
          200,
          await settings().maskedFile(),
          {
            "content-type": "text/yaml; charset=utf-8",
            "content-disposition": 'attachment; filename="meshgate-config.yaml"',
          },
          true,
        ),
    },
  ];
}
