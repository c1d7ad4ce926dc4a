import { isJsonObject, type JsonObject } from "../json.js";
import { datasetRunBody, queryRunBody, reportRunBody, resultsBody } from "./bodies/runs.js";
import { listBody } from "./hal.js";
import { filterAndOrder, paginate, PagePolicies, selfHref } from "./listing.js";
import { badRequest, json, modeError, notFound, paramMissing, type ApiResponse } from "./responses.js";
import { csvChunks, jsonChunks } from "./results.js";
import type { Route, RouteRequest } from "./router.js";
import {
  findQueryRun,
  findRun,
  queryRunAt,
  queryRunsOf,
  resultsAvailable,
  runsOf,
  type QueryRunView,
  type RunView,
} from "./runs.js";
import type { ReportState } from "./state.js";
import { withDataset, withReport } from "./routes-reports.js";

/** Report runs, dataset runs, query runs and their results (docs/mode-api.md §3.6, §3.7, §4, §5). */

// Runs are newest first by default (several clients take `report_runs[0]` as the latest, docs/mode-api.md §3.6).
function runsPage(request: RouteRequest, report: ReportState, render: (run: RunView) => JsonObject): ApiResponse {
  const ordered = filterAndOrder(runsOf(request.world, report), (run) => run, request.query, {
    order: "desc",
    orderBy: "created_at",
  });
  if (!Array.isArray(ordered)) return ordered;
  const page = paginate(
    (from, to) => ordered.slice(from, to).map(render),
    ordered.length,
    "report_runs",
    request.path,
    request.query,
    PagePolicies.runs,
  );
  return json(200, listBody(page));
}

function withRun(request: RouteRequest, report: ReportState, then: (run: RunView) => ApiResponse): ApiResponse {
  const run = findRun(request.world, report, request.params.run ?? "");
  return run === undefined ? notFound("Report run") : then(run);
}

function withQueryRun(request: RouteRequest, then: (queryRun: QueryRunView) => ApiResponse): ApiResponse {
  return withReport(request, (report) =>
    withRun(request, report, (run) => {
      const queryRun = findQueryRun(request.world, run, request.params.query_run ?? "");
      return queryRun === undefined ? notFound("Query run") : then(queryRun);
    }),
  );
}

// `POST …/runs` with `{"parameters": {...}}` answers 202 with the run `enqueued` (docs/mode-api.md §4).
// The dataset-refresh body `{"report": {"dataset_tokens": [...]}}` on the same path is accepted too.
function createRun(request: RouteRequest, report: ReportState, render: (run: RunView) => JsonObject): ApiResponse {
  const body = request.json;
  if (!isJsonObject(body)) return badRequest("Request body must be a JSON object");
  let parameters: JsonObject = {};
  if ("parameters" in body) {
    const given = body.parameters;
    if (!isJsonObject(given)) return badRequest("parameters must be an object");
    parameters = given;
  } else if (!("report" in body)) {
    return paramMissing("parameters");
  }
  return json(202, render(request.model.createRun(report, parameters)));
}

const RESULTS_GONE = (): ApiResponse => modeError(404, "not_found", "run results not found");

// Query-run content; rows are generated while they stream, gzip applied by the server when asked.
function content(request: RouteRequest, format: "json" | "csv"): ApiResponse {
  return withQueryRun(request, (queryRun) => {
    if (!resultsAvailable(queryRun)) return RESULTS_GONE();
    const rows = request.world.size.resultRows;
    const { world } = request;
    return format === "json"
      ? {
          kind: "stream",
          status: 200,
          contentType: "application/json; charset=utf-8",
          chunks: () => jsonChunks(world, queryRun, rows),
          rows,
        }
      : {
          kind: "stream",
          status: 200,
          contentType: "text/csv; charset=utf-8",
          chunks: () => csvChunks(world, queryRun, rows),
          rows,
        };
  });
}

function listQueryRuns(request: RouteRequest): ApiResponse {
  return withReport(request, (report) =>
    withRun(request, report, (run) =>
      json(
        200,
        listBody({
          self: selfHref(request.path, request.query),
          key: "query_runs",
          items: queryRunsOf(request.world, run).map((qr) => queryRunBody(request.world, qr)),
        }),
      ),
    ),
  );
}

// `GET …/queries/{query}/runs`: the query's runs across the report's runs, newest first (a query's `query_runs`
// link).
function listRunsOfQuery(request: RouteRequest): ApiResponse {
  return withReport(request, (report) => {
    const query = report.queries.find((q) => !q.deleted && q.token === request.params.query);
    if (query === undefined) return notFound("Query");
    const queryRuns = runsOf(request.world, report).flatMap((run) => {
      const position = run.queries.indexOf(query);
      return position < 0 ? [] : [queryRunAt(request.world, run, position)];
    });
    const ordered = filterAndOrder(
      queryRuns,
      (qr) => ({ createdAt: qr.createdAt, updatedAt: qr.completedAt ?? qr.createdAt }),
      request.query,
      { order: "desc", orderBy: "created_at" },
    );
    if (!Array.isArray(ordered)) return ordered;
    const page = paginate(
      (from, to) => ordered.slice(from, to).map((qr) => queryRunBody(request.world, qr)),
      ordered.length,
      "query_runs",
      request.path,
      request.query,
      PagePolicies.runs,
    );
    return json(200, listBody(page));
  });
}

export function runRoutes(): Route[] {
  const qr = "/{ws}/reports/{report}/runs/{run}/query_runs/{query_run}";
  return [
    {
      method: "GET",
      template: "/{ws}/reports/{report}/runs",
      handler: (r) => withReport(r, (report) => runsPage(r, report, (run) => reportRunBody(r.world, run))),
    },
    {
      method: "POST",
      template: "/{ws}/reports/{report}/runs",
      handler: (r) => withReport(r, (report) => createRun(r, report, (run) => reportRunBody(r.world, run))),
    },
    {
      method: "GET",
      template: "/{ws}/reports/{report}/runs/{run}",
      handler: (r) => withReport(r, (report) => withRun(r, report, (run) => json(200, reportRunBody(r.world, run)))),
    },
    { method: "GET", template: "/{ws}/reports/{report}/runs/{run}/query_runs", handler: listQueryRuns },
    { method: "GET", template: "/{ws}/reports/{report}/queries/{query}/runs", handler: listRunsOfQuery },
    {
      method: "GET",
      template: qr,
      handler: (r) => withQueryRun(r, (queryRun) => json(200, queryRunBody(r.world, queryRun))),
    },
    {
      method: "GET",
      template: `${qr}/results`,
      handler: (r) =>
        withQueryRun(r, (queryRun) =>
          resultsAvailable(queryRun) ? json(200, resultsBody(r.world, queryRun)) : RESULTS_GONE(),
        ),
    },
    { method: "GET", template: `${qr}/results/content.json`, handler: (r) => content(r, "json") },
    { method: "GET", template: `${qr}/results/content.csv`, handler: (r) => content(r, "csv") },
    {
      method: "GET",
      template: "/{ws}/datasets/{dataset}/runs",
      handler: (r) => withDataset(r, (d) => runsPage(r, d, (run) => datasetRunBody(r.world, run))),
    },
    {
      method: "POST",
      template: "/{ws}/datasets/{dataset}/runs",
      handler: (r) => withDataset(r, (d) => createRun(r, d, (run) => datasetRunBody(r.world, run))),
    },
    {
      method: "GET",
      template: "/{ws}/datasets/{dataset}/runs/{run}",
      handler: (r) => withDataset(r, (d) => withRun(r, d, (run) => json(200, datasetRunBody(r.world, run)))),
    },
  ];
}
