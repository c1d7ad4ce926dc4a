import type { StreamDefinition } from "../../streams/types.js";

/**
 * The streams the report results walk reads through: the results stream itself and, up its parent chain, the query
 * runs, runs and reports lists (query_results -> query_runs -> runs -> reports), so nothing here names a stream.
 */
export interface ResultStreams {
  /** The results stream (its records, its bookmark). */
  readonly results: string;
  readonly queryRuns: StreamDefinition;
  readonly runs: StreamDefinition;
  readonly reports: StreamDefinition;
}

export function resultStreams(
  definition: StreamDefinition,
  definitions: ReadonlyMap<string, StreamDefinition>,
): ResultStreams {
  const parentOf = (d: StreamDefinition, role: string): StreamDefinition => {
    const parent = d.parent === undefined ? undefined : definitions.get(d.parent);
    if (parent === undefined)
      throw new Error(`internal: results stream ${definition.name} has no ${role} stream up its parent chain`);
    return parent;
  };
  const queryRuns = parentOf(definition, "query runs");
  const runs = parentOf(queryRuns, "runs");
  const reports = parentOf(runs, "reports");
  return { results: definition.name, queryRuns, runs, reports };
}
