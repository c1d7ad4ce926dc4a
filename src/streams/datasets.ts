import { tokenOf } from "./tokens.js";
import { reportsStream } from "./reports.js";
import type { StreamDefinition } from "./types.js";

/**
 * Datasets of each space. A dataset is a report with `type: "DatasetReport"`, listed under `_embedded.reports`, not
 * `datasets` (docs/mode-api.md §3.13, §7.4). Same filters as reports (`filter`, `order`, `order_by`;
 * docs/mode-api.md §2.5), so incremental on `updated_at`: everything but the path and the token's name is the reports
 * stream's.
 */
export const datasetsStream: StreamDefinition = {
  ...reportsStream,
  name: "datasets",
  path: "/{workspace}/spaces/{space}/datasets",
  childContext: (record) => ({ dataset: tokenOf(record) }),
  // After reports and spaces: a dataset total never stands for the whole sync's progress.
  progressEstimate: 3,
  description: "Datasets of each space (reports of type DatasetReport), incremental on updated_at.",
};
