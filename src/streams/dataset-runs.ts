import { tokenOf } from "./tokens.js";
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
  validReplicationKeys: ["created_at", "updated_at"],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  defaultReplicationKey: "updated_at",
  parent: "datasets",
  contextFields: { dataset_token: "dataset" },
  childContext: (record) => ({ run: tokenOf(record) }),
  tolerate: [404],
  selectedByDefault: true,
  description: "Runs (refreshes) of each dataset, incremental on updated_at or created_at.",
};
