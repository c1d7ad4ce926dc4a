import type { WorkspaceSize } from "../src/simulator/types.js";

/**
 * The medium workspace of issue 9: 5 spaces × 200 reports × 3 queries × 2 charts, 20 runs per report (each run has
 * one query run per query), one filter, schedule and subscription per report, one dataset per space. `scale`
 * multiplies the reports per space (10 → 5 × 2,000 reports).
 */
export function mediumWorkspace(scale = 1): Partial<WorkspaceSize> {
  return {
    spaces: 5,
    personalSpaces: 0,
    emptySpaces: 0,
    reportsPerSpace: Math.max(1, Math.round(200 * scale)),
    datasetsPerSpace: 1,
    queriesPerReport: 3,
    chartsPerQuery: 2,
    runsPerReport: 20,
    schedulesPerReport: 1,
    filtersPerReport: 1,
    subscriptionsPerReport: 1,
  };
}

/** One line describing a workspace size for the report header. */
export function describeWorkspace(size: Partial<WorkspaceSize>): string {
  const reports = (size.spaces ?? 0) * (size.reportsPerSpace ?? 0);
  return (
    `${size.spaces} spaces × ${size.reportsPerSpace} reports × ${size.queriesPerReport} queries × ` +
    `${size.chartsPerQuery} charts, ${size.runsPerReport} runs per report (${reports.toLocaleString("en")} ` +
    `reports)`
  );
}
