import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimHarness, catalogSelecting, keysOf, type TapRun } from "../support/sim-harness.js";

/** Streams a sync of everything selectable covers, with the key the simulator's truth lists. */
const KEYS: Record<string, string> = { memberships: "member_token", audit_logs: "id" };

describe("full and incremental sync against the simulator", () => {
  let h: SimHarness;
  let full: TapRun;
  const catalog = catalogSelecting();

  beforeAll(async () => {
    h = await SimHarness.start({
      seed: 11,
      size: {
        spaces: 3,
        personalSpaces: 1,
        emptySpaces: 1,
        reportsPerSpace: 8,
        queriesPerReport: 2,
        chartsPerQuery: 1,
        runsPerReport: 3,
      },
    });
    full = await h.tap({ catalog });
  });
  afterAll(() => h.stop());

  it("a full sync equals the simulator's truth, key for key, for every stream", () => {
    expect(full.code).toBe(0);
    const truth = h.sim.model.truth();
    for (const [stream, keys] of Object.entries(truth)) {
      expect({ stream, keys: keysOf(full.output, stream, KEYS[stream] ?? "token") }).toEqual({
        stream,
        keys: [...keys].sort(),
      });
    }
  });

  it("ends with a final STATE that has no resume markers and a bookmark per incremental stream", () => {
    const state = full.output.lastState as {
      bookmarks: Record<string, Record<string, unknown>>;
      currently_syncing: unknown;
      tap_mode: Record<string, unknown>;
    };
    expect(state.currently_syncing).toBeNull();
    expect(state.tap_mode).toEqual({ format_version: 1 });
    expect(state.bookmarks.reports?.replication_key).toBe("updated_at");
    expect(typeof state.bookmarks.reports?.replication_key_value).toBe("string");
    expect(Object.keys(state.bookmarks.runs?.partitions as object).length).toBeGreaterThan(0);
    expect(JSON.stringify(state)).not.toMatch(/completed_sync|completed_parents/);
  });

  it("a second run on an unchanged workspace reads only the lists and emits no report children", async () => {
    h.sim.model.resetStats();
    const again = await h.tap({ catalog, state: full.output.lastState });
    expect(again.code).toBe(0);
    const routes = Object.keys(h.sim.model.stats().byRoute).sort();
    expect(routes).toEqual(
      [
        "GET /{ws}",
        "GET /{ws}/audit_logs",
        "GET /{ws}/data_sources",
        "GET /{ws}/definitions",
        "GET /{ws}/groups",
        "GET /{ws}/groups/{group}/memberships",
        "GET /{ws}/memberships",
        "GET /{ws}/spaces",
        "GET /{ws}/spaces/{space}/datasets",
        "GET /{ws}/spaces/{space}/memberships",
        "GET /{ws}/spaces/{space}/reports",
      ].sort(),
    );
    for (const stream of [
      "reports",
      "queries",
      "charts",
      "runs",
      "query_runs",
      "report_filters",
      "report_schedules",
      "datasets",
      "dataset_runs",
    ]) {
      expect({ stream, n: keysOf(again.output, stream).length }).toEqual({ stream, n: 0 });
    }
    expect(again.stderr).toMatch(/unchanged and skipped: \d+ reports/);
  });

  it(
    "after changes, the incremental run emits what changed, marks " +
      "deletions, and fetches children only for changed reports",
    async () => {
      const change = h.sim.model.mutate({
        touchReports: 2,
        addRunsToReports: 2,
        runsEach: 1,
        addReports: 1,
        deleteReports: 1,
      });
      h.sim.model.resetStats();
      const inc = await h.tap({ catalog, state: full.output.lastState });
      expect(inc.code).toBe(0);
      const reports = inc.output.records.get("reports") ?? [];
      const live = reports
        .filter((r) => r._sdc_deleted_at === null || r._sdc_deleted_at === undefined)
        .map((r) => String(r.token));
      const deleted = reports.filter((r) => typeof r._sdc_deleted_at === "string").map((r) => String(r.token));
      const changedReports = new Set([...change.touchedReports, ...change.reportsWithNewRuns, ...change.addedReports]);
      for (const token of changedReports) if (!change.deletedReports.includes(token)) expect(live).toContain(token);
      expect(new Set(live).size).toBe(live.length);
      for (const token of live) expect(changedReports.has(token)).toBe(true);
      expect(deleted).toEqual([...change.deletedReports]);
      expect(keysOf(inc.output, "runs")).toEqual(expect.arrayContaining([...change.addedRuns].sort()));
      expect(keysOf(inc.output, "query_runs")).toEqual(expect.arrayContaining([...change.addedQueryRuns].sort()));
      const byRoute = h.sim.model.stats().byRoute;
      // Children are fetched once per changed live report, runs listed only where last_run_at moved (+ new reports).
      const liveChanged = [...changedReports].filter((t) => !change.deletedReports.includes(t)).length;
      expect(byRoute["GET /{ws}/reports/{report}/queries"]).toBe(liveChanged);
      expect(byRoute["GET /{ws}/reports/{report}/runs"] ?? 0).toBeLessThanOrEqual(change.reportsWithNewRuns.length);
      // Query runs are read for the new runs only: the run at the bookmark is re-emitted (>=) without a second request.
      expect(byRoute["GET /{ws}/reports/{report}/runs/{run}/query_runs"]).toBe(change.addedRuns.length);
      const state = inc.output.lastState as {
        bookmarks: { reports: { versions: Record<string, Record<string, string>> } };
      };
      const versioned = Object.values(state.bookmarks.reports.versions).flatMap((v) => Object.keys(v));
      for (const token of change.deletedReports) expect(versioned).not.toContain(token);
      for (const token of change.addedReports) expect(versioned).toContain(token);
    },
  );
});
