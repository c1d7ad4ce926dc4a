import { queriesStream } from "./queries.js";
import type { StreamDefinition } from "./types.js";

/**
 * Queries of each dataset: the SQL that defines it. Datasets are reports (`type: "DatasetReport"`,
 * docs/mode-api.md §3.13, §7.4), so their queries are read from the report path, as DataHub's connector does
 * (`/{ws}/reports/{dataset}/queries`, captured as dataset_queries_24f66e1701b6.json). Like a report's queries, the list
 * comes whole (docs/mode-api.md §2.4) and is re-read only when the dataset changed: the queries stream under another
 * parent.
 */
export const datasetQueriesStream: StreamDefinition = {
  ...queriesStream,
  name: "dataset_queries",
  path: "/{workspace}/reports/{dataset}/queries",
  parent: "datasets",
  contextFields: { dataset_token: "dataset" },
  description: "Queries (SQL) of each dataset; incremental: re-read only for datasets whose updated_at moved.",
};
