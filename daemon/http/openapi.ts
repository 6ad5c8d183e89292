/**
 * The published API description (OpenAPI 3.1). Written by hand, not generated
 * from the routes, so test/http/openapi.test.ts can hold the two against each
 * other: every route documented, every documented path served, the same
 * query parameters on both sides, and real responses valid against the schemas.
 */

import { type Obj, ref } from "./openapi-blocks.ts";
import { paths } from "./openapi-paths.ts";
import { schemas } from "./openapi-schemas.ts";
import { configPatch, setupPaths } from "./openapi-setup.ts";

const errorResponse = (description: string): Obj => ({
  description,
  content: { "application/json": { schema: ref("Error") } },
});

export function openApiDocument(version: string): Obj {
  return {
    openapi: "3.1.0",
    info: {
      title: "meshgate API",
      version,
      description:
        "Read-only by default. Actions need `Authorization: Bearer <http.token>`; with no token configured they answer 403. Live updates: WebSocket /ws (see docs/api.md).",
    },
    paths: {
      ...paths,
      ...setupPaths,
      "/api/config": { ...(paths["/api/config"] as Obj), patch: configPatch },
    },
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      responses: {
        E400: errorResponse("A parameter or the body is invalid; `param` names it"),
        E401: errorResponse("Missing or wrong bearer token"),
        E403: errorResponse("Actions are disabled (no http.token configured)"),
        E404: errorResponse("Not found"),
        E413: errorResponse("Body larger than http.maxBodyBytes"),
        E415: errorResponse("Body is not application/json"),
        E429: errorResponse("Too many failed authentications from this address; see Retry-After"),
        E502: errorResponse("The radio or service refused the action"),
        E503: errorResponse(
          "Not available yet (index building: see Retry-After and progress) or not wired",
        ),
      },
    },
  };
}
