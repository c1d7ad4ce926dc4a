import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import {
  client,
  embedded,
  httpRequest,
  manualClock,
  start,
  type Client,
  type Json,
  type ManualClock,
} from "./helpers.js";

let sim: RunningSimulator;
let api: Client;
let clock: ManualClock;
let ws: string;

beforeEach(async () => {
  // A clock stuck before the generated history: mutations must still come after it.
  clock = manualClock(Date.UTC(2020, 0, 1));
  sim = await start({ seed: 8, clock });
  api = client(sim);
  ws = sim.workspace;
});

afterEach(async () => {
  await sim.stop();
});

async function allReports(): Promise<Json[]> {
  const out: Json[] = [];
  for (const s of sim.model.truth().spaces ?? [])
    out.push(...embedded((await api.get(`/${ws}/spaces/${s}/reports`)).json<Json>(), "reports"));
  return out;
}

const latest = (reports: Json[]): string =>
  reports
    .map((r) => r.updated_at as string)
    .sort()
    .at(-1) ?? "";

describe("mutations", () => {
  it("touches k reports: exactly those come back from an updated_at.gt filter at the previous maximum", async () => {
    const before = await allReports();
    const cut = latest(before);
    const result = sim.model.mutate({ touchReports: 3 });
    expect(result.touchedReports).toHaveLength(3);
    expect(result.updatedReports.slice().sort()).toEqual(result.touchedReports.slice().sort());
    const changed: string[] = [];
    for (const s of sim.model.truth().spaces ?? [])
      changed.push(
        ...embedded(
          (await api.get(`/${ws}/spaces/${s}/reports?filter=updated_at.gt.${cut}`)).json<Json>(),
          "reports",
        ).map((r) => r.token as string),
      );
    expect(changed.sort()).toEqual(result.touchedReports.slice().sort());
    // Generated time ends before 2026-06-01; mutations come after it even with the clock in 2020.
    expect(Date.parse(result.at)).toBeGreaterThan(Date.UTC(2026, 5, 1));
    const again = sim.model.mutate({ touchReports: 1 });
    expect(Date.parse(again.at)).toBeGreaterThan(Date.parse(latest(await allReports())) - 10);
  });

  it("adds runs newest first and moves last_run_at, runs_count and the latest successful run", async () => {
    const result = sim.model.mutate({ addRunsToReports: 2, runsEach: 2 });
    expect(result.reportsWithNewRuns).toHaveLength(2);
    expect(result.addedRuns).toHaveLength(4);
    for (const [i, token] of result.reportsWithNewRuns.entries()) {
      const runs = embedded((await api.get(`/${ws}/reports/${token}/runs`)).json<Json>(), "report_runs");
      const mine = result.addedRuns.slice(i * 2, i * 2 + 2);
      expect(runs.slice(0, 2).map((r) => r.token)).toEqual([...mine].reverse());
      const report = (await api.get(`/${ws}/reports/${token}`)).json<Json>();
      expect(report.last_run_at).toBe(runs[0]?.created_at);
      expect(report.runs_count).toBe(runs.length);
      if (runs[0]?.state === "succeeded") expect(report.last_successful_run_token).toBe(runs[0].token);
    }
    const truth = sim.model.truth();
    expect(result.addedRuns.every((t) => truth.runs?.includes(t))).toBe(true);
    expect(result.addedQueryRuns.every((t) => truth.query_runs?.includes(t))).toBe(true);
    // A finished run moves the report's updated_at too (DataHub fixtures), so incremental syncs see the report.
    expect(result.updatedReports.slice().sort()).toEqual(result.reportsWithNewRuns.slice().sort());
  });

  it("leaves updated_at alone on new runs when runsBumpReportUpdatedAt is false", async () => {
    const still = await start({ seed: 8, runsBumpReportUpdatedAt: false });
    try {
      const before = new Map([...still.model.world.state.reportsByToken.values()].map((r) => [r.token, r.updatedAt]));
      const result = still.model.mutate({ addRunsToReports: 3 });
      expect(result.updatedReports).toEqual([]);
      for (const token of result.reportsWithNewRuns) {
        const body = (await client(still).get(`/${still.workspace}/reports/${token}`)).json<Json>();
        expect(Date.parse(body.updated_at as string)).toBe(before.get(token));
        expect(Date.parse(body.last_run_at as string)).toBeGreaterThan(Date.UTC(2026, 5, 1));
      }
    } finally {
      await still.stop();
    }
  });

  it("adds reports (with queries and charts, never run) and deletes reports, which then answer 404", async () => {
    const result = sim.model.mutate({ addReports: 2, deleteReports: 2 });
    const truth = sim.model.truth();
    for (const token of result.addedReports) {
      expect(truth.reports).toContain(token);
      const report = (await api.get(`/${ws}/reports/${token}`)).json<Json>();
      expect(report).toMatchObject({
        runs_count: 0,
        last_run_at: null,
        last_successful_run_token: null,
        query_count: sim.model.world.size.queriesPerReport,
      });
    }
    expect(result.addedQueries.every((q) => truth.queries?.includes(q))).toBe(true);
    expect(result.addedCharts.every((c) => truth.charts?.includes(c))).toBe(true);
    for (const token of result.deletedReports) {
      expect(truth.reports).not.toContain(token);
      const gone = await api.get(`/${ws}/reports/${token}`);
      expect(gone.status).toBe(404);
      expect(gone.json<Json>()).toEqual({ id: "not_found", message: "Report not found" });
    }
  });

  it("adds and deletes queries, archives reports and bumps their updated_at", async () => {
    const result = sim.model.mutate({ addQueries: 2, deleteQueries: 1, archiveReports: 1 });
    const truth = sim.model.truth();
    expect(result.addedQueries.every((q) => truth.queries?.includes(q))).toBe(true);
    expect(truth.queries).not.toContain(result.deletedQueries[0]);
    const archived = (await api.get(`/${ws}/reports/${result.archivedReports[0] ?? ""}`)).json<Json>();
    expect(archived.archived).toBe(true);
    expect(truth.reports).toContain(archived.token);
    expect(result.updatedReports.length).toBeGreaterThanOrEqual(3);
    for (const token of result.updatedReports)
      expect(Date.parse((await api.get(`/${ws}/reports/${token}`)).json<Json>().updated_at as string)).toBeGreaterThan(
        Date.UTC(2026, 5, 1),
      );
  });

  it(
    "deletes charts: gone from their query's list and the truth, " + "404 alone, chart_count down, report updated",
    async () => {
      const before = sim.model.truth();
      const result = sim.model.mutate({ deleteCharts: 2 });
      expect(result.deletedCharts).toHaveLength(2);
      expect(result.summary).toBe("2 charts deleted");
      const truth = sim.model.truth();
      expect(truth.charts).toEqual((before.charts ?? []).filter((c) => !result.deletedCharts.includes(c)));
      expect(result.updatedReports.length).toBeGreaterThanOrEqual(1);
      let checked = 0;
      for (const report of result.updatedReports) {
        const body = (await api.get(`/${ws}/reports/${report}`)).json<Json>();
        expect(Date.parse(body.updated_at as string)).toBeGreaterThan(Date.UTC(2026, 5, 1));
        for (const query of embedded((await api.get(`/${ws}/reports/${report}/queries`)).json<Json>(), "queries")) {
          const charts = embedded(
            (await api.get(`/${ws}/reports/${report}/queries/${query.token as string}/charts`)).json<Json>(),
            "charts",
          ).map((c) => c.token as string);
          expect(query.chart_count).toBe(charts.length);
          expect(charts.filter((c) => result.deletedCharts.includes(c))).toEqual([]);
          for (const chart of result.deletedCharts) {
            const path = `/${ws}/reports/${report}/queries/${query.token as string}/charts/${chart}`;
            expect((await api.get(path)).status).toBe(404);
            checked++;
          }
          for (const chart of charts)
            expect(
              (await api.get(`/${ws}/reports/${report}/queries/${query.token as string}/charts/${chart}`)).status,
            ).toBe(200);
        }
      }
      expect(checked).toBeGreaterThan(0);
    },
  );

  it(
    "deletes groups, data sources and definitions: " + "gone from their lists and the truth, their details 404",
    async () => {
      const result = sim.model.mutate({ deleteGroups: 1, deleteDataSources: 1, deleteDefinitions: 1 });
      expect(result.summary).toBe("1 group deleted, 1 data source deleted, 1 definition deleted");
      const truth = sim.model.truth();
      const cases = [
        { list: "groups", key: "groups", gone: result.deletedGroups, left: 1 },
        { list: "data_sources", key: "data_sources", gone: result.deletedDataSources, left: 2 },
        { list: "definitions", key: "definitions", gone: result.deletedDefinitions, left: 1 },
      ];
      for (const { list, key, gone, left } of cases) {
        expect(gone).toHaveLength(1);
        const listed = embedded((await api.get(`/${ws}/${list}`)).json<Json>(), key).map((x) => x.token as string);
        expect(listed).toHaveLength(left);
        expect(listed).not.toContain(gone[0]);
        expect(truth[list]).toEqual(listed.slice().sort());
        expect((await api.get(`/${ws}/${list}/${gone[0] ?? ""}`)).status).toBe(404);
        for (const token of listed) expect((await api.get(`/${ws}/${list}/${token}`)).status).toBe(200);
      }
      expect((await api.get(`/${ws}/groups/${result.deletedGroups[0] ?? ""}/memberships`)).status).toBe(404);
      const groupMemberships: string[] = [];
      for (const group of truth.groups ?? [])
        groupMemberships.push(
          ...embedded((await api.get(`/${ws}/groups/${group}/memberships`)).json<Json>(), "group_memberships").map(
            (m) => m.token as string,
          ),
        );
      expect(truth.group_memberships).toEqual(groupMemberships.sort());
    },
  );

  it(
    "removes members (never the API user): their workspace, space and group memberships go, the others keep " +
      "their tokens",
    async () => {
      const before = sim.model.truth();
      const result = sim.model.mutate({ deleteMembers: 10 });
      // Five members, the API user kept: four removed.
      expect(result.deletedMembers).toHaveLength(4);
      expect(result.summary).toBe("4 members removed");
      const memberships = embedded((await api.get(`/${ws}/memberships`)).json<Json>(), "memberships");
      expect(memberships.map((m) => m.member_token)).toEqual([sim.model.world.state.members[0]?.token]);
      for (const gone of sim.model.world.state.members.slice(1))
        expect((await api.get(`/${ws}/memberships/${gone.username}`)).status).toBe(404);
      const truth = sim.model.truth();
      expect(truth.memberships).toEqual(memberships.map((m) => m.member_token as string));
      // What is left of space and group memberships is a subset of what was there (tokens do not move)...
      expect((truth.space_memberships ?? []).every((t) => before.space_memberships?.includes(t))).toBe(true);
      expect((truth.group_memberships ?? []).every((t) => before.group_memberships?.includes(t))).toBe(true);
      // ... and names only the remaining member.
      for (const group of truth.groups ?? []) {
        const members = embedded(
          (await api.get(`/${ws}/groups/${group}/memberships`)).json<Json>(),
          "group_memberships",
        );
        expect(members.every((m) => m.member_token === sim.model.world.state.members[0]?.token)).toBe(true);
        const body = (await api.get(`/${ws}/groups/${group}`)).json<Json>();
        expect(body.member_count).toBe(members.length);
      }
      const spaceMemberships: string[] = [];
      for (const space of truth.spaces ?? []) {
        const page = await api.get(`/${ws}/spaces/${space}/memberships`);
        if (page.status !== 200) continue;
        const items = embedded(page.json<Json>(), "space_memberships");
        expect(items.every((m) => m.member_token === sim.model.world.state.members[0]?.token)).toBe(true);
        spaceMemberships.push(...items.map((m) => m.token as string));
      }
      expect(truth.space_memberships).toEqual(spaceMemberships.sort());
      expect((before.space_memberships ?? []).length).toBeGreaterThan(spaceMemberships.length);
    },
  );

  it("purges runs: purge timestamps appear and their results answer 404", async () => {
    const result = sim.model.mutate({ purgeRuns: 2 });
    expect(result.purgedRuns).toHaveLength(2);
    for (const run of result.purgedRuns) {
      const report = await findRunReport(run);
      const body = (await api.get(`/${ws}/reports/${report}/runs/${run}`)).json<Json>();
      expect(body.purge_started_at).not.toBeNull();
      expect(body.purge_completed_at).not.toBeNull();
      const queryRun = embedded(
        (await api.get(`/${ws}/reports/${report}/runs/${run}/query_runs`)).json<Json>(),
        "query_runs",
      )[0];
      if (queryRun !== undefined)
        expect(
          (
            await api.get(
              `/${ws}/reports/${report}/runs/${run}/query_runs/${queryRun.token as string}/results/content.json`,
            )
          ).json<Json>(),
        ).toEqual({ id: "not_found", message: "run results not found" });
    }
  });

  it("changes the same tokens for the same seed and mutation sequence", async () => {
    const twin = await start({ seed: 8, clock: manualClock(Date.UTC(2020, 0, 1)) });
    try {
      const m = {
        touchReports: 2,
        addRunsToReports: 2,
        addReports: 1,
        deleteReports: 1,
        purgeRuns: 1,
        deleteCharts: 1,
        deleteMembers: 1,
        deleteGroups: 1,
        deleteDataSources: 1,
        deleteDefinitions: 1,
      };
      const a = sim.model.mutate(m);
      const b = twin.model.mutate(m);
      expect({ ...b, at: "" }).toEqual({ ...a, at: "" });
      expect(twin.model.truth()).toEqual(sim.model.truth());
    } finally {
      await twin.stop();
    }
  });

  it("accepts mutations over the control API and rejects unknown ones", async () => {
    const ok = await httpRequest(`${sim.controlUrl}/mutate`, "POST", {}, JSON.stringify({ touchReports: 1 }));
    expect(ok.status).toBe(200);
    expect(ok.json<Json>().touchedReports).toHaveLength(1);
    const deletions = await httpRequest(
      `${sim.controlUrl}/mutate`,
      "POST",
      {},
      JSON.stringify({
        deleteCharts: 1,
        deleteMembers: 1,
        deleteGroups: 1,
        deleteDataSources: 1,
        deleteDefinitions: 1,
      }),
    );
    expect(deletions.status).toBe(200);
    const answer = deletions.json<Json>();
    for (const key of ["deletedCharts", "deletedMembers", "deletedGroups", "deletedDataSources", "deletedDefinitions"])
      expect(answer[key]).toHaveLength(1);
    expect(sim.model.truth().memberships).not.toContain((answer.deletedMembers as string[])[0]);
    const bad = await httpRequest(`${sim.controlUrl}/mutate`, "POST", {}, JSON.stringify({ explode: 1 }));
    expect(bad.status).toBe(400);
    expect(bad.json<Json>()).toEqual({ error: "unknown mutation: explode" });
  });
});

async function findRunReport(run: string): Promise<string> {
  for (const report of sim.model.truth().reports ?? []) {
    const runs = embedded((await api.get(`/${ws}/reports/${report}/runs?per_page=100`)).json<Json>(), "report_runs");
    if (runs.some((r) => r.token === run)) return report;
  }
  throw new Error(`run ${run} not found`);
}
