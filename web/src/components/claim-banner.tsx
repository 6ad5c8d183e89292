/**
 * While nobody has claimed the gateway (no admin credential yet), every page
 * says so and links to the claim: until then anyone on the network who has
 * the setup code could take it over, and the owner cannot change a setting.
 * Checked again on each page change, so the banner goes once the claim is made.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { AdminApi } from "../admin.ts";

export function ClaimBanner(props: { page: string }) {
  const admin = useMemo(() => new AdminApi(), []);
  const [claimable, setClaimable] = useState(false);
  useEffect(() => {
    let alive = true;
    void admin.status().then((r) => {
      if (alive) setClaimable(r.ok && r.data.claimable);
    });
    return () => {
      alive = false;
    };
  }, [admin, props.page]);
  if (!claimable || props.page === "setup") return null;
  return (
    <p class="notice warn claim" role="status" data-testid="claim-banner">
      This gateway is not claimed yet, so its settings cannot be changed.{" "}
      <a href="#/setup">Claim it with the setup code</a>.
    </p>
  );
}
