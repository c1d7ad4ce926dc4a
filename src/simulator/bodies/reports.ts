import type { JsonObject, JsonValue } from "../../json.js";
import { form, links, selectInput, templatedLink, textInput } from "../hal.js";
import { hash32, hexDigits } from "../random.js";
import { lastRunToken, runCount } from "../runs.js";
import type { QueryState, ReportState } from "../state.js";
import { datasetName, preview, reportName, unicodeName } from "../text.js";
import { isoMs, isoOrNull } from "../time.js";
import { TokenKind } from "../tokens.js";
import { idValue, IdBase, type World } from "../world.js";
import { apiPath, memberOf, reportPath, spacePath, userPath, type BodyContext } from "./context.js";
import { queryRawSql } from "./queries.js";
import { spaceDisplayName } from "./spaces.js";
import { liveChartPositions } from "../live.js";

/**
 * Reports (docs/mode-api.md §3.3) and datasets (§3.13, reports with `type: "DatasetReport"`). Key sets and
 * order follow DataHub's captured bodies (`reports_75737b70402e.json`, `datasets_75737b70402e.json`,
 * `dataset_24f66e1701b6.json`) plus the swagger-required keys they lack.
 */

export function liveQueries(report: ReportState): QueryState[] {
  return report.queries.filter((q) => !q.deleted);
}

export function reportDisplayName(world: World, report: ReportState): string | null {
  if (report.dataset) return datasetName(world.seed, report.serial);
  if (report.trait === "untitled") return null;
  if (report.trait === "unicode") return unicodeName(world.seed, report.serial);
  return reportName(world.seed, report.serial);
}

function description(world: World, report: ReportState): string | null {
  if (report.trait === "untitled") return null;
  const h = hash32(world.seed, report.serial, 91) % 4;
  if (report.dataset) return h === 0 ? "" : `Source data for ${reportDisplayName(world, report) ?? "reports"}`;
  if (h === 0) return null;
  if (h === 1) return "";
  return report.trait === "unicode"
    ? "Überblick über Umsätze – 月次の売上 💶"
    : `Tracks ${reportName(world.seed, report.serial).toLowerCase()} for the team`;
}

function publishedAt(world: World, report: ReportState): number | null {
  return hash32(world.seed, report.serial, 92) % 4 === 0 && report.createdAt < report.savedAt
    ? report.savedAt - 1
    : null;
}

function expectedRuntime(report: ReportState): number | null {
  const s = report.latestSuccess;
  return s === null ? null : Math.round((s.completedAt - s.createdAt) * 1000) / 1_000_000;
}

function chartCount(report: ReportState): number {
  return liveQueries(report).reduce((sum, q) => sum + liveChartPositions(q).length, 0);
}

function queryPreview(world: World, report: ReportState): string | null {
  const first = liveQueries(report)[0];
  return first === undefined ? null : preview(queryRawSql(world, first));
}

// A pre-signed S3 URL that expires in 119 s and changes on every request (docs/mode-api.md §7.7).
function webPreviewImage(ctx: BodyContext, report: ReportState): string | null {
  const success = report.latestSuccess;
  if (success === null) return null;
  const { world, nonce, now } = ctx;
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").slice(0, 15) + "Z";
  const day = stamp.slice(0, 8);
  const key = hexDigits(12, world.seed, report.serial, 93);
  const signature = hexDigits(64, world.seed, report.serial, nonce, 94);
  return (
    `https://s3.us-west-2.amazonaws.com/mode.production/report-run-previews/web/${world.workspace}/` +
    `${report.token}/${success.token}/${key}` +
    `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAMODESIMULATOR000%2F${day}` +
    `%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date=${stamp}` +
    `&X-Amz-Expires=119&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`
  );
}

// Base64 of a signed query string with a timestamp, different on every request (DataHub fixture,
// docs/mode-api.md §7.7).
function flamingoSignature(ctx: BodyContext, report: ReportState): string | null {
  if (report.latestSuccess === null) return null;
  const { world, nonce, now } = ctx;
  const org = world.state.accountToken;
  const user = world.state.members[0]?.token ?? "";
  const signature = hexDigits(64, world.seed, report.serial, nonce, 95);
  const text =
    `signature=${signature}&organization_token=${org}&shared_key_id=flamingo-read-1&tag_expression=O_${org}` +
    `+%26%26+R_${report.token}&timestamp=${Math.floor(now / 1000)}&user_token=${user}`;
  return Buffer.from(text, "utf8").toString("base64");
}

