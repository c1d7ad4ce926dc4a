import { afterEach, describe, expect, test } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { resultRow } from "../../src/simulator/results.js";
import { findRun, queryRunsOf } from "../../src/simulator/runs.js";
import type { ReportState } from "../../src/simulator/state.js";
import { ReportResultsError } from "../../src/sync/results/errors.js";
import type { TapState } from "../../src/state.js";
import { checkSingerOutput } from "../support/singer-check.js";
import { SMALL, healthyReports, logLines, reportsWhere, scaledClock, startSmall, syncResults } from "./support.js";

const TIME_FACTOR = 200;

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** The rows the simulator serves for every query run of a run, in order, as the tap should emit them. */
function expectedRows(
  simulator: RunningSimulator,
  report: ReportState,
  runToken: string,
): Array<{ query_run_token: string; row_number: number; row: Record<string, unknown> }> {
  const { world } = simulator.model;
  const run = findRun(world, report, runToken);
  if (run === undefined) throw new Error(`no run ${runToken}`);
  return queryRunsOf(world, run).flatMap((queryRun) =>
    Array.from({ length: world.size.resultRows }, (_, i) => ({
      query_run_token: queryRun.token,
      row_number: i + 1,
      row: resultRow(world, queryRun, i),
    })),
  );
}

function partitionsOf(state: unknown): Record<string, { run_token: string; completed_at: string | null }> {
  const bookmarks = (state as { bookmarks: Record<string, { partitions?: unknown }> }).bookmarks;
  return (bookmarks.query_results?.partitions ?? {}) as Record<
    string,
    { run_token: string; completed_at: string | null }
  >;
}

