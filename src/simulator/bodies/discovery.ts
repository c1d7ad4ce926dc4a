import type { JsonObject } from "../../json.js";
import { hash32, hexDigits, pick } from "../random.js";
import { lastRunToken, runAt, runCount } from "../runs.js";
import type { MemberState, QueryState, ReportState, SpaceState } from "../state.js";
import { DAY, isoMs, isoOrNull } from "../time.js";
import { TokenKind } from "../tokens.js";
import { idValue, IdBase, type World } from "../world.js";
import { chartToken, queryName, queryRawSql } from "./queries.js";
import { liveQueries, reportDisplayName } from "./reports.js";
import { spaceDisplayName } from "./spaces.js";
import { dataSourceToken } from "./management.js";

/**
 * Items of the Discovery ("batch") API lists (https://mode.com/developer/discovery-api/): flat JSON, not HAL, with the
 * fields of Mode's batch Swagger (`BatchApiRepresenters::*`) in the order of Mode's docs examples. The same workspace
 * as the REST side: the same tokens, names and timestamps.
 */

/** Which entities each list holds; `includePersonal` is the request's `include_spaces=all`. */
export interface DiscoveryScope {
  readonly includePersonal: boolean;
}

// Ids the REST API never shows (charts have no id there; memberships none of their own).
const CHART_ID_BASE = 70_000_000;
const MEMBERSHIP_ID_BASE = 820_000;
// Membership tokens: misc tokens far above the ones bodies use (report themes).
const MEMBERSHIP_TOKEN_BASE = 2 ** 40;

/**
 * Reports the lists hold: every live report (datasets are not listed), personal spaces only with include_spaces=all.
 */
export function discoveryReports(world: World, scope: DiscoveryScope): ReportState[] {
  const reports: ReportState[] = [];
  for (const space of world.state.spaces)
    if (scope.includePersonal || space.kind !== "personal") for (const report of space.reports) reports.push(report);
  return reports;
}

export function discoveryQueries(world: World, scope: DiscoveryScope): QueryState[] {
  return discoveryReports(world, scope).flatMap(liveQueries);
}

/** One entry per chart: its query and position. */
export function discoveryCharts(world: World, scope: DiscoveryScope): { query: QueryState; position: number }[] {
  const charts: { query: QueryState; position: number }[] = [];
  for (const query of discoveryQueries(world, scope))
    for (let position = 0; position < query.charts; position++) charts.push({ query, position });
  return charts;
}

function emailOf(world: World, index: number): string | null {
  const member = world.state.members[index];
  return member === undefined ? null : `${member.username}@example.com`;
}

function spacePathOf(world: World, space: SpaceState): string {
  return `/api/${world.workspace}/spaces/${space.token}`;
}

/** `BatchApiRepresenters::Space`. Every space is listed, personal ones included (the list takes no include_spaces). */
export function discoverySpaceItem(world: World, space: SpaceState): JsonObject {
  const personal = space.kind === "personal";
  return {
    id: idValue(world, IdBase.space + space.ordinal),
    token: space.token,
    name: spaceDisplayName(world, space),
    description: personal ? null : `Collection ${space.ordinal}`,
    space_type: personal ? "private" : "custom",
    default_access: personal ? "view" : pick(["edit", "view", "none"], world.seed, space.ordinal, 301),
    space_url: spacePathOf(world, space),
  };
}

/** `BatchApiRepresenters::Report`. */
export function discoveryReportItem(world: World, report: ReportState): JsonObject {
  const last = runCount(report) === 0 ? null : runAt(world, report, runCount(report) - 1);
  const viewed = hash32(world.seed, report.serial, 302) % 3 === 0 ? null : report.updatedAt + DAY;
  return {
    id: idValue(world, IdBase.report + report.serial),
    token: report.token,
    name: reportDisplayName(world, report),
    description: report.trait === "untitled" ? null : `Report ${report.serial}`,
    created_at: isoMs(report.createdAt),
    edited_at: isoMs(report.editedAt),
    updated_at: isoMs(report.updatedAt),
    last_successfully_run_at: isoOrNull(report.latestSuccess?.completedAt ?? null),
    last_viewed_at: isoOrNull(viewed),
    last_run_at: isoOrNull(report.lastRunAt),
    last_run_token: lastRunToken(world, report),
    last_run_state: last?.state ?? null,
    creator_email: emailOf(world, report.creator),
    space_id: idValue(world, IdBase.space + report.space.ordinal),
    space_token: report.space.token,
    report_url: `/api/${world.workspace}/reports/${report.token}`,
  };
}

