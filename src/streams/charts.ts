import { READ_WITH_PARENT } from "./read-with-parent.js";
import type { StreamDefinition } from "./types.js";

/** Charts of each query (docs/mode-api.md §3.5). Charts have no `id`; the token is the key. */
export const chartsStream: StreamDefinition = {
  ...READ_WITH_PARENT,
  name: "charts",
  path: "/{workspace}/reports/{report}/queries/{query}/charts",
  embeddedKey: "charts",
  paged: false,
  parent: "queries",
  contextFields: { report_token: "report", query_token: "query" },
  description:
    "Charts of each query, with their visualisation settings; incremental: re-read only for changed reports.",
};