describe("report results from the latest successful run", () => {
  test(
    "every row of each query of the latest successful run becomes a query_results record carrying the run " +
      "token and completion time",
    async () => {
      const clock = scaledClock(TIME_FACTOR);
      sim = await startSmall(clock);
      const [first, second] = healthyReports(sim);
      if (!first || !second) throw new Error("the workspace lacks healthy reports");
      const result = await syncResults({ sim, clock, reportResults: { reports: [first.token, second.token] } });

      expect(result.error).toBeUndefined();
      const output = checkSingerOutput(result.stdout);
      expect(output.schemas.has("query_results")).toBe(true);
      for (const report of [first, second]) {
        const success = report.latestSuccess;
        if (success === null) throw new Error("no success");
        const records = result.records.filter((r) => r.report_token === report.token);
        const expected = expectedRows(sim, report, success.token);
        expect(records).toHaveLength(expected.length);
        expect(
          records.map((r) => ({ query_run_token: r.query_run_token, row_number: r.row_number, row: r.row })),
        ).toEqual(expected);
        for (const record of records) {
          expect(record.run_token).toBe(success.token);
          expect(record.run_completed_at).toBe(new Date(success.completedAt).toISOString());
          expect(typeof record.query_token).toBe("string");
          expect(typeof record.query_name).toBe("string");
        }
      }
      // The final STATE follows the last record and remembers the extracted run of each report.
      const partitions = partitionsOf(result.lastState);
      expect(partitions[first.token]).toEqual({
        run_token: first.latestSuccess?.token,
        completed_at: new Date(first.latestSuccess?.completedAt ?? 0).toISOString(),
        sync_id: expect.any(String),
      });
      expect(partitions[second.token]?.run_token).toBe(second.latestSuccess?.token);
      expect(result.lastState?.currently_syncing).toBeNull();
    },
  );

  test(
    "every report of a chosen space is extracted, " + "and one without a successful run is a warning, not a failure",
    async () => {
      const clock = scaledClock(TIME_FACTOR);
      sim = await startSmall(clock);
      const space = sim.model.world.state.spaces[0];
      if (!space) throw new Error("no space");
      const result = await syncResults({ sim, clock, reportResults: { spaces: [space.token] } });

      expect(result.error).toBeUndefined();
      const withRows = space.reports.filter((r) => r.latestSuccess !== null && r.baseQueryCount > 0);
      const neverSucceeded = space.reports.filter((r) => r.latestSuccess === null);
      expect(neverSucceeded.length).toBeGreaterThan(0);
      expect(new Set(result.records.map((r) => r.report_token))).toEqual(new Set(withRows.map((r) => r.token)));
      const total = withRows.reduce((n, r) => n + r.baseQueryCount * sim!.model.world.size.resultRows, 0);
      expect(result.records).toHaveLength(total);
      for (const report of neverSucceeded)
        expect(result.logs).toContain(`WARNING report results: ${report.token}: the report has no successful run`);
      expect(logLines(result.logs, "ERROR")).toEqual([]);
    },
  );

  test("row_limit stops each query's result after that many rows", async () => {
    const clock = scaledClock(TIME_FACTOR);
    sim = await startSmall(clock);
    const [report] = healthyReports(sim);
    if (!report) throw new Error("no report");
    const result = await syncResults({ sim, clock, reportResults: { reports: [report.token], row_limit: 5 } });

    expect(result.error).toBeUndefined();
    const byQueryRun = new Map<unknown, unknown[]>();
    for (const r of result.records)
      byQueryRun.set(r.query_run_token, [...(byQueryRun.get(r.query_run_token) ?? []), r.row_number]);
    expect([...byQueryRun.values()]).toEqual([
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
    ]);
  });

  test(
    "a run whose results were already extracted is skipped on the next sync, and a newer successful run is " +
      "extracted",
    async () => {
      const clock = scaledClock(TIME_FACTOR);
      sim = await startSmall(clock);
      const [report] = healthyReports(sim);
      if (!report) throw new Error("no report");
      const settings = { reports: [report.token] };
      const first = await syncResults({ sim, clock, reportResults: settings });
      expect(first.records.length).toBeGreaterThan(0);

      sim.model.resetStats();
      const second = await syncResults({ sim, clock, reportResults: settings, state: first.lastState });
      expect(second.error).toBeUndefined();
      expect(second.records).toEqual([]);
      expect(second.logs).toContain(
        `report results: ${report.token}: run ${report.latestSuccess?.token} was already extracted; skipping it`,
      );
      // Skipping costs one request: the report itself; no result is downloaded again.
      expect(sim.model.stats().byRoute).toEqual({ "GET /{ws}/reports/{report}": 1 });
      expect(partitionsOf(second.lastState)).toEqual(partitionsOf(first.lastState));

      // A new run succeeds in Mode (as a schedule would run it): the next sync extracts that one only.
      const newRun = sim.model.createRun(report, {});
      await clock.sleep(4000);
      expect(report.latestSuccess?.token).toBe(newRun.token);
      const third = await syncResults({ sim, clock, reportResults: settings, state: second.lastState });
      expect(third.error).toBeUndefined();
      expect(new Set(third.records.map((r) => r.run_token))).toEqual(new Set([newRun.token]));
      expect(third.records).toHaveLength(expectedRows(sim, report, newRun.token).length);
      expect(partitionsOf(third.lastState)[report.token]?.run_token).toBe(newRun.token);
    },
  );

  test(
    "purged results (404 run results not found) are a warning: " + "nothing is emitted for them and the sync succeeds",
    async () => {
      const clock = scaledClock(TIME_FACTOR);
      sim = await startSmall(clock, {
        size: { ...SMALL, spaces: 1, reportsPerSpace: 1, runsPerReport: 1, resultRows: 5 },
      });
      const [report] = reportsWhere(sim, (r) => r.latestSuccess !== null);
      if (!report) throw new Error("no report");
      const mutation = sim.model.mutate({ purgeRuns: 1 });
      expect(mutation.purgedRuns).toEqual([report.latestSuccess?.token]);

      const result = await syncResults({ sim, clock, reportResults: { reports: [report.token] } });
      expect(result.error).toBeUndefined();
      expect(result.records).toEqual([]);
      const warnings = logLines(result.logs, "WARNING").filter((l) =>
        l.includes('Mode no longer has this result (404 "run results not found"; results purged at'),
      );
      expect(warnings).toHaveLength(2);
      expect(logLines(result.logs, "ERROR")).toEqual([]);
      // Purged results cannot come back: the run counts as extracted, so the next sync does not warn again.
      expect(partitionsOf(result.lastState)[report.token]?.run_token).toBe(report.latestSuccess?.token);
    },
  );

  test("a result download that breaks off is downloaded again, and no row is lost or emitted twice", async () => {
    const clock = scaledClock(TIME_FACTOR);
    sim = await startSmall(clock, {
      size: { ...SMALL, spaces: 1, reportsPerSpace: 1, queriesPerReport: 1, runsPerReport: 1, resultRows: 3000 },
    });
    const [report] = reportsWhere(sim, (r) => r.latestSuccess !== null);
    if (!report) throw new Error("no report");
    // Requests: the report, its run, the query runs, then the result, which arrives cut short once (a complete HTTP
    // response whose JSON stops after a few hundred rows), as the simulator's "truncate" fault sends it.
    let requests = 0;
    let faulted = false;
    sim.model.faultInjector.draw = () => {
      requests++;
      if (requests !== 4) return null;
      faulted = true;
      return { kind: "truncate", delayMs: 0 };
    };
    const result = await syncResults({ sim, clock, reportResults: { reports: [report.token] } });

    expect(result.error).toBeUndefined();
    expect(faulted).toBe(true);
    expect(result.records.map((r) => r.row_number)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(logLines(result.logs, "WARNING").some((l) => l.includes("the result download broke off after"))).toBe(true);
  });
});

describe("report results from triggered runs", () => {
  test(
    "a triggered run is started with the configured parameters, polled until it succeeds, and its rows are " +
      "extracted",
    async () => {
      const clock = scaledClock(TIME_FACTOR);
      sim = await startSmall(clock, { runDelayMs: 5000 });
      const [report] = healthyReports(sim);
      if (!report) throw new Error("no report");
      const before = report.added.length;
      const result = await syncResults({
        sim,
        clock,
        reportResults: {
          reports: [report.token],
          trigger_run: true,
          parameters: { state: "CA", limit: 3 },
          poll_interval_seconds: 1,
        },
      });

      expect(result.error).toBeUndefined();
      expect(report.added).toHaveLength(before + 1);
      const run = report.added.at(-1);
      expect(run?.parameters).toEqual({ state: "CA", limit: 3 });
      expect(run?.state).toBe("succeeded");
      expect(new Set(result.records.map((r) => r.run_token))).toEqual(new Set([run?.token]));
      expect(result.records).toHaveLength(expectedRows(sim, report, run?.token ?? "").length);
      expect(result.records[0]?.run_completed_at).toBe(new Date(run?.completedAt ?? 0).toISOString());
      // Polled with backoff (1 s, 1.5 s, 2.25 s, ...) until the run ended about 5 s later: a handful of polls, not one
      // per second.
      const polls = sim.model.stats().byRoute["GET /{ws}/reports/{report}/runs/{run}"] ?? 0;
      expect(polls).toBeGreaterThanOrEqual(2);
      expect(polls).toBeLessThanOrEqual(6);
      expect(partitionsOf(result.lastState)[report.token]?.run_token).toBe(run?.token);
    },
  );

  test(
    "a failed run is logged at ERROR with Mode's error code and message, the other reports are extracted, " +
      "and the sync then fails with one summary after its final STATE",
    async () => {
      const clock = scaledClock(TIME_FACTOR);
      sim = await startSmall(clock, {
        size: { ...SMALL, spaces: 4, reportsPerSpace: 4, runsPerReport: 2, resultRows: 4 },
        runDelayMs: 2000,
      });
      const [failing] = reportsWhere(sim, (r) => r.failing && r.baseQueryCount > 0);
      const [one, two] = healthyReports(sim);
      if (!failing || !one || !two) throw new Error("the workspace lacks a failing or healthy reports");
      const healthy = [one, two];
      const result = await syncResults({
        sim,
        clock,
        reportResults: { reports: [one.token, failing.token, two.token], trigger_run: true, poll_interval_seconds: 1 },
      });

      expect(result.error).toBeInstanceOf(ReportResultsError);
      const error = result.error as ReportResultsError;
      expect(error.exitCode).toBe(1);
      expect(error.failures.map((f) => f.report)).toEqual([failing.token]);
      const failedRun = failing.added.at(-1);
      expect(failedRun?.state).toBe("failed");
      expect(error.message).toContain(`report results: 1 of 3 reports failed`);
      expect(error.message).toMatch(
        new RegExp(
          `${failing.token}: run ${failedRun?.token} failed at \\S+: query "[^"]+" \\(\\w{12}\\): ` +
            `(SqlUnknownFunction|SqlUnknownColumn|ResourceFailure): `,
        ),
      );
      const errors = logLines(result.logs, "ERROR");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`report results: ${failing.token}: run ${failedRun?.token} failed`);

      const output = checkSingerOutput(result.stdout);
      expect(new Set(result.records.map((r) => r.report_token))).toEqual(new Set(healthy.map((r) => r.token)));
      // The final STATE comes after the last record, closes the sync and covers both healthy reports only.
      expect(output.messages.at(-1)?.type).toBe("STATE");
      expect(Object.keys(partitionsOf(result.lastState)).sort()).toEqual(healthy.map((r) => r.token).sort());
      expect(result.lastState?.currently_syncing).toBeNull();
      expect(result.lastState?.tap_mode.sync_started_at).toBeUndefined();
    },
  );

  test(
    "a run that does not finish within wait_timeout_seconds ends its report with a clear error after polling " +
      "with backoff",
    async () => {
      const clock = scaledClock(TIME_FACTOR);
      sim = await startSmall(clock, { runDelayMs: 3_600_000 });
      const [report] = healthyReports(sim);
      if (!report) throw new Error("no report");
      const result = await syncResults({
        sim,
        clock,
        reportResults: {
          reports: [report.token],
          trigger_run: true,
          wait_timeout_seconds: 20,
          poll_interval_seconds: 2,
        },
      });

      expect(result.error).toBeInstanceOf(ReportResultsError);
      const run = report.added.at(-1);
      expect(run?.state).toBe("enqueued");
      expect((result.error as Error).message).toContain(
        `${report.token}: run ${run?.token} did not finish within wait_timeout_seconds (20 s; last state "enqueued"`,
      );
      // Pauses of 2, 3, 4.5, 6.75 s and what is left: at most five polls in the 20 s (fewer when the scaled-up request
      // latency eats into them), never one per poll_interval_seconds.
      const polls = sim.model.stats().byRoute["GET /{ws}/reports/{report}/runs/{run}"] ?? 0;
      expect(polls).toBeGreaterThanOrEqual(3);
      expect(polls).toBeLessThanOrEqual(5);
      expect(result.records).toEqual([]);
      expect(partitionsOf(result.lastState)).toEqual({});
    },
  );

  test(
    "a sync resumed after an interruption does not run " + "again the reports the interrupted sync already extracted",
    async () => {
      const clock = scaledClock(TIME_FACTOR);
      sim = await startSmall(clock, { runDelayMs: 1000 });
      const [done, pending] = healthyReports(sim);
      if (!done || !pending) throw new Error("no reports");
      const interruptedSync = "2026-06-01T00:00:00.000Z";
      const state: TapState = {
        bookmarks: {
          query_results: {
            partitions: {
              [done.token]: {
                run_token: "0123456789ab",
                completed_at: "2026-06-01T00:00:05.000Z",
                sync_id: interruptedSync,
              },
            },
          },
        },
        currently_syncing: "query_results",
        tap_mode: { format_version: 1, sync_started_at: interruptedSync },
      };
      const result = await syncResults({
        sim,
        clock,
        reportResults: { reports: [done.token, pending.token], trigger_run: true, poll_interval_seconds: 1 },
        state,
      });

      expect(result.error).toBeUndefined();
      expect(done.added).toHaveLength(0);
      expect(pending.added).toHaveLength(1);
      expect(new Set(result.records.map((r) => r.report_token))).toEqual(new Set([pending.token]));
      expect(result.logs).toContain(
        `report results: ${done.token}: run 0123456789ab was extracted by the interrupted sync this one resumes`,
      );
      expect(result.lastState?.tap_mode.sync_started_at).toBeUndefined();
    },
  );

  test("a report that does not exist is a failure of that report with a clear message", async () => {
    const clock = scaledClock(TIME_FACTOR);
    sim = await startSmall(clock);
    const [report] = healthyReports(sim);
    if (!report) throw new Error("no report");
    const result = await syncResults({ sim, clock, reportResults: { reports: ["000000000bad", report.token] } });

    expect(result.error).toBeInstanceOf(ReportResultsError);
    expect((result.error as ReportResultsError).failures).toEqual([
      { report: "000000000bad", reason: "report not found in workspace acme (deleted, or the token cannot see it)" },
    ]);
    expect(new Set(result.records.map((r) => r.report_token))).toEqual(new Set([report.token]));
  });
});

