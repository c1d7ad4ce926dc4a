import type { StreamDefinition } from "./types.js";

/** Schedules of each report, under `_embedded.report_schedules`; the endpoint takes `page` (mode-api notes §3.0, §3.12). */
export const reportSchedulesStream: StreamDefinition = {
  name: "report_schedules",
  path: "/{workspace}/reports/{report}/schedules",
  kind: "list",
  embeddedKey: "report_schedules",
  paged: true,
  cursor: "page",
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  parent: "reports",
  contextFields: { report_token: "report" },
  tolerate: [404],
  selectedByDefault: true,
  description: "Run schedules of each report; incremental: re-read only for changed reports.",
};
