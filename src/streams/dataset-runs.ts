import { runsStream } from "./runs.js";
import type { StreamDefinition } from "./types.js";

/**
 * Runs of each dataset, under `_embedded.report_runs` (docs/mode-api.md §3.0, §3.6, §7.4); the endpoint takes `page`
 * like report runs: paging, keys and replication are the runs stream's.
 */
export const datasetRunsStream: StreamDefinition = {
  ...runsStream,
  name: "dataset_runs",
  path: "/{workspace}/datasets/{dataset}/runs",
  parent: "datasets",
  contextFields: { dataset_token: "dataset" },
  description: "Runs (refreshes) of each dataset, incremental on updated_at or created_at.",
};
