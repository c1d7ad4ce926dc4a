import type { JsonObject } from "../../json.js";
import { form, links, selectInput, templatedLink, textInput } from "../hal.js";
import { between, hash32, pick } from "../random.js";
import { lastQueryRunId } from "../runs.js";
import type { QueryState } from "../state.js";
import { DAY, HISTORY_END, isoMs, MINUTE } from "../time.js";
import { TokenKind } from "../tokens.js";
import { idValue, IdBase, type World } from "../world.js";
import { apiPath, memberOf, reportPath, userPath } from "./context.js";
import { liveChartPositions } from "../live.js";
import { dataSourceAdapter } from "./management.js";

/** Queries (docs/mode-api.md §3.4, `queries.json`) and charts (§3.5, `charts.json`). */

const QUERY_NAMES = [
  "Customer and staff",
  "Revenue by month",
  "Active users",
  "Orders",
  "Funnel steps",
  "Churned accounts",
];
const UNICODE_QUERY_NAMES = ["Запрос №1 – выручка", "売上クエリ", "Umsätze € je Monat", "Ventas 📊"];

export function queryName(world: World, query: QueryState): string {
  return query.unicodeName
    ? pick(UNICODE_QUERY_NAMES, world.seed, query.serial, 101)
    : `${pick(QUERY_NAMES, world.seed, query.serial, 102)} ${query.serial}`;
}

export function queryRawSql(world: World, query: QueryState): string {
  return world.sql.raw(query.serial, query.sql, queryAdapter(query));
}

/** The adapter of the query's data source, which its SQL is written for (null without a data source). */
export function queryAdapter(query: QueryState): string | null {
  return query.dataSource < 0 ? null : dataSourceAdapter(query.dataSource);
}

export function dataSourceIdOf(world: World, query: QueryState): string | number | null {
  return query.dataSource < 0 ? null : idValue(world, IdBase.dataSource + query.dataSource);
}

export function queryPath(world: World, query: QueryState, ...rest: readonly string[]): string {
  return reportPath(world, query.report.token, "queries", query.token, ...rest);
}

/** A query as listed and fetched singly. Dataset queries lack the chart links (`dataset_queries_*.json`). */
export function queryBody(world: World, query: QueryState): JsonObject {
  const sql = queryRawSql(world, query);
  const name = queryName(world, query);
  const report = query.report;
  const lastRunId = lastQueryRunId(world, query);
  const body: JsonObject = {
    id: idValue(world, IdBase.query + query.serial),
    token: query.token,
    raw_query: sql,
    created_at: isoMs(query.createdAt),
    updated_at: isoMs(query.updatedAt),
    name,
    last_run_id: lastRunId === null ? null : idValue(world, lastRunId),
    data_source_id: dataSourceIdOf(world, query),
    explorations_count: hash32(world.seed, query.serial, 103) % 3,
    report_imports_count: report.dataset ? hash32(world.seed, query.serial, 104) % 3 : 0,
    dbt_metric_id: null,
    chart_count: liveChartPositions(query).length,
  };
  const rels: Record<string, string | null> = {
    self: queryPath(world, query),
    report: reportPath(world, report.token),
    report_runs: reportPath(world, report.token, "runs"),
    charts: report.dataset ? null : queryPath(world, query, "charts"),
    new_chart: report.dataset ? null : queryPath(world, query, "charts", "new"),
    new_query_table: report.dataset ? null : queryPath(world, query, "tables", "new"),
    query_tables: report.dataset ? null : queryPath(world, query, "tables"),
    query_runs: queryPath(world, query, "runs"),
    creator: userPath(memberOf(world, report.creator)),
  };
  body._links = links(rels);
  const forms: JsonObject = {
    edit: form(
      "patch",
      queryPath(world, query),
      {
        query: {
          raw_query: textInput(sql),
          name: textInput(name),
          data_source_id: textInput(dataSourceIdOf(world, query)),
        },
      },
      "application/json",
    ),
  };
  if (!report.dataset) forms.destroy = form("delete", queryPath(world, query));
  body._forms = forms;
  return body;
}

export function chartToken(world: World, query: QueryState, position: number): string {
  return world.tokens.make(TokenKind.chart, query.serial * 256 + position);
}

