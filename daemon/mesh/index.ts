/** Public surface of the mesh model: the service, its ports, adapters and answer shapes. */
export type { DutyPoint, TalkerView } from "./activity.ts";
export { advertFromRaw, observationFromInput, observationFromRow } from "./adapter.ts";
export type { Range } from "./analytics.ts";
export type { EdgeView } from "./links.ts";
export {
  type GatewayIdentity,
  MeshModel,
  type MeshModelOptions,
  type MeshSizes,
  type MeshSource,
  type RebuildOptions,
  TABLES_META_KEY,
} from "./model.ts";
export type { HealthStatus, NodeHealth } from "./nodes.ts";
export { type PathHop, type PathQuery, resolveHops } from "./paths.ts";
export type { MeshTablesPort } from "./persist.ts";
export type {
  AnalyticsKind,
  AnalyticsResult,
  CollisionReport,
  GraphOptions,
  GraphView,
  MeshSummary,
  NodeDetail,
} from "./queries.ts";
export {
  Scheduler,
  type TaskBody,
  TaskCancelledError,
  type TaskHandle,
  type TaskProgress,
} from "./scheduler.ts";
export type { MeshConfig, MeshObservation } from "./types.ts";
