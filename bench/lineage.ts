/**
 * Lineage throughput (issue 17): the query_tables derivation (Liquid, definitions, parsing) over the SQL of every
 * query and dataset query of the bench workspace, with the simulator's data sources and definitions as lookups, in
 * this process and without HTTP. Printed by `npm run bench` next to the sync's records/s and queries/s: derivation
 * must not become the bottleneck of an unthrottled sync. A figure, not a test.
 */
import { DATA_SOURCES_BY_ID, DEFINITIONS_BY_NAME, deriveQueryTables } from "../src/lineage/derive.js";
import { createLineageExtractor } from "../src/lineage/extract.js";
import { dataSourceBody, definitionBody } from "../src/simulator/bodies/management.js";
import { queryBody } from "../src/simulator/bodies/queries.js";
import { liveQueries } from "../src/simulator/bodies/reports.js";
import { WorkspaceModel } from "../src/simulator/model.js";
import { resolveOptions } from "../src/simulator/options.js";
import type { WorkspaceSize } from "../src/simulator/types.js";
import type { LookupTable } from "../src/lineage/derive.js";

export interface LineageBenchResult {
  readonly queries: number;
  /** Distinct SQL texts among them. */
  readonly distinctSql: number;
  /** Records derived (tables plus parse-error records). */
  readonly records: number;
  readonly parseErrors: number;
  /** Queries per second without a cache (every query parsed), wall clock and CPU. */
  readonly perSecond: number;
  readonly perCpuSecond: number;
  /** Queries per second with a 10,000-entry parse cache (copies of one SQL parsed once). */
  readonly perSecondCached: number;
}

function table(records: readonly Record<string, unknown>[], key: string): LookupTable {
  const index = new Map(records.map((r) => [String(r[key]), r]));
  return { get: (value) => index.get(value) };
}

/** Derives query_tables for every query of a workspace of `size` (seed `seed`), once uncached and once cached. */
export function lineageBench(seed: number, size: Partial<WorkspaceSize>): LineageBenchResult {
  const model = new WorkspaceModel(resolveOptions({ seed, size }));
  const world = model.world;
  const lookups = {
    [DATA_SOURCES_BY_ID]: table(
      Array.from({ length: world.size.dataSources }, (_, i) => dataSourceBody(world, i)),
      "id",
    ),
    [DEFINITIONS_BY_NAME]: table(
      Array.from({ length: world.size.definitions }, (_, i) => definitionBody(world, i)),
      "name",
    ),
  };
  const sources = [...world.state.reportsByToken.values()].flatMap((report) =>
    liveQueries(report).map((query) => ({
      stream: report.dataset ? "dataset_queries" : "queries",
      context: { [report.dataset ? "dataset" : "report"]: report.token },
      record: { ...queryBody(world, query), [report.dataset ? "dataset_token" : "report_token"]: report.token },
    })),
  );
  const run = (cacheSize: number): { seconds: number; cpu: number; records: Record<string, unknown>[] } => {
    const extractor = createLineageExtractor({ cacheSize });
    const records: Record<string, unknown>[] = [];
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    for (const source of sources) records.push(...deriveQueryTables(source, lookups, extractor));
    const cpu = process.cpuUsage(cpu0);
    return { seconds: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6, records };
  };
  const uncached = run(0);
  const cached = run(10_000);
  return {
    queries: sources.length,
    distinctSql: new Set(sources.map((s) => s.record.raw_query)).size,
    records: uncached.records.length,
    parseErrors: uncached.records.filter((r) => r.parse_error !== null).length,
    perSecond: sources.length / uncached.seconds,
    perCpuSecond: sources.length / uncached.cpu,
    perSecondCached: sources.length / cached.seconds,
  };
}
