import type { StreamDefinition } from "./types.js";

/**
 * Runs of each dataset, under `_embedded.report_runs` (mode-api notes §3.0, §3.6, §7.4); the endpoint takes `page`
 * like report runs.
 */
export const datasetRunsStream: StreamDefinition = {
  name: "dataset_runs",
  path: "/{workspace}/datasets/{dataset}/runs",
  kind: "list",
  embeddedKey: "report_runs",
  paged: true,
  perPage: 100,
  cursor: "page",
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  parent: "datasets",
  contextFields: { dataset_token: "dataset" },
  tolerate: [404],
  selectedByDefault: true,
  description: "Runs (refreshes) of each dataset.",
};
