import { READ_WITH_PARENT } from "./read-with-parent.js";
import type { StreamDefinition } from "./types.js";

/** Filters of each report; the list key is `report_filters`, not the path segment (docs/mode-api.md §3.14, §7.5). */
export const reportFiltersStream: StreamDefinition = {
  ...READ_WITH_PARENT,
  name: "report_filters",
  path: "/{workspace}/reports/{report}/filters",
  embeddedKey: "report_filters",
  paged: false,
  parent: "reports",
  contextFields: { report_token: "report" },
  description: "Filters defined on each report; incremental: re-read only for changed reports.",
};
