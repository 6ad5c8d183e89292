/**
 * First-run claim. Until an admin credential exists the API is read-only; the
 * setup code the daemon logs (and `meshgate setup-code` prints) buys the
 * credential once. The claim is rate-limited per address and overall, so the
 * 50-bit code cannot be guessed within its hour.
 */
import type { AppContext } from "../context.ts";
import type { ClaimResponse, SetupStatus } from "../contract/setup.ts";
import { badParam, HttpError, unavailable } from "../http-error.ts";
import type { Route } from "../router.ts";
import { AuthRateLimiter } from "../security.ts";

const CLAIM_MESSAGES = {
  E_CLAIMED: [409, "this gateway is already claimed"],
  E_EXPIRED: [
    410,
    "the setup code expired: run `meshgate setup-code` on the gateway for a new one",
  ],
  E_BAD_CODE: [403, "wrong setup code"],
} as const;

export function setupRoutes(app: AppContext): Route[] {
  const perIp = new AuthRateLimiter({ maxFailures: 5, windowMs: 60_000, maxEntries: 1024 });
  const overall = new AuthRateLimiter({ maxFailures: 20, windowMs: 600_000, maxEntries: 1 });
  return [
    {
      method: "GET",
      path: "/api/setup/status",
      query: [],
      handle: async (): Promise<SetupStatus> => {
        const claimed =
          Boolean(app.deps.config.token) || (app.deps.providers?.admin?.claimed() ?? false);
        return {
          claimed,
          claimable: !claimed && app.deps.providers?.admin !== undefined,
          writable: app.deps.providers?.settings?.writable() ?? false,
        };
      },
    },
    {
      method: "POST",
      path: "/api/setup/claim",
      query: [],
      body: true,
      handle: async ({ req, body }): Promise<ClaimResponse> => {
        const admin = app.deps.providers?.admin;
        if (!admin) throw unavailable("claiming is not available in this process", null);
        if (app.deps.config.token)
          throw new HttpError(409, "E_CLAIMED", CLAIM_MESSAGES.E_CLAIMED[1]);
        const wait = Math.max(perIp.retryAfterSec(req.remoteAddress), overall.retryAfterSec("all"));
        if (wait > 0) {
          throw new HttpError(429, "E_RATE_LIMITED", "too many wrong setup codes; retry later", {
            headers: { "retry-after": String(wait) },
          });
        }
        const b = body as Record<string, unknown>;
        for (const k of Object.keys(b)) if (k !== "code") throw badParam(k, "unknown field");
        if (typeof b.code !== "string" || b.code.length < 1 || b.code.length > 64)
          throw badParam("code", "must be the setup code");
        const r = admin.claim(b.code);
        if (r.ok) {
          app.deps.log.info(
            "gateway claimed: the admin credential is stored (hashed) in the data directory",
          );
          return { token: r.token };
        }
        if (r.code !== "E_CLAIMED") {
          perIp.fail(req.remoteAddress);
          overall.fail("all");
          app.counters.authFailures++;
        }
        const [status, message] = CLAIM_MESSAGES[r.code];
        throw new HttpError(status, r.code, message);
      },
    },
  ];
}