/** The chart of `query` with this token, decoded (charts are derived, not stored). */
export function findChart(world: World, query: QueryState, token: string): number | undefined {
  const ordinal = world.tokens.ordinalOf(TokenKind.chart, token);
  if (ordinal === undefined) return undefined;
  const position = ordinal - query.serial * 256;
  return position >= 0 && position < query.charts && query.deletedCharts?.has(position) !== true ? position : undefined;
}

const CHART_TYPES = [
  "table",
  "bar",
  "line",
  "stackedBar",
  "hBar",
  "area",
  "pie",
  "donut",
  "scatter",
  "bigValue",
  "pivotTable",
  "linePlusBar",
];
const CHART_TITLES = [
  "Customer Payment Information",
  "Revenue &amp; Costs",
  "Weekly actives",
  "",
  "Orders by region",
  "Top 10 accounts",
];

function chartTimes(world: World, query: QueryState, position: number): { createdAt: number; updatedAt: number } {
  const createdAt = query.createdAt + (position + 1) * MINUTE;
  const room = Math.max(0, HISTORY_END - createdAt);
  return {
    createdAt,
    updatedAt: createdAt + Math.min(room, between(0, 20 * DAY, world.seed, query.serial, position, 105)),
  };
}

function axis(): JsonObject {
  return {
    numberRange: { min: null, max: null },
    numberFormat: { format: null, precision: null },
    title: null,
    titleEnabled: true,
    scaleType: "linear",
  };
}

/** A chart (no `id`: charts are keyed by token, docs/mode-api.md §2.2). */
export function chartBody(world: World, query: QueryState, position: number): JsonObject {
  const token = chartToken(world, query, position);
  const report = query.report;
  const { createdAt, updatedAt } = chartTimes(world, query, position);
  const chartType = pick(CHART_TYPES, world.seed, query.serial, position, 106);
  const title = query.unicodeName
    ? "売上 &amp; Umsätze 📈"
    : pick(CHART_TITLES, world.seed, query.serial, position, 107);
  const palette = world.tokens.make(TokenKind.palette, hash32(world.seed, 108) % 4);
  const chartPath = queryPath(world, query, "charts", token);
  const ws = world.workspace;
  const viewVegasInput = {
    view: textInput("{}"),
    view_vegas: textInput("{}"),
    view_version: selectInput(["1", "2"], 1),
  };
  return {
    view: {},
    view_version: 2,
    view_vegas: {
      format: {
        xAxis: { rotate: null, dateFormat: "auto", ...axis() },
        yAxis: axis(),
        legend: { enabled: true, position: "auto", title: null, titleEnabled: true },
        nullToZero: false,
        showValues: true,
        colors: { theme: palette, custom: ["#37B067", "#6296BC", "#EDB40D"], map: {} },
      },
      fieldFormats: {},
      fieldColors: {},
      title,
      description: "",
      chartType,
      encoding: {
        row: [],
        column: [],
        x: [{ id: "a8b5", formula: "[created_at]", variable: { type: "DISCRETE" } }],
        y: [{ id: "e1c2", formula: "SUM([amount])", variable: { type: "CONTINUOUS" } }],
        value: [],
        filter: [],
        sorts: [],
      },
    },
    token,
    created_at: isoMs(createdAt),
    updated_at: isoMs(updatedAt),
    color_palette_token: palette,
    switch_view_token: world.tokens.make(TokenKind.preview, 1_000_000_000 + query.serial * 256 + position),
    _links: links({
      self: chartPath,
      color_palette: apiPath(world, "color_palettes", palette),
      report_viz_web: `/${ws}/reports/${report.token}/viz/${token}`,
      preview: templatedLink(`${reportPath(world, report.token)}/runs/{token}/charts/${token}/preview`),
      report_run_viz_web: templatedLink(`/${ws}/reports/${report.token}/runs/{token}/viz/${token}`),
      creator: userPath(memberOf(world, report.creator)),
    }),
    _forms: {
      create: form("post", queryPath(world, query, "charts"), {
        chart: { ...viewVegasInput, token: textInput(""), color_palette_token: textInput() },
      }),
      edit: form("patch", chartPath, { chart: { ...viewVegasInput, color_palette_token: textInput(palette) } }),
      destroy: form("delete", chartPath),
    },
  };
}

/** Chart tokens of a query (truth). */
export function chartTokens(world: World, query: QueryState): string[] {
  return liveChartPositions(query).map((c) => chartToken(world, query, c));
}
