import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { liveQueries } from "../../src/simulator/bodies/reports.js";
import type { ReportState } from "../../src/simulator/state.js";
import {
  client,
  embedded,
  eventually,
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
  clock = manualClock();
  sim = await start({ seed: 3, clock, runDelayMs: 500, size: { resultRows: 7 } });
  api = client(sim);
  ws = sim.workspace;
});

afterEach(async () => {
  await sim.stop();
});

function reportWhere(predicate: (r: ReportState) => boolean): ReportState {
  const found = [...sim.model.world.state.reportsByToken.values()].find(predicate);
  if (found === undefined) throw new Error("no such report");
  return found;
}

describe("running a report", () => {
  it(
    "answers 202 with an enqueued run that succeeds after runDelayMs, with completed_at and downloadable " +
      "query runs",
    async () => {
      const report = reportWhere((r) => !r.dataset && !r.failing && liveQueries(r).length === 2);
      const before = (await api.get(`/${ws}/reports/${report.token}`)).json<Json>();
      const created = await api.post(`/${ws}/reports/${report.token}/runs`, { parameters: { region: "EMEA" } });
      expect(created.status).toBe(202);
      const run = created.json<Json>();
      expect(run).toMatchObject({
        state: "enqueued",
        completed_at: null,
        parameters: { region: "EMEA" },
        is_latest_report_run: true,
      });
      expect((run._forms as Json).cancel).toBeDefined();
      const runPath = `/${ws}/reports/${report.token}/runs/${run.token as string}`;
      const enqueuedQueryRuns = embedded((await api.get(`${runPath}/query_runs`)).json<Json>(), "query_runs");
      expect(enqueuedQueryRuns.map((q) => q.state)).toEqual(["enqueued", "enqueued"]);
      expect(
        (await api.get(`${runPath}/query_runs/${enqueuedQueryRuns[0]?.token as string}/results/content.json`)).status,
      ).toBe(404);
      const listed = embedded((await api.get(`/${ws}/reports/${report.token}/runs`)).json<Json>(), "report_runs");
      expect(listed[0]?.token).toBe(run.token);
      const afterPost = (await api.get(`/${ws}/reports/${report.token}`)).json<Json>();
      expect(afterPost.runs_count).toBe((before.runs_count as number) + 1);
      expect(afterPost.last_run_at).toBe(run.created_at);

      clock.advance(499);
      expect((await api.get(runPath)).json<Json>().state).toBe("enqueued");
      clock.advance(1);
      await eventually(async () => (await api.get(runPath)).json<Json>().state === "succeeded");
      const done = (await api.get(runPath)).json<Json>();
      expect(Date.parse(done.completed_at as string)).toBeGreaterThan(Date.parse(done.created_at as string));
      expect(done._forms).toBeUndefined();
      const queryRuns = embedded((await api.get(`${runPath}/query_runs`)).json<Json>(), "query_runs");
      expect(queryRuns.map((q) => q.state)).toEqual(["succeeded", "succeeded"]);
      expect(queryRuns.map((q) => q.query_token)).toEqual(liveQueries(report).map((q) => q.token));
      const rows = (await api.get(`${runPath}/query_runs/${queryRuns[1]?.token as string}/results/content.json`)).json<
        unknown[]
      >();
      expect(rows).toHaveLength(7);
      const after = (await api.get(`/${ws}/reports/${report.token}`)).json<Json>();
      expect(after.last_successful_run_token).toBe(run.token);
      expect(after.last_successfully_run_at).toBe(done.completed_at);
      // A success bumps updated_at (DataHub fixtures show it a few ms after the run).
      expect(Date.parse(after.updated_at as string)).toBeGreaterThan(Date.parse(done.completed_at as string));
    },
  );

  it(
    "fails a run when the parameters say fail or the report is flagged to fail, with the error on the failed " +
      "query run",
    async () => {
      for (const [report, parameters] of [
        [reportWhere((r) => !r.dataset && !r.failing && liveQueries(r).length > 0), { fail: true }],
        [reportWhere((r) => r.failing), {}],
      ] as const) {
        const run = (await api.post(`/${ws}/reports/${report.token}/runs`, { parameters })).json<Json>();
        clock.advance(500);
        const runPath = `/${ws}/reports/${report.token}/runs/${run.token as string}`;
        await eventually(async () => (await api.get(runPath)).json<Json>().state === "failed");
        const queryRuns = embedded((await api.get(`${runPath}/query_runs`)).json<Json>(), "query_runs");
        const failed = queryRuns.filter((q) => q.state === "failed");
        expect(failed).toHaveLength(1);
        expect(failed[0]).toMatchObject({ error_type: "generic", help_url: "https://mode.com/help" });
        expect(typeof failed[0]?.error_code).toBe("string");
        expect(typeof failed[0]?.error_message).toBe("string");
        const results = await api.get(`${runPath}/query_runs/${failed[0]?.token as string}/results/content.csv`);
        expect(results.status).toBe(404);
        expect((await api.get(`/${ws}/reports/${report.token}`)).json<Json>().last_successful_run_token).not.toBe(
          run.token,
        );
      }
    },
  );

  it("refuses a body without parameters and answers 404 for an unknown report", async () => {
    const report = reportWhere((r) => !r.dataset);
    const missing = await api.post(`/${ws}/reports/${report.token}/runs`, {});
    expect(missing.status).toBe(400);
    expect(missing.json<Json>()).toEqual({
      id: "param_missing",
      message: "param is missing or the value is empty: parameters",
    });
    expect((await api.post(`/${ws}/reports/${report.token}/runs`, { parameters: "x" })).status).toBe(400);
    const unknown = await api.post(`/${ws}/reports/000000000000/runs`, { parameters: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.json<Json>()).toEqual({ id: "not_found", message: "Report not found" });
  });

  it("runs datasets through /datasets/{d}/runs and lists them under report_runs", async () => {
    const dataset = reportWhere((r) => r.dataset);
    const run = await api.post(`/${ws}/datasets/${dataset.token}/runs`, { parameters: {} });
    expect(run.status).toBe(202);
    expect(run.json<Json>().parameters).toBeUndefined();
    const listed = embedded((await api.get(`/${ws}/datasets/${dataset.token}/runs`)).json<Json>(), "report_runs");
    expect(listed[0]?.token).toBe(run.json<Json>().token);
  });
});