function layout(report: ReportState, world: World): string | null {
  const charts = liveQueries(report).flatMap((q) =>
    liveChartPositions(q).map((c) => world.tokens.make(TokenKind.chart, q.serial * 256 + c)),
  );
  if (charts.length === 0) return null;
  const cells = charts.map(
    (t) =>
      `    <div class="col-md-12">\n      <mode-chart id="chart_${t}" dataset="dataset" ` +
      `options="chart_options"></mode-chart>\n    </div>`,
  );
  return `<div class="mode-grid container">\n  <div class="row">\n${cells.join("\n")}\n  </div>\n</div>`;
}

function importedDatasets(world: World, report: ReportState): JsonValue[] {
  const dataset = report.importedDataset;
  if (dataset === null || dataset.deleted) return [];
  return [
    {
      name: reportDisplayName(world, dataset),
      token: dataset.token,
      _links: links({ report: reportPath(world, report.token), source_dataset: reportPath(world, dataset.token) }),
      _forms: {
        refresh: form("post", reportPath(world, report.token, "runs"), { dataset_tokens: [{ token: dataset.token }] }),
      },
    },
  ];
}

function reportForms(world: World, report: ReportState, name: string | null, desc: string | null): JsonObject {
  const self = reportPath(world, report.token);
  const forms: JsonObject = {
    edit: form("patch", self, {
      report: {
        name: textInput(name),
        description: textInput(desc),
        account_id: textInput(idValue(world, world.state.accountId)),
        space_token: textInput(report.space.token),
        color_mappings: textInput({}),
        published: textInput(publishedAt(world, report) !== null),
      },
    }),
    destroy: form("delete", self),
    archive: form("patch", `${self}/archive`),
    unarchive: form("patch", `${self}/unarchive`),
    batch_edit_filters: form("patch", `${self}/filters/update_batch`, {
      report: { "filters[]": { token: textInput(), options: textInput() } },
    }),
  };
  const last = lastRunToken(world, report);
  if (last !== null)
    forms.clone = form("post", `/${world.workspace}/reports/${report.token}/runs/${last}/clone`, {
      owner_id: textInput(idValue(world, world.state.accountId)),
    });
  forms.update_settings = form("patch", `${self}/update_settings`, {
    report: {
      theme: selectInput(
        [
          ["Mode Dark", 1],
          ["Mode Grey", 2],
          ["Mode Light", 3],
          ["Mode Subway", 5],
        ],
        3,
      ),
      full_width: selectInput([true, false], false),
      manual_run_disabled: selectInput([true, false], false),
    },
  });
  return forms;
}

