import type { StreamDefinition } from "./types.js";

/**
 * What every child list read with its parent shares (queries, charts, filters, schedules, subscriptions, query runs):
 * items keyed by token; no replication key of their own, because the walk re-reads them only when the parent changed
 * (a report's updated_at moved, or a run is new; src/sync/strategies/versioned-parent.ts, run-partitioned.ts), which
 * INCREMENTAL means here while FULL_TABLE re-reads them all; a 404 means the parent went away between listing and
 * fetching (docs/mode-api.md §7.12) and skips that list with a warning.
 */
export const READ_WITH_PARENT = {
  walk: "with-parent",
  kind: "list",
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  tolerate: [404],
  selectedByDefault: true,
} as const satisfies Partial<StreamDefinition>;
