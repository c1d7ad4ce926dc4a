import { DATA_SOURCES_BY_ID, DEFINITIONS_BY_NAME, deriveQueryTables } from "../lineage/derive.js";
import { createLineageExtractor } from "../lineage/extract.js";
import type { StreamDefinition } from "./types.js";

/**
 * Tables each query reads or writes (issue 17, docs/lineage.md): derived from the SQL of the queries and dataset
 * queries the sync already reads, with no request of its own, so it is incremental exactly when they are. The data
 * source's adapter picks the SQL dialect; `{{ @definition }}` references are expanded from the definitions. Not
 * selected by default: it costs CPU (parsing), and most syncs do not need it.
 */
export const queryTablesStream: StreamDefinition = {
  name: "query_tables",
  path: null,
  kind: "list",
  walk: "derived",
  derivedFrom: ["queries", "dataset_queries"],
  lookups: ["data_sources", "definitions"],
  // One extractor per sync: it keeps node-sql-parser's loaded grammars (about 0.4 ms to build each time).
  createDerive: () => {
    const extractor = createLineageExtractor();
    return (record, context, lookups) =>
      deriveQueryTables(
        { record, context },
        {
          [DATA_SOURCES_BY_ID]: lookups.index("data_sources", "id"),
          [DEFINITIONS_BY_NAME]: lookups.index("definitions", "name"),
        },
        extractor,
      );
  },
  // A query whose SQL cannot be parsed yields one record with the reason in parse_error (issue 17): counted, not fatal.
  problemField: { field: "parse_error", summary: "queries whose SQL could not be parsed" },
  paged: false,
  keyProperties: ["query_token", "reference"],
  validReplicationKeys: [],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  parent: "queries",
  contextFields: {},
  selectedByDefault: false,
  description:
    "Tables each query (and dataset query) reads or writes, parsed from its SQL after Liquid and definitions; opt-in.",
};
