import type { StreamContext } from "../streams/types.js";
import { createLineageExtractor, type LineageExtractor } from "./extract.js";

/**
 * query_tables records from one query record (issue 17): one per table the query reads or writes, and at most one
 * more carrying `parse_error` (table fields null) when some of its SQL could not be read. The data source's adapter
 * and the definitions come from the workspace-level streams the stream declares as lookups.
 */

/** Lookup names query_tables declares (src/streams/query-tables.ts). */
export const DATA_SOURCES_BY_ID = "data_sources_by_id";
export const DEFINITIONS_BY_NAME = "definitions_by_name";

/** `reference` of the record that carries a query's parse errors. */
export const ERROR_REFERENCE = "parse_error";

/** A lookup by key (the engine's indexes are ReadonlyMaps, which fit). */
export interface LookupTable {
  get(key: string): Readonly<Record<string, unknown>> | undefined;
}

export interface QuerySource {
  readonly stream?: string;
  readonly record: Readonly<Record<string, unknown>>;
  readonly context: StreamContext;
}

const str = (value: unknown): string | null =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : null;

/**
 * Derives the records; `extractor` is reused across calls when given (it keeps the loaded grammars), a fresh one is
 * made otherwise.
 */
export function deriveQueryTables(
  source: QuerySource,
  lookups: Readonly<Record<string, LookupTable>>,
  extractor: LineageExtractor = createLineageExtractor(),
): Record<string, unknown>[] {
  const { record, context } = source;
  const queryToken = str(record.token);
  if (queryToken === null) return [];
  const dataSourceId = str(record.data_source_id);
  const dataSource = dataSourceId === null ? undefined : lookups[DATA_SOURCES_BY_ID]?.get(dataSourceId);
  const definitions = lookups[DEFINITIONS_BY_NAME];
  const lineage = extractor.extract({
    sql: str(record.raw_query),
    adapter: str(dataSource?.adapter),
    definition: (name) => str(definitions?.get(name)?.source) ?? undefined,
  });
  const common = {
    query_token: queryToken,
    // Datasets are reports (Mode's DatasetReport): their token fills report_token as well.
    report_token: str(record.report_token) ?? str(record.dataset_token) ?? context.report ?? context.dataset ?? null,
    data_source_token: str(dataSource?.token),
    dialect: lineage.dialect,
  };
  const records: Record<string, unknown>[] = lineage.tables.map((t) => ({
    ...common,
    reference: `${t.operation} ${t.written}`,
    table_as_written: t.written,
    database: t.database,
    schema: t.schema,
    table: t.table,
    operation: t.operation,
    parse_error: null,
  }));
  if (lineage.errors.length > 0)
    records.push({
      ...common,
      reference: ERROR_REFERENCE,
      table_as_written: null,
      database: null,
      schema: null,
      table: null,
      operation: null,
      parse_error: lineage.errors.join("; "),
    });
  return records;
}
