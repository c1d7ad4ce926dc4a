import type { StreamDefinition } from "./types.js";

/** Filters of each report; the list key is `report_filters`, not the path segment (mode-api notes §3.14, §7.5). */
export const reportFiltersStream: StreamDefinition = {
  name: "report_filters",
  path: "/{workspace}/reports/{report}/filters",
  kind: "list",
  embeddedKey: "report_filters",
  paged: false,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  parent: "reports",
  contextFields: { report_token: "report" },
  tolerate: [404],
  selectedByDefault: true,
  description: "Filters defined on each report; incremental: re-read only for changed reports.",
};
