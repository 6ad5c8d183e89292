/**
 * Setup: the first-run claim (the setup code the daemon logged buys the admin
 * token), signing in with a token on another browser, then the settings.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { SetupStatus } from "../../../daemon/http/contract/setup.ts";
import { AdminApi } from "../admin.ts";
import { submitted } from "../components/submit.ts";
import { SettingsView } from "./settings.tsx";

export function SetupPage() {
  const admin = useMemo(() => new AdminApi(), []);
  const [status, setStatus] = useState<SetupStatus | "loading" | string>("loading");
  const [token, setToken] = useState(admin.token());
  const reload = async () => {
    const r = await admin.status();
    setStatus(r.ok ? r.data : r.message);
  };
  useEffect(() => {
    void reload();
  }, []);
  const signIn = (t: string | null) => {
    admin.setToken(t);
    setToken(t);
    void reload();
  };

  if (status === "loading") return <p class="muted">Loading…</p>;
  if (typeof status === "string")
    return (
      <p class="notice error" role="alert">
        Could not reach the gateway: {status}
      </p>
    );
  return (
    <section>
      <h1>Setup</h1>
      {!status.claimed ? (
        <ClaimForm admin={admin} onClaimed={signIn} />
      ) : !token ? (
        <TokenForm onToken={signIn} />
      ) : (
        <>
          <p class="muted">
            Signed in as admin on this browser.{" "}
            <button type="button" onClick={() => signIn(null)}>
              Sign out
            </button>
          </p>
          {status.writable ? null : (
            <p class="notice warn">
              Settings cannot be saved: meshgate needs a config file (<code>--config PATH</code>)
              that it may write, in a folder it may write (see docs/setup.md).
            </p>
          )}
          <SettingsView admin={admin} onUnauthorized={() => signIn(null)} />
        </>
      )}
    </section>
  );
}

function ClaimForm(props: { admin: AdminApi; onClaimed: (token: string) => void }) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const submit = submitted(async () => {
    setError(null);
    const r = await props.admin.claim(code.trim());
    if (r.ok) setToken(r.data.token);
    else setError(r.message);
  });
  if (token)
    return (
      <div class="card" data-step="claimed">
        <h2>Claimed</h2>
        <p>
          This browser is now the gateway's admin. Keep this token to sign in from another browser;
          it is shown only once:
        </p>
        <p>
          <code class="key" data-testid="admin-token">
            {token}
          </code>
        </p>
        <button type="button" onClick={() => props.onClaimed(token)}>
          Continue to settings
        </button>
      </div>
    );
  return (
    <form class="card" onSubmit={submit} data-step="claim">
      <h2>Claim this gateway</h2>
      <p>
        Until it is claimed the gateway is read-only. Enter the setup code from its log, or run{" "}
        <code>meshgate setup-code</code> on the gateway.
      </p>
      <label>
        Setup code{" "}
        <input
          name="code"
          autoComplete="off"
          maxLength={64}
          value={code}
          onInput={(e) => setCode((e.target as HTMLInputElement).value)}
        />
      </label>{" "}
      <button type="submit" disabled={code.trim().length === 0}>
        Claim
      </button>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function TokenForm(props: { onToken: (t: string) => void }) {
  const [token, setToken] = useState("");
  return (
    <form
      class="card"
      onSubmit={submitted(() => {
        if (token.trim()) props.onToken(token.trim());
      })}
    >
      <h2>Sign in</h2>
      <p>This gateway is claimed. Paste its admin token (or the configured http.token).</p>
      <input
        type="password"
        name="token"
        aria-label="Admin token"
        autoComplete="off"
        value={token}
        onInput={(e) => setToken((e.target as HTMLInputElement).value)}
      />{" "}
      <button type="submit">Sign in</button>
    </form>
  );
}