describe("report results configuration", () => {
  test("a space that does not exist is a failure, and the reports of the other spaces are extracted", async () => {
    const clock = scaledClock(TIME_FACTOR);
    sim = await startSmall(clock);
    const space = sim.model.world.state.spaces[1];
    if (!space) throw new Error("no space");
    const result = await syncResults({ sim, clock, reportResults: { spaces: ["00000000dead", space.token] } });

    expect(result.error).toBeInstanceOf(ReportResultsError);
    expect((result.error as ReportResultsError).failures).toEqual([
      { report: "space 00000000dead", reason: "the space was not found or the token may not list it (HTTP 404)" },
    ]);
    const withRows = space.reports.filter((r) => r.latestSuccess !== null && r.baseQueryCount > 0);
    expect(new Set(result.records.map((r) => r.report_token))).toEqual(new Set(withRows.map((r) => r.token)));
  });

  test(
    "query_results selected without report_results draws " + "one warning and the sync succeeds with no records",
    async () => {
      const clock = scaledClock(TIME_FACTOR);
      sim = await startSmall(clock);
      const result = await syncResults({ sim, clock });

      expect(result.error).toBeUndefined();
      expect(result.records).toEqual([]);
      expect(
        logLines(result.logs, "WARNING").filter((l) => l.includes("report_results names no reports or spaces")),
      ).toHaveLength(1);
      expect(sim.model.stats().requests).toBe(0);
    },
  );
});