/** `BatchApiRepresenters::Query`. */
export function discoveryQueryItem(world: World, query: QueryState): JsonObject {
  const report = query.report;
  return {
    id: idValue(world, IdBase.query + query.serial),
    token: query.token,
    name: queryName(world, query),
    raw_query: queryRawSql(world, query),
    creator_email: emailOf(world, report.creator),
    data_source_token: query.dataSource < 0 ? null : dataSourceToken(world, query.dataSource),
    report_id: idValue(world, IdBase.report + report.serial),
    report_token: report.token,
    space_id: idValue(world, IdBase.space + report.space.ordinal),
    space_token: report.space.token,
  };
}

const CHART_TYPES = ["bar", "stackedBar100", "hStackedBar", "stackedBar", "line", "pie", "table", "bigValue"];

/** `BatchApiRepresenters::Chart`. */
export function discoveryChartItem(world: World, query: QueryState, position: number): JsonObject {
  const report = query.report;
  const ordinal = query.serial * 256 + position;
  return {
    id: idValue(world, CHART_ID_BASE + ordinal),
    token: chartToken(world, query, position),
    chart_type: pick(CHART_TYPES, world.seed, ordinal, 303),
    chart_title:
      hash32(world.seed, ordinal, 304) % 5 === 0 ? null : `Chart ${position + 1} of ${queryName(world, query)}`,
    query_id: idValue(world, IdBase.query + query.serial),
    report_id: idValue(world, IdBase.report + report.serial),
    space_id: idValue(world, IdBase.space + report.space.ordinal),
    query_token: query.token,
    report_token: report.token,
    space_token: report.space.token,
    report_creator_email: emailOf(world, report.creator),
    exploration_url: null,
  };
}

export function discoveryMembershipToken(world: World, member: MemberState): string {
  return world.tokens.make(TokenKind.misc, MEMBERSHIP_TOKEN_BASE + member.index);
}

/** `BatchApiRepresenters::Membership`, timestamps to the second as in Mode's docs example. */
export function discoveryMemberItem(world: World, member: MemberState): JsonObject {
  const h = hash32(world.seed, member.index, 305);
  const second = (ms: number | null): string | null =>
    ms === null ? null : `${isoMs(Math.floor(ms / 1000) * 1000).slice(0, 19)}Z`;
  const active = member.invited ? null : member.createdAt + DAY;
  const engaged = active === null || h % 4 === 0 ? null : active + (h % 400) * DAY;
  return {
    id: idValue(world, MEMBERSHIP_ID_BASE + member.index),
    token: discoveryMembershipToken(world, member),
    state: member.invited ? "invited" : "active",
    member_email: `${member.username}@example.com`,
    member_token: member.token,
    member_username: member.username,
    banned_at: null,
    activated_at: second(active),
    last_report_created_at: second(engaged),
    last_report_viewed_at: second(engaged === null ? null : engaged + DAY),
    last_report_run_at: second(engaged),
    total_days_engaged: engaged === null ? 0 : 1 + (h % 300),
    last_exploration_created_at: null,
    last_exploration_updated_at: null,
  };
}

/** `BatchApiRepresenters::ReportStat`; `viewKey` is `view_count` (Swagger) or `total_views_count` (docs). */
export function discoveryReportStatItem(
  world: World,
  report: ReportState,
  viewKey: "view_count" | "total_views_count",
): JsonObject {
  const h = hash32(world.seed, report.serial, 96);
  const creator = emailOf(world, report.creator);
  return {
    report_id: idValue(world, IdBase.report + report.serial),
    report_token: report.token,
    active_schedules_count: report.schedules,
    explorations_count: hash32(world.seed, report.serial, 306) % 4,
    [viewKey]: h % 250,
    recent_manual_run_creators_emails: runCount(report) > 0 && creator !== null ? [creator] : [],
    scheduled_run_creators_emails: report.schedules > 0 && creator !== null ? [creator] : [],
    editors_emails: creator === null ? [] : [creator],
    _links: {},
  };
}

/** A signature token's secret parts: 24 hex characters each, as in Mode's docs example. */
export function signatureSecrets(seed: number, serial: number): { accessKey: string; accessSecret: string } {
  return { accessKey: hexDigits(24, seed, serial, 307), accessSecret: hexDigits(24, seed, serial, 308) };
}
