import type { JsonObject } from "../../json.js";
import { form, links } from "../hal.js";
import { between, hash32, pick } from "../random.js";
import type { ReportState } from "../state.js";
import { DAY, HISTORY_END, HOUR, isoMs, isoOffset, isoOrNull } from "../time.js";
import { TokenKind } from "../tokens.js";
import { idValue, IdBase, type World } from "../world.js";
import { apiPath, memberOf, reportPath, userPath } from "./context.js";
import { reportDisplayName } from "./reports.js";

/** Report/dataset schedules and subscriptions (docs/mode-api.md §3.12) and report filters (§3.14). */

export function scheduleToken(world: World, report: ReportState, i: number): string {
  return world.tokens.make(TokenKind.schedule, report.serial * 256 + i);
}

export function subscriptionToken(world: World, report: ReportState, i: number): string {
  return world.tokens.make(TokenKind.subscription, report.serial * 256 + i);
}

export function filterToken(world: World, report: ReportState, i: number): string {
  return world.tokens.make(TokenKind.filter, report.serial * 256 + i);
}

/** Index of a child token (schedule, subscription, filter) of `report`, or undefined. */
export function childIndex(
  world: World,
  kind: TokenKind,
  report: ReportState,
  token: string,
  count: number,
): number | undefined {
  const ordinal = world.tokens.ordinalOf(kind, token);
  if (ordinal === undefined) return undefined;
  const i = ordinal - report.serial * 256;
  return i >= 0 && i < count ? i : undefined;
}

// Creation time of a child of `report`: after the report, before HISTORY_END when the report is old.
function childTimes(
  world: World,
  report: ReportState,
  i: number,
  salt: number,
): { createdAt: number; updatedAt: number } {
  const room = Math.max(0, HISTORY_END - report.createdAt);
  const createdAt = report.createdAt + Math.min(room, between(HOUR, 30 * DAY, world.seed, report.serial, i, salt));
  const rest = Math.max(0, HISTORY_END - createdAt);
  return {
    createdAt,
    updatedAt: createdAt + Math.min(rest, between(0, 60 * DAY, world.seed, report.serial, i, salt + 1)),
  };
}

const FREQUENCIES = [
  { frequency: "daily", every: DAY },
  { frequency: "weekly", every: 7 * DAY },
  { frequency: "hourly", every: HOUR },
  { frequency: "monthly", every: 30 * DAY },
] as const;

/** A `ReportSchedule` (docs example; `+00:00` offsets on the scheduled-run times, docs/mode-api.md §2.3). */
export function scheduleBody(world: World, report: ReportState, i: number): JsonObject {
  const token = scheduleToken(world, report, i);
  const { createdAt, updatedAt } = childTimes(world, report, i, 121);
  const plan = pick(FREQUENCIES, world.seed, report.serial, i, 123);
  const cronHour = between(0, 23, world.seed, report.serial, i, 124);
  // Both scheduled-run times stay before HISTORY_END: generated time never reaches past 2026-06-01.
  const nextScheduled =
    Math.floor((HISTORY_END - between(0, 2 * DAY, world.seed, report.serial, i, 125)) / DAY) * DAY +
    cronHour * HOUR -
    DAY;
  const lastScheduled = nextScheduled - plan.every;
  const hour12 = cronHour % 12 === 0 ? 12 : cronHour % 12;
  const self = reportPath(world, report.token, "schedules", token);
  const body: JsonObject = {
    token,
    name:
      i === 0
        ? "Untitled schedule"
        : `${plan.frequency.charAt(0).toUpperCase()}${plan.frequency.slice(1)} refresh ${i}`,
    parameters: {},
    created_at: isoMs(createdAt),
    updated_at: isoMs(updatedAt),
    retry_state: "ok",
    retry_count: 0,
    retry_delay: 0,
    timeout: 86_100,
    last_run_at: isoOrNull(report.lastRunAt),
    last_succeeded_at: isoOrNull(report.latestSuccess?.completedAt ?? null),
    last_scheduled_run: isoOffset(lastScheduled),
    next_scheduled_run: isoOffset(nextScheduled),
    report_name: reportDisplayName(world, report),
    delivery: "email",
    report_token: report.token,
    report_type: report.dataset ? "DatasetReport" : "Report",
    subscribed: false,
    subscriber_count: report.dataset ? 0 : report.subscriptions,
    frequency: plan.frequency,
    time_zone: "UTC",
    hour: `${hour12}:00 ${cronHour < 12 ? "am" : "pm"}`,
    cron_hour: cronHour,
    minute: "the top of the hour",
    cron_minute: 0,
  };
  if (plan.frequency === "weekly") body.day_of_week = "Monday,Tuesday,Wednesday,Thursday,Friday";
  body._links = links({
    account: apiPath(world),
    creator: userPath(memberOf(world, report.creator)),
    self,
    report: reportPath(world, report.token),
    report_web: `/${world.workspace}/reports/${report.token}`,
    report_runs: `${self}/runs?embed[report_runs][executed_by]=1`,
    report_subscriptions: `${self}/subscriptions`,
  });
  body._forms = { edit: form("patch", self), destroy: form("delete", self) };
  return body;
}

