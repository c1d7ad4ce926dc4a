import type { JsonObject } from "../../json.js";
import { form, links } from "../hal.js";
import { pick } from "../random.js";
import { runCount, type QueryRunView, type RunView } from "../runs.js";
import { isoMs, isoOrNull } from "../time.js";
import { TokenKind } from "../tokens.js";
import { idValue, IdBase, type World } from "../world.js";
import { apiPath, memberOf, reportPath, userPath } from "./context.js";
import { queryAdapter, queryName, queryPath, queryRawSql } from "./queries.js";

/** Report runs (docs/mode-api.md §3.6), dataset runs and query runs (§3.7). */

function flags(run: RunView): JsonObject {
  const latest = run.report.latestSuccess;
  return {
    is_latest_report_run: run.index === runCount(run.report) - 1,
    is_latest_successful_report_run: latest !== null && latest.index === run.index,
    report_has_failures_since_last_success: run.report.failuresSinceSuccess,
    has_more_recent_successful_run_available: latest !== null && latest.index > run.index,
  };
}

export function runPath(world: World, run: RunView, ...rest: readonly string[]): string {
  return reportPath(world, run.report.token, "runs", run.token, ...rest);
}

function scheduleToken(world: World, run: RunView): string | null {
  return run.schedule === null ? null : world.tokens.make(TokenKind.schedule, run.report.serial * 256 + run.schedule);
}

/** A `ReportRun` (docs example key order, then the booleans svinstech/Airbyte saw). */
export function reportRunBody(world: World, run: RunView): JsonObject {
  const report = run.report;
  const ws = world.workspace;
  const schedule = scheduleToken(world, run);
  const latest = report.latestSuccess;
  const self = runPath(world, run);
  const reportSelf = reportPath(world, report.token);
  const web = `/${ws}/reports/${report.token}/runs/${run.token}`;
  const body: JsonObject = {
    token: run.token,
    state: run.state,
    parameters: { ...run.parameters },
    created_at: isoMs(run.createdAt),
    updated_at: isoMs(run.updatedAt),
    completed_at: isoOrNull(run.completedAt),
    purge_started_at: isoOrNull(run.purgeStartedAt),
    purge_completed_at: isoOrNull(run.purgeCompletedAt),
    python_state: "none",
    form_fields: [],
    ...flags(run),
    _links: links({
      self,
      preview: `${self}/preview`,
      content: `${self}/results/content`,
      account: apiPath(world),
      report_schedule: schedule === null ? null : `${reportSelf}/schedules/${schedule}`,
      executed_by: schedule === null ? userPath(memberOf(world, run.executedBy)) : null,
      share: web,
      report: reportSelf,
      clone: `${web}/clone`,
      query_runs: `${self}/query_runs`,
      pdf_export: `${reportSelf}/exports/runs/${run.token}/pdf`,
      web_external_url: `https://app.mode.com${web}`,
      latest_successful_report_run_api_url: latest === null ? null : `${reportSelf}/runs/${latest.token}`,
    }),
  };
  // Runs in progress can be cancelled (`_forms.cancel` in Airbyte's schema, docs/mode-api.md §3.6).
  if (run.state === "enqueued") body._forms = { cancel: form("patch", `${self}/cancel`) };
  return body;
}

/** A dataset run: the report-run shape without `parameters`, `python_state`, `form_fields` (docs/mode-api.md §3.6). */
export function datasetRunBody(world: World, run: RunView): JsonObject {
  const report = run.report;
  const schedule = scheduleToken(world, run);
  const { has_more_recent_successful_run_available: _omit, ...runFlags } = flags(run);
  return {
    token: run.token,
    state: run.state,
    created_at: isoMs(run.createdAt),
    updated_at: isoMs(run.updatedAt),
    completed_at: isoOrNull(run.completedAt),
    purge_started_at: isoOrNull(run.purgeStartedAt),
    purge_completed_at: isoOrNull(run.purgeCompletedAt),
    ...runFlags,
    _links: links({
      self: apiPath(world, "datasets", report.token, "runs", run.token),
      report: reportPath(world, report.token),
      account: apiPath(world),
      query_runs: runPath(world, run, "query_runs"),
      report_schedule: schedule === null ? null : reportPath(world, report.token, "schedules", schedule),
      executed_by: schedule === null ? userPath(memberOf(world, run.executedBy)) : null,
      web_edit_dataset: `/editor/${world.workspace}/datasets/${report.token}`,
    }),
  };
}

const ERRORS: ReadonlyArray<readonly [string, string]> = [
  [
    "SqlUnknownFunction",
    "ERROR: function date_diff(unknown, timestamp without time zone, timestamp without time zone) does not exist",
  ],
  ["SqlUnknownColumn", 'ERROR: column "amount_usd" does not exist'],
  ["ResourceFailure", "Query exceeded the maximum execution time"],
];

export function queryRunPath(world: World, queryRun: QueryRunView, ...rest: readonly string[]): string {
  return runPath(world, queryRun.run, "query_runs", queryRun.token, ...rest);
}

/** A `QueryRun`; failed ones carry `error_code`, `error_type: "generic"`, `error_message` (docs/mode-api.md §3.7). */
export function queryRunBody(world: World, queryRun: QueryRunView): JsonObject {
  const { run, query } = queryRun;
  const report = run.report;
  const ws = world.workspace;
  const sql = queryRawSql(world, query);
  const runSelf = runPath(world, run);
  const self = `${runSelf}/query_runs/${queryRun.token}`;
  const runWeb = `/${ws}/reports/${report.token}/runs/${run.token}`;
  const body: JsonObject = {
    id: idValue(world, queryRun.id),
    token: queryRun.token,
    raw_source: sql,
    rendered_source: world.sql.rendered(query.serial, query.sql, queryAdapter(query), run.parameters),
    statement_annotation: `-- Mode run ${run.token}, query ${query.token}`,
    state: queryRun.state,
    created_at: isoMs(queryRun.createdAt),
    completed_at: isoOrNull(queryRun.completedAt),
    data_source_id: query.dataSource < 0 ? null : idValue(world, IdBase.dataSource + query.dataSource),
    data_source_token: query.dataSource < 0 ? null : world.tokens.make(TokenKind.dataSource, query.dataSource),
    limit: false,
    query_token: query.token,
    query_name: queryName(world, query),
    query_created_at: isoMs(query.createdAt),
    dbt_metric_id: null,
    dbt_metric_token: null,
    parameters: { ...run.parameters },
    max_result_bytes: 5_000_000_000,
  };
  if (queryRun.state === "failed") {
    const [code, message] = pick(ERRORS, world.seed, report.serial, queryRun.position, 111);
    body.help_url = "https://mode.com/help";
    body.error_code = code;
    body.error_type = "generic";
    body.error_message = message;
  }
  body._links = links({
    self,
    query: queryPath(world, query),
    result: `${self}/results`,
    result_web: `${runWeb}/query_runs/${queryRun.token}/results`,
    query_web: `/editor/${ws}/reports/${report.token}/queries/${query.token}`,
    report_run: runSelf,
    report_run_web: runWeb,
    executed_by: userPath(memberOf(world, run.executedBy)),
  });
  return body;
}

/** `GET …/query_runs/{qr}/results`: links to the content (Mode's `mode_results_python` reads `_links.json`). */
export function resultsBody(world: World, queryRun: QueryRunView): JsonObject {
  return {
    _links: links({
      self: queryRunPath(world, queryRun, "results"),
      json: queryRunPath(world, queryRun, "results", "content.json"),
      csv: queryRunPath(world, queryRun, "results", "content.csv"),
    }),
  };
}
