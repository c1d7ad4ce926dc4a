/**
 * The Mode API simulator: a faithful local stand-in for `app.mode.com/api` (docs/mode-api.md §11),
 * used by the demo, every end-to-end test and the benchmarks.
 */
export { startSimulator, type RunningSimulator } from "./server.js";
export { WorkspaceModel } from "./model.js";
export { DEFAULT_SIZE, DEFAULT_RATE_LIMIT } from "./options.js";
export { AUDIT_LOG_PAGE_SIZE } from "./bodies/audit-logs.js";
export { PagePolicies } from "./listing.js";
export type { Truth } from "./truth.js";
export type {
  FaultKind,
  FaultOptions,
  MinimalRequests,
  MinimalRequestsOptions,
  Mutation,
  MutationResult,
  RateLimitOptions,
  SimulatorOptions,
  SimulatorQuirks,
  SimulatorStats,
  WorkspaceSize,
} from "./types.js";
