import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { liveQueries } from "../../src/simulator/bodies/reports.js";
import { chartToken } from "../../src/simulator/bodies/queries.js";
import { filterToken, scheduleToken, subscriptionToken } from "../../src/simulator/bodies/distribution.js";
import { queryRunsOf, runsOf } from "../../src/simulator/runs.js";
import type { ReportState } from "../../src/simulator/state.js";
import { client, embedded, start, type Client, type Json } from "./helpers.js";

/**
 * For every endpoint the tap reads, the simulator's bodies carry Mode's field set: every key of the
 * captured real body (test/fixtures/mode-captured/) and every key swagger marks required
 * (test/fixtures/swagger/), nothing outside swagger + captures + documented extras, the captured
 * JSON types (with pre-2025 integer ids, as the captures have), and the captured/required `_links`.
 */

interface SwaggerFields {
  required: string[];
  properties: string[];
  links: { required: string[]; properties: string[] };
  documented_extras: Record<string, string>;
  links_absent_in_real_responses: Record<string, string>;
  nested?: Record<string, string[]>;
}

const swagger = (name: string): SwaggerFields =>
  JSON.parse(readFileSync(new URL(`../fixtures/swagger/${name}.json`, import.meta.url), "utf8")) as SwaggerFields;
const capturedFile = (file: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/mode-captured/${file}`, import.meta.url), "utf8")) as Json;

/** The captured item: the body itself, or `_embedded[key][index]`. */
function capturedItem(file: string, key?: string, index = 0): Json {
  const body = capturedFile(file);
  if (key === undefined) return body;
  const item = embedded(body, key)[index];
  if (item === undefined) throw new Error(`${file} has no _embedded.${key}[${index}]`);
  return item;
}

const jsonType = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

interface Case {
  readonly name: string;
  readonly definition: string;
  readonly path: () => string;
  /** The items to check from the body (list items, or the body itself). */
  readonly items: (body: Json) => Json[];
  /** Captured item(s) to match, chosen per simulated item. */
  readonly capture?: (item: Json) => Json;
  readonly captureName?: string;
  /** Only the captured keys are expected (real lists that lack swagger-required keys). */
  readonly capturedKeysOnly?: boolean;
  readonly method?: "POST";
  readonly status?: number;
}

let sim: RunningSimulator;
let api: Client;
let ws: string;
let report: ReportState;
let dataset: ReportState;
let spaceToken: string;
let runToken: string;
let queryRunToken: string;
let queryToken: string;

beforeAll(async () => {
  // Pre-2025 integer ids, like the captured bodies, so JSON types compare one to one.
  sim = await start({
    seed: 11,
    integerIds: true,
    size: {
      spaces: 3,
      reportsPerSpace: 12,
      runsPerReport: 4,
      queriesPerReport: 2,
      chartsPerQuery: 2,
      schedulesPerReport: 2,
      filtersPerReport: 2,
      subscriptionsPerReport: 2,
      groups: 2,
      datasetsPerSpace: 2,
    },
  });
  api = client(sim);
  ws = sim.workspace;
  const w = sim.model.world;
  const space = w.state.spaces.find((s) => s.kind === "custom" && s.reports.length > 0);
  if (space === undefined) throw new Error("no custom space");
  spaceToken = space.token;
  const full = space.reports.find(
    (r) =>
      r.latestSuccess !== null &&
      r.trait === "normal" &&
      liveQueries(r).length > 0 &&
      r.filters > 0 &&
      r.subscriptions > 0,
  );
  if (full === undefined) throw new Error("no report with everything");
  report = full;
  const d = space.datasets.find((x) => x.latestSuccess !== null);
  if (d === undefined) throw new Error("no dataset with runs");
  dataset = d;
  const run = runsOf(w, report).find((r) => r.state === "succeeded" && r.purgeStartedAt === null);
  if (run === undefined) throw new Error("no succeeded run");
  runToken = run.token;
  queryRunToken = queryRunsOf(w, run)[0]?.token ?? "";
  queryToken = liveQueries(report)[0]?.token ?? "";
});

afterAll(async () => {
  await sim.stop();
});

const list = (key: string) => (body: Json) => embedded(body, key);
const itself = (body: Json) => [body];
const spaceCapture = (item: Json): Json => capturedItem("spaces.json", "spaces", item.space_type === "private" ? 0 : 1);

const cases: Case[] = [
  {
    name: "GET /verify",
    definition: "Account",
    path: () => "/verify",
    items: itself,
    capture: () => capturedItem("verify.json"),
    captureName: "verify.json",
    capturedKeysOnly: true,
  },
  { name: "GET /{ws}", definition: "Account", path: () => `/${ws}`, items: itself },
  {
    name: "GET /{username}",
    definition: "Account",
    path: () => `/${sim.model.world.state.members[1]?.username ?? ""}`,
    items: itself,
    capture: () => capturedItem("user.json"),
    captureName: "user.json",
    capturedKeysOnly: true,
  },
  {
    name: "GET /{ws}/spaces?filter=all",
    definition: "Space",
    path: () => `/${ws}/spaces?filter=all`,
    items: list("spaces"),
    capture: spaceCapture,
    captureName: "spaces.json",
  },
  {
    name: "GET /{ws}/spaces/{space}",
    definition: "Space",
    path: () => `/${ws}/spaces/${spaceToken}`,
    items: itself,
    capture: spaceCapture,
    captureName: "spaces.json",
  },
  {
    name: "GET /{ws}/spaces/{space}/reports",
    definition: "Report",
    path: () => `/${ws}/spaces/${spaceToken}/reports`,
    items: list("reports"),
    capture: () => capturedItem("reports_75737b70402e.json", "reports"),
    captureName: "reports_75737b70402e.json",
  },
  {
    name: "GET /{ws}/reports/{report}",
    definition: "Report",
    path: () => `/${ws}/reports/${report.token}`,
    items: itself,
    capture: () => capturedItem("reports_75737b70402e.json", "reports"),
    captureName: "reports_75737b70402e.json",
  },
  {
    name: "GET /{ws}/reports/{report}/queries",
    definition: "Query",
    path: () => `/${ws}/reports/${report.token}/queries`,
    items: list("queries"),
    capture: () => capturedItem("queries.json", "queries"),
    captureName: "queries.json",
  },
  {
    name: "GET /{ws}/reports/{report}/queries/{query}",
    definition: "Query",
    path: () => `/${ws}/reports/${report.token}/queries/${queryToken}`,
    items: itself,
    capture: () => capturedItem("queries.json", "queries"),
    captureName: "queries.json",
  },
  {
    name: "GET /{ws}/reports/{report}/queries/{query}/charts",
    definition: "Chart",
    path: () => `/${ws}/reports/${report.token}/queries/${queryToken}/charts`,
    items: list("charts"),
    capture: () => capturedItem("charts.json", "charts"),
    captureName: "charts.json",
  },
  {
    name: "GET /{ws}/reports/{report}/queries/{query}/charts/{chart}",
    definition: "Chart",
    path: () =>
      `/${ws}/reports/${report.token}/queries/${queryToken}/charts/` +
      `${chartToken(sim.model.world, liveQueries(report)[0] ?? report.queries[0]!, 0)}`,
    items: itself,
    capture: () => capturedItem("charts.json", "charts"),
    captureName: "charts.json",
  },
  {
    name: "GET /{ws}/reports/{report}/runs",
    definition: "ReportRun",
    path: () => `/${ws}/reports/${report.token}/runs`,
    items: list("report_runs"),
  },
  {
    name: "GET /{ws}/reports/{report}/runs/{run}",
    definition: "ReportRun",
    path: () => `/${ws}/reports/${report.token}/runs/${runToken}`,
    items: itself,
  },
  {
    name: "GET /{ws}/reports/{report}/runs/{run}/query_runs",
    definition: "QueryRun",
    path: () => `/${ws}/reports/${report.token}/runs/${runToken}/query_runs`,
    items: list("query_runs"),
  },
  {
    name: "GET /{ws}/reports/{report}/runs/{run}/query_runs/{query_run}",
    definition: "QueryRun",
    path: () => `/${ws}/reports/${report.token}/runs/${runToken}/query_runs/${queryRunToken}`,
    items: itself,
  },
  {
    name: "GET /{ws}/reports/{report}/queries/{query}/runs",
    definition: "QueryRun",
    path: () => `/${ws}/reports/${report.token}/queries/${queryToken}/runs`,
    items: list("query_runs"),
  },
  {
    name: "GET /{ws}/reports/{report}/filters",
    definition: "ReportFilter",
    path: () => `/${ws}/reports/${report.token}/filters`,
    items: list("report_filters"),
  },
  {
    name: "GET /{ws}/reports/{report}/filters/{filter}",
    definition: "ReportFilter",
    path: () => `/${ws}/reports/${report.token}/filters/${filterToken(sim.model.world, report, 1)}`,
    items: itself,
  },
  {
    name: "GET /{ws}/reports/{report}/schedules",
    definition: "ReportSchedule",
    path: () => `/${ws}/reports/${report.token}/schedules`,
    items: list("report_schedules"),
  },
  {
    name: "GET /{ws}/reports/{report}/schedules/{schedule}",
    definition: "ReportSchedule",
    path: () => `/${ws}/reports/${report.token}/schedules/${scheduleToken(sim.model.world, report, 1)}`,
    items: itself,
  },
  {
    name: "GET /{ws}/reports/{report}/subscriptions",
    definition: "ReportSubscription",
    path: () => `/${ws}/reports/${report.token}/subscriptions`,
    items: list("report_subscriptions"),
  },
  {
    name: "GET /{ws}/reports/{report}/subscriptions/{subscription}",
    definition: "ReportSubscription",
    path: () => `/${ws}/reports/${report.token}/subscriptions/${subscriptionToken(sim.model.world, report, 0)}`,
    items: itself,
  },
  {
    name: "GET /{ws}/spaces/{space}/datasets",
    definition: "Report",
    path: () => `/${ws}/spaces/${spaceToken}/datasets`,
    items: list("reports"),
    capture: () => capturedItem("datasets_75737b70402e.json", "reports"),
    captureName: "datasets_75737b70402e.json",
    // The real dataset list lacks swagger-required keys such as `archived` (docs/mode-api.md §3.3).
    capturedKeysOnly: true,
  },
  {
    name: "GET /{ws}/datasets/{dataset}",
    definition: "Report",
    path: () => `/${ws}/datasets/${dataset.token}`,
    items: itself,
    capture: () => capturedItem("dataset_24f66e1701b6.json"),
    captureName: "dataset_24f66e1701b6.json",
  },
  {
    name: "GET /{ws}/reports/{dataset}",
    definition: "Report",
    path: () => `/${ws}/reports/${dataset.token}`,
    items: itself,
    capture: () => capturedItem("dataset_24f66e1701b6.json"),
    captureName: "dataset_24f66e1701b6.json",
  },
  {
    name: "GET /{ws}/reports/{dataset}/queries",
    definition: "Query",
    path: () => `/${ws}/reports/${dataset.token}/queries`,
    items: list("queries"),
    capture: () => capturedItem("dataset_queries_24f66e1701b6.json", "queries"),
    captureName: "dataset_queries_24f66e1701b6.json",
  },
  {
    name: "GET /{ws}/datasets/{dataset}/runs",
    definition: "ReportRun",
    path: () => `/${ws}/datasets/${dataset.token}/runs`,
    items: list("report_runs"),
  },
  {
    name: "GET /{ws}/datasets/{dataset}/runs/{run}",
    definition: "ReportRun",
    path: () => `/${ws}/datasets/${dataset.token}/runs/${dataset.latestSuccess?.token ?? ""}`,
    items: itself,
  },
  {
    name: "GET /{ws}/datasets/{dataset}/schedules",
    definition: "ReportSchedule",
    path: () => `/${ws}/datasets/${dataset.token}/schedules`,
    items: list("report_schedules"),
  },
  {
    name: "GET /{ws}/data_sources",
    definition: "DataSource",
    path: () => `/${ws}/data_sources`,
    items: list("data_sources"),
    capture: () => capturedItem("data_sources.json", "data_sources"),
    captureName: "data_sources.json",
  },
  {
    name: "GET /{ws}/data_sources/{data_source}",
    definition: "DataSource",
    path: () => `/${ws}/data_sources/${sim.model.truth().data_sources?.[0] ?? ""}`,
    items: itself,
    capture: () => capturedItem("data_sources.json", "data_sources"),
    captureName: "data_sources.json",
  },
  {
    name: "GET /{ws}/definitions",
    definition: "Definition",
    path: () => `/${ws}/definitions`,
    items: list("definitions"),
    capture: () => capturedItem("definitions.json", "definitions"),
    captureName: "definitions.json",
  },
  {
    name: "GET /{ws}/definitions/{definition}",
    definition: "Definition",
    path: () => `/${ws}/definitions/${sim.model.truth().definitions?.[0] ?? ""}`,
    items: itself,
    capture: () => capturedItem("definitions.json", "definitions"),
    captureName: "definitions.json",
  },
  {
    name: "GET /{ws}/memberships",
    definition: "Membership",
    path: () => `/${ws}/memberships`,
    items: list("memberships"),
  },
  {
    name: "GET /{ws}/memberships/{membership}",
    definition: "Membership",
    path: () => `/${ws}/memberships/${sim.model.world.state.members[0]?.username ?? ""}`,
    items: itself,
  },
  { name: "GET /{ws}/groups", definition: "UserGroup", path: () => `/${ws}/groups`, items: list("groups") },
  {
    name: "GET /{ws}/groups/{group}",
    definition: "UserGroup",
    path: () => `/${ws}/groups/${sim.model.truth().groups?.[0] ?? ""}`,
    items: itself,
  },
  {
    name: "GET /{ws}/groups/{group}/memberships",
    definition: "UserGroupMembership",
    path: () => `/${ws}/groups/${sim.model.truth().groups?.[0] ?? ""}/memberships`,
    items: list("group_memberships"),
  },
  {
    name: "GET /{ws}/spaces/{space}/memberships",
    definition: "SpaceMembership",
    path: () => `/${ws}/spaces/${spaceToken}/memberships`,
    items: list("space_memberships"),
  },
  {
    name: "GET /{ws}/audit_logs",
    definition: "AuditLog",
    path: () => `/${ws}/audit_logs?start_timestamp=2025-01-01T00:00:00Z&end_timestamp=2026-06-01T00:00:00Z`,
    items: list("audit_logs"),
  },
  {
    name: "POST /{ws}/reports/{report}/runs",
    definition: "ReportRun",
    path: () => `/${ws}/reports/${report.token}/runs`,
    items: itself,
    method: "POST",
    status: 202,
  },
];

describe("every endpoint answers Mode's field set", () => {
  for (const c of cases) {
    it(
      `${c.name} carries the keys of swagger ${c.definition}` +
        `${c.captureName === undefined ? "" : ` and of the captured ${c.captureName}`}`,
      async () => {
        const answer = c.method === "POST" ? await api.post(c.path(), { parameters: {} }) : await api.get(c.path());
        expect(answer.status).toBe(c.status ?? 200);
        expect(answer.headers["content-type"]).toBe("application/hal+json; charset=utf-8");
        const items = c.items(answer.json<Json>());
        expect(items.length).toBeGreaterThan(0);
        const fields = swagger(c.definition);
        for (const item of items) {
          const captured = c.capture?.(item);
          const capturedKeys = captured === undefined ? [] : Object.keys(captured);
          const expected = new Set([...capturedKeys, ...(c.capturedKeysOnly === true ? [] : fields.required)]);
          const allowed = new Set([
            ...fields.properties,
            ...capturedKeys,
            ...Object.keys(fields.documented_extras),
            "_forms",
            "_links",
          ]);
          const keys = Object.keys(item);
          expect(
            keys.filter((k) => !allowed.has(k)),
            `keys outside swagger/captured/documented extras`,
          ).toEqual([]);
          expect(
            [...expected].filter((k) => !(k in item)),
            `missing keys`,
          ).toEqual([]);
          if (captured !== undefined) {
            // Same JSON type as the real body wherever both are non-null.
            const mismatches = capturedKeys.filter(
              (k) => captured[k] !== null && item[k] !== null && jsonType(captured[k]) !== jsonType(item[k]),
            );
            expect(mismatches, "JSON types differing from the capture").toEqual([]);
          }
          for (const [key, subkeys] of Object.entries(fields.nested ?? {}))
            expect(Object.keys(item[key] as Json).sort()).toEqual([...subkeys].sort());
          const rels = Object.keys((item._links as Json | undefined) ?? {});
          const capturedRels = Object.keys((captured?._links as Json | undefined) ?? {});
          if (c.definition !== "AuditLog") {
            const knownRels = new Set([...fields.links.properties, ...capturedRels]);
            expect(
              rels.filter((r) => !knownRels.has(r)),
              "links outside swagger/captured",
            ).toEqual([]);
            const absent = new Set(Object.keys(fields.links_absent_in_real_responses));
            const expectedRels = new Set([
              ...capturedRels,
              ...(c.capturedKeysOnly === true ? [] : fields.links.required.filter((r) => !absent.has(r))),
            ]);
            // A run-dependent rel (last_run, ...) is only expected on items that have runs.
            const missing = [...expectedRels].filter(
              (r) =>
                !rels.includes(r) &&
                !(
                  absent.has(r) ||
                  ((r === "last_run" || r === "last_successful_run") && item.last_successful_run_token === null)
                ),
            );
            expect(missing, "missing links").toEqual([]);
            for (const l of Object.values((item._links as Record<string, { href: string }>) ?? {}))
              expect(l.href).toMatch(/^(\/|https:\/\/app\.mode\.com\/)/);
          }
        }
      },
    );
  }

  it("paged lists carry the real pagination keys, not swagger's first_page/last_page", async () => {
    const real = (
      JSON.parse(readFileSync(new URL("../fixtures/swagger/Pagination.json", import.meta.url), "utf8")) as {
        real: string[];
      }
    ).real;
    const body = (await api.get(`/${ws}/reports/${report.token}/runs`)).json<Json>();
    expect(Object.keys(body.pagination as Json)).toEqual(real);
    expect(Object.keys(body)).toEqual(["_links", "pagination", "_embedded"]);
  });
});
