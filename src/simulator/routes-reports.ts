import type { JsonValue } from "../json.js";
import { childIndex, filterBody, scheduleBody, subscriptionBody } from "./bodies/distribution.js";
import { chartBody, findChart, queryBody } from "./bodies/queries.js";
import { liveQueries, reportDetail } from "./bodies/reports.js";
import { listBody } from "./hal.js";
import { paginate, PagePolicies, selfHref } from "./listing.js";
import { json, notFound, type ApiResponse } from "./responses.js";
import type { Route, RouteRequest } from "./router.js";
import type { QueryState, ReportState } from "./state.js";
import { TokenKind } from "./tokens.js";
import { liveChartPositions } from "./live.js";

/** A report, its queries and charts, filters, schedules, subscriptions; datasets by `/datasets/{d}`. */

export function withReport(
  request: RouteRequest,
  then: (report: ReportState) => ApiResponse,
  param = "report",
): ApiResponse {
  const report = request.model.report(request.params[param] ?? "");
  return report === undefined ? notFound("Report") : then(report);
}

export function withDataset(request: RouteRequest, then: (dataset: ReportState) => ApiResponse): ApiResponse {
  const dataset = request.model.report(request.params.dataset ?? "");
  return dataset === undefined || !dataset.dataset ? notFound("Dataset") : then(dataset);
}

function withQuery(request: RouteRequest, then: (query: QueryState) => ApiResponse): ApiResponse {
  return withReport(request, (report) => {
    const query = liveQueries(report).find((q) => q.token === request.params.query);
    return query === undefined ? notFound("Query") : then(query);
  });
}

// Lists that return everything at once, with no pagination block, whatever `page` says (docs/mode-api.md §2.4).
function unpaged(request: RouteRequest, key: string, items: JsonValue[]): ApiResponse {
  return json(200, listBody({ self: selfHref(request.path, request.query), key, items }));
}

function listQueries(request: RouteRequest): ApiResponse {
  return withReport(request, (report) =>
    unpaged(
      request,
      "queries",
      liveQueries(report).map((q) => queryBody(request.world, q)),
    ),
  );
}

function listCharts(request: RouteRequest): ApiResponse {
  return withQuery(request, (query) =>
    unpaged(
      request,
      "charts",
      liveChartPositions(query).map((c) => chartBody(request.world, query, c)),
    ),
  );
}

function getChart(request: RouteRequest): ApiResponse {
  return withQuery(request, (query) => {
    const position = findChart(request.world, query, request.params.chart ?? "");
    return position === undefined ? notFound("Chart") : json(200, chartBody(request.world, query, position));
  });
}

function listFilters(request: RouteRequest): ApiResponse {
  return withReport(request, (report) =>
    unpaged(
      request,
      "report_filters",
      Array.from({ length: report.filters }, (_, i) => filterBody(request.world, report, i)),
    ),
  );
}

function listSubscriptions(request: RouteRequest): ApiResponse {
  return withReport(request, (report) =>
    unpaged(
      request,
      "report_subscriptions",
      Array.from({ length: report.subscriptions }, (_, i) => subscriptionBody(request.world, report, i)),
    ),
  );
}

// Schedules take `page` (swagger `listReportSchedules`); datasets' schedules share the key (docs/mode-api.md §7.4).
function schedulesPage(request: RouteRequest, report: ReportState): ApiResponse {
  const page = paginate(
    (from, to) => Array.from({ length: to - from }, (_, i) => scheduleBody(request.world, report, from + i)),
    report.schedules,
    "report_schedules",
    request.path,
    request.query,
    PagePolicies.schedules,
  );
  return json(200, listBody(page));
}

function child(
  request: RouteRequest,
  kind: TokenKind,
  param: string,
  count: (r: ReportState) => number,
  render: (r: ReportState, i: number) => ApiResponse,
  resource: string,
): ApiResponse {
  return withReport(request, (report) => {
    const i = childIndex(request.world, kind, report, request.params[param] ?? "", count(report));
    return i === undefined ? notFound(resource) : render(report, i);
  });
}

export function reportRoutes(): Route[] {
  return [
    // Datasets answer on `/reports/{d}` too (DataHub's Mode source reads them there).
    {
      method: "GET",
      template: "/{ws}/reports/{report}",
      handler: (r) => withReport(r, (report) => json(200, reportDetail(r.body, report))),
    },
    { method: "GET", template: "/{ws}/reports/{report}/queries", handler: listQueries },
    {
      method: "GET",
      template: "/{ws}/reports/{report}/queries/{query}",
      handler: (r) => withQuery(r, (q) => json(200, queryBody(r.world, q))),
    },
    { method: "GET", template: "/{ws}/reports/{report}/queries/{query}/charts", handler: listCharts },
    { method: "GET", template: "/{ws}/reports/{report}/queries/{query}/charts/{chart}", handler: getChart },
    { method: "GET", template: "/{ws}/reports/{report}/filters", handler: listFilters },
    {
      method: "GET",
      template: "/{ws}/reports/{report}/filters/{filter}",
      handler: (r) =>
        child(
          r,
          TokenKind.filter,
          "filter",
          (x) => x.filters,
          (x, i) => json(200, filterBody(r.world, x, i)),
          "Filter",
        ),
    },
    {
      method: "GET",
      template: "/{ws}/reports/{report}/schedules",
      handler: (r) => withReport(r, (report) => schedulesPage(r, report)),
    },
    {
      method: "GET",
      template: "/{ws}/reports/{report}/schedules/{schedule}",
      handler: (r) =>
        child(
          r,
          TokenKind.schedule,
          "schedule",
          (x) => x.schedules,
          (x, i) => json(200, scheduleBody(r.world, x, i)),
          "Schedule",
        ),
    },
    { method: "GET", template: "/{ws}/reports/{report}/subscriptions", handler: listSubscriptions },
    {
      method: "GET",
      template: "/{ws}/reports/{report}/subscriptions/{subscription}",
      handler: (r) =>
        child(
          r,
          TokenKind.subscription,
          "subscription",
          (x) => x.subscriptions,
          (x, i) => json(200, subscriptionBody(r.world, x, i)),
          "Subscription",
        ),
    },
    {
      method: "GET",
      template: "/{ws}/datasets/{dataset}",
      handler: (r) => withDataset(r, (d) => json(200, reportDetail(r.body, d))),
    },
    {
      method: "GET",
      template: "/{ws}/datasets/{dataset}/schedules",
      handler: (r) => withDataset(r, (d) => schedulesPage(r, d)),
    },
  ];
}
