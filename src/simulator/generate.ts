import { between, hash32, unit } from "./random.js";
import { summarizeBaseRuns } from "./runs.js";
import type {
  MemberState,
  QueryState,
  ReportState,
  ReportTrait,
  SpaceKind,
  SpaceState,
  SqlVariant,
  WorkspaceState,
} from "./state.js";
import { memberUsername } from "./text.js";
import { DAY, HISTORY_END, HISTORY_START, MINUTE } from "./time.js";
import { TokenKind, type Tokens } from "./tokens.js";
import type { WorkspaceSize } from "./types.js";
import type { World } from "./world.js";

/**
 * Builds the initial workspace from a seed and sizes. Per entity only a few numbers are kept
 * (5 spaces x 2,000 reports x 3 queries stay well under 50 MB); runs, query runs, charts,
 * schedules, filters, subscriptions and result rows are derived on request.
 */

// Awkward cases planted in every workspace.
const TRAITS: readonly ReportTrait[] = [
  "neverRun",
  "noQueries",
  "archived",
  "failing",
  "unicode",
  "untitled",
  "longSql",
];

// Reports are created between these instants (their runs follow until HISTORY_END).
const REPORTS_FROM = HISTORY_START + 30 * DAY;
const REPORTS_UNTIL = Date.UTC(2025, 8, 1);

// Every third report of a space's first 21 takes the next awkward trait in turn (counted across the
// workspace, so even the demo workspace has each of them); later reports get one ~1 time in 64.
function traitOf(seed: number, counters: Counters, j: number, serial: number): ReportTrait {
  if (j % 3 === 2 && j < 3 * TRAITS.length) return TRAITS[counters.trait++ % TRAITS.length] as ReportTrait;
  const h = hash32(seed, serial, 21);
  return h % 64 === 0 ? (TRAITS[(h >>> 8) % TRAITS.length] as ReportTrait) : "normal";
}

function members(seed: number, size: WorkspaceSize, tokens: Tokens): MemberState[] {
  const list: MemberState[] = [];
  for (let i = 0; i < size.members; i++) {
    list.push({
      index: i,
      token: tokens.make(TokenKind.member, i),
      username: memberUsername(i),
      admin: i === 0 || (i > 2 && i % 7 === 0),
      invited: i > 0 && i === size.members - 1 && size.members > 3,
      createdAt: HISTORY_START + Math.floor(unit(seed, i, 31) * 200 * DAY) + i * MINUTE,
    });
  }
  return list;
}

function sqlVariant(trait: ReportTrait, seed: number, serial: number, q: number): SqlVariant {
  if (q === 0 && trait === "longSql") return "long";
  if (trait === "unicode") return "unicode";
  const h = hash32(seed, serial, q, 41) % 6;
  return h === 0 ? "liquid" : "plain";
}

interface Counters {
  report: number;
  query: number;
  trait: number;
}

function makeReport(
  world: World,
  counters: Counters,
  space: SpaceState,
  j: number,
  createdAt: number,
  dataset: boolean,
): ReportState {
  const { seed, size, tokens } = world;
  const serial = counters.report++;
  const trait: ReportTrait = dataset ? "normal" : traitOf(seed, counters, j, serial);
  const editedAt = Math.min(createdAt + between(MINUTE, 2 * DAY, seed, serial, 22), HISTORY_END);
  const queryCount = trait === "noQueries" ? 0 : dataset ? 1 : size.queriesPerReport;
  const neverRun = trait === "neverRun" || trait === "noQueries" || (dataset && j === 1);
  const report: ReportState = {
    serial,
    token: tokens.make(TokenKind.report, serial),
    space,
    dataset,
    trait,
    creator: space.kind === "personal" ? space.creator : hash32(seed, serial, 23) % size.members,
    createdAt,
    updatedAt: editedAt,
    editedAt,
    savedAt: editedAt + between(5, 40, seed, serial, 24),
    archived: trait === "archived",
    deleted: false,
    failing: trait === "failing",
    queries: [],
    baseQueryCount: queryCount,
    baseRuns: neverRun ? 0 : size.runsPerReport,
    added: [],
    purgedBase: null,
    lastRunAt: null,
    latestSuccess: null,
    failuresSinceSuccess: false,
    schedules: size.schedulesPerReport,
    filters: dataset || queryCount === 0 ? 0 : size.filtersPerReport,
    subscriptions: dataset || size.schedulesPerReport === 0 ? 0 : size.subscriptionsPerReport,
    importedDataset: null,
  };
  for (let q = 0; q < queryCount; q++)
    report.queries.push(
      makeQuery(world, counters, report, q, createdAt + 45 * (q + 1), dataset ? 0 : size.chartsPerQuery),
    );
  const summary = summarizeBaseRuns(world, report);
  report.lastRunAt = summary.lastRunAt;
  report.latestSuccess = summary.latestSuccess;
  report.failuresSinceSuccess = summary.failuresSinceSuccess;
  // A run bumps updated_at a few ms after it completes (DataHub fixtures, docs/mode-api.md §3.3).
  report.updatedAt =
    summary.lastCompletedAt === null ? report.savedAt : Math.max(report.savedAt, summary.lastCompletedAt + 17);
  for (const query of report.queries) query.updatedAt = Math.max(query.updatedAt, report.editedAt - 3);
  return report;
}

