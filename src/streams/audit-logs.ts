import type { StreamDefinition } from "./types.js";

/**
 * Audit log events (docs/mode-api.md §3.15): admin only (403 otherwise), `start_timestamp` and `end_timestamp` are
 * required (the window: from the bookmark, or start_date, or 30 days back on a first sync, to the sync's start), and
 * pages follow the `next_token` cursor. Not selected by default: it needs admin rights and can be large.
 */
export const auditLogsStream: StreamDefinition = {
  name: "audit_logs",
  walk: "time-window",
  path: "/{workspace}/audit_logs",
  kind: "list",
  embeddedKey: "audit_logs",
  paged: true,
  cursor: "next_token",
  keyProperties: ["id"],
  validReplicationKeys: ["timestamp"],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  defaultReplicationKey: "timestamp",
  window: { startParam: "start_timestamp", endParam: "end_timestamp", defaultLookbackDays: 30 },
  contextFields: {},
  tolerate: [403],
  selectedByDefault: false,
  description: "Audit log events of the workspace (admin only), incremental on timestamp; opt-in.",
};