/** A report as `GET /{ws}/spaces/{s}/reports` lists it and `GET /{ws}/reports/{r}` returns it. */
export function reportBody(ctx: BodyContext, report: ReportState): JsonObject {
  const { world } = ctx;
  const h = hash32(world.seed, report.serial, 96);
  const name = reportDisplayName(world, report);
  const desc = description(world, report);
  const success = report.latestSuccess;
  const last = lastRunToken(world, report);
  const ws = world.workspace;
  return {
    token: report.token,
    id: idValue(world, IdBase.report + report.serial),
    name,
    description: desc,
    created_at: isoMs(report.createdAt),
    updated_at: isoMs(report.updatedAt),
    published_at: isoOrNull(publishedAt(world, report)),
    edited_at: isoMs(report.editedAt),
    theme_id: h % 5 === 0 ? null : 3,
    color_mappings: {},
    type: "Report",
    last_successful_sync_at: null,
    last_saved_at: isoMs(report.savedAt),
    archived: report.archived,
    space_token: report.space.token,
    account_id: idValue(world, world.state.accountId),
    account_username: ws,
    public: h % 11 === 0,
    full_width: false,
    manual_run_disabled: false,
    drill_anywhere_enabled: h % 3 === 0,
    run_privately: true,
    drilldowns_enabled: true,
    layout: layout(report, world),
    is_embedded: false,
    is_signed: false,
    shared: h % 7 === 0,
    expected_runtime: expectedRuntime(report),
    last_successfully_run_at: isoOrNull(success?.completedAt ?? null),
    last_run_at: isoOrNull(report.lastRunAt),
    web_preview_image: webPreviewImage(ctx, report),
    last_successful_run_token: success?.token ?? null,
    flamingo_signature: flamingoSignature(ctx, report),
    github_link: null,
    query_count: liveQueries(report).length,
    max_query_count: 160,
    chart_count: chartCount(report),
    runs_count: runCount(report),
    schedules_count: report.schedules,
    query_preview: queryPreview(world, report),
    view_count: h % 250,
    thoughtspot_published_at: null,
    imported_datasets: importedDatasets(world, report),
    _links: links({
      self: reportPath(world, report.token),
      web: `https://app.mode.com/${ws}/reports/${report.token}`,
      web_edit: `/editor/${ws}/reports/${report.token}`,
      csv_export: reportPath(world, report.token, "results", "content.csv"),
      share: `/${ws}/reports/${report.token}`,
      web_report_runs: `/${ws}/reports/${report.token}/runs`,
      account: apiPath(world),
      report_run: templatedLink(`${reportPath(world, report.token)}/runs/{id}?embed[result]=1`),
      space: spacePath(world, report.space.token),
      space_links: reportPath(world, report.token, "space_links"),
      queries: reportPath(world, report.token, "queries"),
      report_runs: reportPath(world, report.token, "runs"),
      report_pins: reportPath(world, report.token, "pins"),
      report_filters: reportPath(world, report.token, "filters"),
      report_schedules: reportPath(world, report.token, "schedules"),
      report_subscriptions: reportPath(world, report.token, "subscriptions"),
      python_visualizations: reportPath(world, report.token, "layout_cells"),
      last_run: last === null ? null : reportPath(world, report.token, "runs", last),
      last_successful_run: success === null ? null : reportPath(world, report.token, "runs", success.token),
      perspective_email_subscription_memberships: reportPath(
        world,
        report.token,
        "perspective_email_report_subscription_memberships",
      ),
      validate_email_subscriber: templatedLink(
        `${reportPath(world, report.token)}/email_report_subscribers/validate{?subscriber[email]}`,
      ),
      creator: userPath(memberOf(world, report.creator)),
      report_theme: `/api/modeanalytics/report_themes/${world.tokens.make(TokenKind.misc, 3)}`,
      report_index_web: `/${ws}/spaces/${report.space.token}/reports/${report.token}`,
    }),
    _forms: reportForms(world, report, name, desc),
  };
}

function datasetLinks(world: World, dataset: ReportState): Record<string, string | JsonObject | null> {
  const ws = world.workspace;
  const last = lastRunToken(world, dataset);
  const success = dataset.latestSuccess;
  return {
    self: reportPath(world, dataset.token),
    web: `https://app.mode.com/${ws}/datasets/${dataset.token}`,
    web_edit: `/editor/${ws}/datasets/${dataset.token}`,
    account: apiPath(world),
    report_run: templatedLink(`${reportPath(world, dataset.token)}/runs/{id}?embed[result]=1`),
    space: spacePath(world, dataset.space.token),
    space_links: reportPath(world, dataset.token, "space_links"),
    queries: reportPath(world, dataset.token, "queries"),
    report_runs: reportPath(world, dataset.token, "runs"),
    report_pins: reportPath(world, dataset.token, "pins"),
    report_schedules: reportPath(world, dataset.token, "schedules"),
    dataset_dependencies: apiPath(world, "datasets", dataset.token, "reports"),
    last_run: last === null ? null : reportPath(world, dataset.token, "runs", last),
    last_successful_run: success === null ? null : reportPath(world, dataset.token, "runs", success.token),
    perspective_email_subscription_memberships: reportPath(
      world,
      dataset.token,
      "perspective_email_report_subscription_memberships",
    ),
    creator: userPath(memberOf(world, dataset.creator)),
    report_index_web: `/${ws}/spaces/${dataset.space.token}`,
  };
}

function datasetEditForm(world: World, dataset: ReportState, name: string | null, desc: string | null): JsonObject {
  return form("patch", reportPath(world, dataset.token), {
    report: {
      name: textInput(name),
      description: textInput(desc),
      account_id: textInput(idValue(world, world.state.accountId)),
      space_token: textInput(dataset.space.token),
    },
  });
}

function datasetSettingsForm(world: World, dataset: ReportState): JsonObject {
  return form("patch", reportPath(world, dataset.token, "update_settings"), {
    report: {
      manual_run_disabled: selectInput([true, false], false),
      drill_anywhere_enabled: selectInput([true, false], false),
    },
  });
}

