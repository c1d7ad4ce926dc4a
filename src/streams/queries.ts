import { tokenOf } from "./tokens.js";
import { READ_WITH_PARENT } from "./read-with-parent.js";
import type { StreamDefinition } from "./types.js";

/**
 * Queries of each report, under `_embedded.queries` (docs/mode-api.md §3.4). The endpoint ignores `page` and returns
 * the whole list every time (docs/mode-api.md §2.4, §7.9), so it is read unpaged. A report deleted between the report
 * list and this call answers 404: skipped with a warning (docs/house-style.md §6).
 */
export const queriesStream: StreamDefinition = {
  ...READ_WITH_PARENT,
  name: "queries",
  path: "/{workspace}/reports/{report}/queries",
  embeddedKey: "queries",
  paged: false,
  parent: "reports",
  contextFields: { report_token: "report" },
  childContext: (record) => ({ query: tokenOf(record) }),
  description: "Queries (SQL) of each report; incremental: re-read only for reports whose updated_at moved.",
};
