import type { StreamDefinition } from "./types.js";

/** Refresh schedules of each dataset, under `_embedded.report_schedules` (mode-api notes §3.0, §7.4). */
export const datasetSchedulesStream: StreamDefinition = {
  name: "dataset_schedules",
  path: "/{workspace}/datasets/{dataset}/schedules",
  kind: "list",
  embeddedKey: "report_schedules",
  paged: false,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  parent: "datasets",
  contextFields: { dataset_token: "dataset" },
  tolerate: [404],
  selectedByDefault: true,
  description: "Refresh schedules of each dataset; incremental: re-read only for changed datasets.",
};