/** A dataset as `GET /{ws}/datasets/{d}` (or `/reports/{d}`) returns it (`dataset_24f66e1701b6.json`). */
export function datasetBody(ctx: BodyContext, dataset: ReportState): JsonObject {
  const { world } = ctx;
  const name = reportDisplayName(world, dataset);
  const desc = description(world, dataset);
  const success = dataset.latestSuccess;
  return {
    token: dataset.token,
    id: idValue(world, IdBase.report + dataset.serial),
    name,
    description: desc,
    created_at: isoMs(dataset.createdAt),
    updated_at: isoMs(dataset.updatedAt),
    published_at: null,
    edited_at: isoMs(dataset.editedAt),
    type: "DatasetReport",
    last_successful_sync_at: null,
    last_saved_at: isoMs(dataset.savedAt),
    archived: dataset.archived,
    space_token: dataset.space.token,
    account_id: idValue(world, world.state.accountId),
    account_username: world.workspace,
    public: false,
    manual_run_disabled: false,
    drill_anywhere_enabled: false,
    run_privately: true,
    drilldowns_enabled: false,
    expected_runtime: expectedRuntime(dataset),
    last_successfully_run_at: isoOrNull(success?.completedAt ?? null),
    last_run_at: isoOrNull(dataset.lastRunAt),
    last_successful_run_token: success?.token ?? null,
    query_count: liveQueries(dataset).length,
    max_query_count: 160,
    runs_count: runCount(dataset),
    schedules_count: dataset.schedules,
    query_preview: queryPreview(world, dataset),
    view_count: hash32(world.seed, dataset.serial, 97) % 40,
    thoughtspot_published_at: null,
    _links: links(datasetLinks(world, dataset)),
    _forms: {
      edit: datasetEditForm(world, dataset, name, desc),
      destroy: form("delete", reportPath(world, dataset.token)),
      archive: form("patch", reportPath(world, dataset.token, "archive")),
      unarchive: form("patch", reportPath(world, dataset.token, "unarchive")),
      update_settings: datasetSettingsForm(world, dataset),
    },
  };
}

/**
 * A dataset as `GET /{ws}/spaces/{s}/datasets` lists it: keys in alphabetical order, no `archived`,
 * plus `collection_*`, `is_sample` and `switch_view_token` (`datasets_75737b70402e.json`).
 */
export function datasetListItem(ctx: BodyContext, dataset: ReportState): JsonObject {
  const { world } = ctx;
  const name = reportDisplayName(world, dataset);
  const desc = description(world, dataset);
  const success = dataset.latestSuccess;
  const linkMap = datasetLinks(world, dataset);
  const sortedLinks: Record<string, string | JsonObject | null> = {};
  for (const rel of [
    "account",
    "creator",
    "dataset_dependencies",
    "last_run",
    "last_successful_run",
    "queries",
    "report_index_web",
    "report_pins",
    "report_run",
    "report_runs",
    "report_schedules",
    "self",
    "space",
    "space_links",
    "web",
    "web_edit",
  ]) {
    sortedLinks[rel] = linkMap[rel] ?? null;
  }
  return {
    account_id: idValue(world, world.state.accountId),
    account_username: world.workspace,
    collection_name: spaceDisplayName(world, dataset.space),
    collection_token: dataset.space.token,
    created_at: isoMs(dataset.createdAt),
    description: desc,
    drilldowns_enabled: false,
    edited_at: isoMs(dataset.editedAt),
    id: idValue(world, IdBase.report + dataset.serial),
    is_sample: false,
    last_run_at: isoOrNull(dataset.lastRunAt),
    last_saved_at: isoMs(dataset.savedAt),
    last_successful_run_token: success?.token ?? null,
    last_successful_sync_at: null,
    last_successfully_run_at: isoOrNull(success?.completedAt ?? null),
    manual_run_disabled: false,
    max_query_count: 1,
    name,
    public: false,
    query_count: liveQueries(dataset).length,
    query_preview: queryPreview(world, dataset),
    run_privately: true,
    runs_count: runCount(dataset),
    schedules_count: dataset.schedules,
    space_token: dataset.space.token,
    switch_view_token: world.tokens.make(TokenKind.preview, dataset.serial),
    token: dataset.token,
    type: "DatasetReport",
    updated_at: isoMs(dataset.updatedAt),
    view_count: hash32(world.seed, dataset.serial, 97) % 40,
    thoughtspot_published_at: null,
    _links: links(sortedLinks),
    _forms: {
      destroy: form("delete", reportPath(world, dataset.token)),
      edit: datasetEditForm(world, dataset, name, desc),
      update_settings: datasetSettingsForm(world, dataset),
    },
  };
}

/** Any report-like entity as its detail endpoint returns it. */
export function reportDetail(ctx: BodyContext, report: ReportState): JsonObject {
  return report.dataset ? datasetBody(ctx, report) : reportBody(ctx, report);
}
