/** What every page can reach: the API client and the live packet stream. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Api } from "./api.ts";
import type { LiveState } from "./live.ts";
import type { Packet } from "./model.ts";

export interface AppContext {
  readonly api: Api;
  /** Newest first, capped (see PacketBuffer). */
  readonly packets: readonly Packet[];
  readonly live: LiveState;
  /** Where the initial packet load stands (building/missing/error shown on the feed). */
  readonly backlog: "loading" | "ok" | "building" | "missing" | "error";
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const c = useContext(Ctx);
  if (!c) throw new Error("useApp outside <Ctx.Provider>");
  return c;
}
