import { READ_WITH_PARENT } from "./read-with-parent.js";
import type { StreamDefinition } from "./types.js";

/** Refresh schedules of each dataset, under `_embedded.report_schedules` (docs/mode-api.md §3.0, §7.4). */
export const datasetSchedulesStream: StreamDefinition = {
  ...READ_WITH_PARENT,
  name: "dataset_schedules",
  path: "/{workspace}/datasets/{dataset}/schedules",
  embeddedKey: "report_schedules",
  paged: false,
  parent: "datasets",
  contextFields: { dataset_token: "dataset" },
  description: "Refresh schedules of each dataset; incremental: re-read only for changed datasets.",
};