function makeQuery(
  world: World,
  counters: Counters,
  report: ReportState,
  q: number,
  createdAt: number,
  charts: number,
): QueryState {
  const { seed, size, tokens } = world;
  const serial = counters.query++;
  // The last data source stays unused ("a data source with no reports") when there are two or more.
  const usable = size.dataSources > 1 ? size.dataSources - 1 : size.dataSources;
  return {
    serial,
    token: tokens.make(TokenKind.query, serial),
    report,
    createdAt,
    updatedAt: createdAt,
    charts,
    dataSource: usable === 0 ? -1 : hash32(seed, serial, 42) % usable,
    sql: sqlVariant(report.trait, seed, report.serial, q),
    unicodeName: report.trait === "unicode",
    deleted: false,
  };
}

function spaceList(world: Omit<World, "state">): SpaceState[] {
  const { size, tokens, seed } = world;
  const kinds: SpaceKind[] = [];
  // Personal collections first, as in the captured listing (test/fixtures/mode-captured/spaces.json).
  for (let i = 0; i < size.personalSpaces; i++) kinds.push("personal");
  for (let i = 0; i < size.spaces; i++) kinds.push("custom");
  for (let i = 0; i < size.emptySpaces; i++) kinds.push("empty");
  let personal = 0;
  return kinds.map((kind, ordinal) => ({
    ordinal,
    token: tokens.make(TokenKind.space, ordinal),
    kind,
    creator: kind === "personal" ? personal++ % size.members : hash32(seed, ordinal, 51) % size.members,
    reports: [],
    datasets: [],
  }));
}

// Spreads `count` creation times over [from, until), increasing with the index.
function creationTime(seed: number, space: number, j: number, count: number, salt: number): number {
  const step = (REPORTS_UNTIL - REPORTS_FROM) / Math.max(count, 1);
  return Math.floor(REPORTS_FROM + step * (j + 0.05 + 0.9 * unit(seed, space, j, salt)));
}

/** The complete initial state. */
export function generateWorkspace(world: Omit<World, "state">): WorkspaceState {
  const { seed, size, tokens } = world;
  const state: WorkspaceState = {
    accountToken: tokens.make(TokenKind.account, 0),
    accountId: 750_000 + (hash32(seed, 61) % 20_000),
    accountCreatedAt: HISTORY_START + Math.floor(unit(seed, 62) * 10 * DAY),
    members: members(seed, size, tokens),
    spaces: spaceList(world),
    reportsByToken: new Map(),
    addedRunsByToken: new Map(),
    deleted: { members: new Set(), groups: new Set(), dataSources: new Set(), definitions: new Set() },
    nextReportSerial: 0,
    nextQuerySerial: 0,
    nextRunSerial: 0,
  };
  const full: World = { ...world, state };
  const counters: Counters = { report: 0, query: 0, trait: 0 };
  const spaces = state.spaces;
  for (const space of spaces) {
    if (space.kind === "empty") continue;
    for (let j = 0; j < size.reportsPerSpace; j++) {
      space.reports.push(
        makeReport(full, counters, space, j, creationTime(seed, space.ordinal, j, size.reportsPerSpace, 71), false),
      );
    }
    for (let d = 0; d < size.datasetsPerSpace; d++) {
      space.datasets.push(
        makeReport(full, counters, space, d, creationTime(seed, space.ordinal, d, size.datasetsPerSpace, 72), true),
      );
    }
    linkImportedDatasets(full, space);
  }
  for (const space of spaces)
    for (const report of [...space.reports, ...space.datasets]) state.reportsByToken.set(report.token, report);
  state.nextReportSerial = counters.report;
  state.nextQuerySerial = counters.query;
  return state;
}

// Some reports import a dataset of their space (`imported_datasets`, DataHub reports fixture).
function linkImportedDatasets(world: World, space: SpaceState): void {
  if (space.datasets.length === 0) return;
  for (const report of space.reports) {
    const h = hash32(world.seed, report.serial, 81);
    if (report.trait === "normal" && h % 4 === 0) {
      report.importedDataset = space.datasets[(h >>> 4) % space.datasets.length] ?? null;
    }
  }
}
