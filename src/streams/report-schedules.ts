import { READ_WITH_PARENT } from "./read-with-parent.js";
import type { StreamDefinition } from "./types.js";

/**
 * Schedules of each report, under `_embedded.report_schedules`; the endpoint takes `page`
 * (docs/mode-api.md §3.0, §3.12).
 */
export const reportSchedulesStream: StreamDefinition = {
  ...READ_WITH_PARENT,
  name: "report_schedules",
  path: "/{workspace}/reports/{report}/schedules",
  embeddedKey: "report_schedules",
  paged: true,
  cursor: "page",
  parent: "reports",
  contextFields: { report_token: "report" },
  description: "Run schedules of each report; incremental: re-read only for changed reports.",
};
