import { DISCOVERY_LIST, includeSpaces } from "./discovery-list.js";
import type { StreamDefinition } from "./types.js";

/**
 * View counts, schedules and editors of every report from the Discovery API
 * (https://mode.com/developer/discovery-api/analytics/report-stats/); no REST endpoint has view counts per report
 * over time. Rows have no token of their own: the report's token is the key. Mode's Swagger calls the view count
 * `view_count`, its docs' example `total_views_count`: both are kept as sent, and `view_count` is filled from
 * `total_views_count` when only that one arrives.
 */
export const discoveryReportStatsStream: StreamDefinition = {
  ...DISCOVERY_LIST,
  name: "discovery_report_stats",
  path: "/{workspace}/report_stats",
  embeddedKey: "report_stats",
  keyProperties: ["report_token"],
  query: includeSpaces,
  transform: (raw) =>
    raw.view_count === undefined && raw.total_views_count !== undefined
      ? { ...raw, view_count: raw.total_views_count }
      : { ...raw },
  description: "View counts, schedules, explorations and editors of every report from the Discovery API; opt-in.",
};
