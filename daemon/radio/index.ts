export type { BackoffOptions } from "./backoff.ts";
export { RadioManager, type RadioManagerDeps } from "./manager.ts";
export { RadioCommandError } from "./requests.ts";
export type { ChannelRef, RadioConfig, RadioLink } from "./types.ts";