/** A `ReportSubscription`; `token` is present per [SECONDARY] (docs show it only in `self`). */
export function subscriptionBody(world: World, report: ReportState, i: number): JsonObject {
  const token = subscriptionToken(world, report, i);
  const h = hash32(world.seed, report.serial, i, 131);
  const self = reportPath(world, report.token, "subscriptions", token);
  return {
    token,
    data_previews_enabled: h % 2 === 0,
    data_tables_enabled: h % 3 === 0,
    csv_attachments_enabled: h % 5 === 0,
    pdf_attachments_enabled: h % 7 === 0,
    report_links_enabled: true,
    email_subscriber_count: h % 6,
    _links: links({
      self,
      report_schedule:
        report.schedules > 0
          ? reportPath(world, report.token, "schedules", scheduleToken(world, report, i % report.schedules))
          : null,
      email_subscription_memberships: `${self}/email_memberships`,
      slack_subscription_memberships: `${self}/slack_memberships`,
    }),
    _forms: { edit: form("patch", self), destroy: form("delete", self) },
  };
}

const FILTER_KINDS = [
  {
    formula: "[customer_name]",
    data_type: "STRING",
    filter_type: "MULTI",
    control_type: "LIST",
    variable_type: "DISCRETE",
  },
  {
    formula: "[created_at]",
    data_type: "TIMESTAMP",
    filter_type: "RANGE",
    control_type: "RANGE",
    variable_type: "CONTINUOUS",
  },
  {
    formula: "[is_active]",
    data_type: "BOOLEAN",
    filter_type: "SINGLE",
    control_type: "DROPDOWN",
    variable_type: "DISCRETE",
  },
] as const;

/** A `ReportFilter` (swagger; no captured example exists). */
export function filterBody(world: World, report: ReportState, i: number): JsonObject {
  const token = filterToken(world, report, i);
  const { createdAt, updatedAt } = childTimes(world, report, i, 141);
  const kind = FILTER_KINDS[i % FILTER_KINDS.length] ?? FILTER_KINDS[0];
  return {
    id: idValue(world, IdBase.filter + report.serial * 256 + i),
    report_id: idValue(world, IdBase.report + report.serial),
    token,
    name: kind.formula.slice(1, -1),
    row_order: i,
    formula: kind.formula,
    data_type: kind.data_type,
    formula_type: "FIELD",
    hide_select_all: false,
    show_relevant_values_only: false,
    filter_type: kind.filter_type,
    control_type: kind.control_type,
    variable_type: kind.variable_type,
    options: { default: { all: true, values: [], selectionMode: "INCLUDE" } },
    created_at: isoMs(createdAt),
    updated_at: isoMs(updatedAt),
    _links: links({ self: reportPath(world, report.token, "filters", token), report: reportPath(world, report.token) }),
  };
}
