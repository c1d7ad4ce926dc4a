import { auditLogsStream } from "./audit-logs.js";
import { chartsStream } from "./charts.js";
import { dataSourcesStream } from "./data-sources.js";
import { datasetQueriesStream } from "./dataset-queries.js";
import { datasetRunsStream } from "./dataset-runs.js";
import { datasetSchedulesStream } from "./dataset-schedules.js";
import { datasetsStream } from "./datasets.js";
import { definitionsStream } from "./definitions.js";
import { discoveryChartsStream } from "./discovery-charts.js";
import { discoveryMembersStream } from "./discovery-members.js";
import { discoveryQueriesStream } from "./discovery-queries.js";
import { discoveryReportStatsStream } from "./discovery-report-stats.js";
import { discoveryReportsStream } from "./discovery-reports.js";
import { discoverySpacesStream } from "./discovery-spaces.js";
import { groupMembershipsStream } from "./group-memberships.js";
import { groupsStream } from "./groups.js";
import { membershipsStream } from "./memberships.js";
import { queriesStream } from "./queries.js";
import { queryResultsStream } from "./query-results.js";
import { queryRunsStream } from "./query-runs.js";
import { queryTablesStream } from "./query-tables.js";
import { reportFiltersStream } from "./report-filters.js";
import { reportSchedulesStream } from "./report-schedules.js";
import { reportSubscriptionsStream } from "./report-subscriptions.js";
import { reportsStream } from "./reports.js";
import { runsStream } from "./runs.js";
import { spaceMembershipsStream } from "./space-memberships.js";
import { spacesStream } from "./spaces.js";
import type { StreamDefinition } from "./types.js";
import { workspacesStream } from "./workspaces.js";

/**
 * Every stream, parents before their children (the order the sync walks them and the catalog lists them).
 * A child's context is its parent's context merged with the parent's `childContext(record)`.
 */
export function streamDefinitions(): readonly StreamDefinition[] {
  return [
    workspacesStream,
    spacesStream,
    spaceMembershipsStream,
    reportsStream,
    queriesStream,
    chartsStream,
    reportFiltersStream,
    reportSchedulesStream,
    reportSubscriptionsStream,
    runsStream,
    queryRunsStream,
    queryResultsStream,
    datasetsStream,
    datasetQueriesStream,
    datasetRunsStream,
    datasetSchedulesStream,
    dataSourcesStream,
    definitionsStream,
    membershipsStream,
    groupsStream,
    groupMembershipsStream,
    auditLogsStream,
    queryTablesStream,
    // The Discovery ("batch") API of Enterprise workspaces (walk: "discovery-list"), opt-in.
    discoverySpacesStream,
    discoveryReportsStream,
    discoveryQueriesStream,
    discoveryChartsStream,
    discoveryMembersStream,
    discoveryReportStatsStream,
  ];
}

/** The definition named `name` (tap_stream_id), if there is one. */
export function findStream(
  name: string,
  definitions: readonly StreamDefinition[] = streamDefinitions(),
): StreamDefinition | undefined {
  return definitions.find((definition) => definition.name === name);
}
