import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverCatalog } from "../../src/catalog.js";
import { defaultRegistry, type StreamRegistry } from "../../src/runtime.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import type { StreamDefinition } from "../../src/streams/types.js";
import { selecting, syncInProcess } from "./walk-support.js";

/** What the end-of-run summary says about parents older than start_date and about records a stream flags. */
describe("the run summary", () => {
  let sim: RunningSimulator;
  const catalog = discoverCatalog();

  beforeAll(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 11,
      size: { spaces: 2, personalSpaces: 0, emptySpaces: 0, reportsPerSpace: 6, runsPerReport: 1, auditLogs: 0 },
    });
  });
  afterAll(() => sim.stop());

  it("reports a first sync's reports older than start_date as such, not as unchanged", async () => {
    const reportsOnly = selecting(catalog, (s) => s === "reports" || s === "queries");
    const all = await syncInProcess(sim, { catalog: reportsOnly, config: { start_date: "2000-01-01T00:00:00Z" } });
    const updated = (all.records.get("reports") ?? []).map((r) => String(r.updated_at)).sort();
    expect(updated.length).toBeGreaterThan(4);
    const startDate = updated[Math.floor(updated.length / 2)] ?? "";
    const older = updated.filter((u) => u < startDate).length;
    expect(older).toBeGreaterThan(0);

    const bounded = await syncInProcess(sim, { catalog: reportsOnly, config: { start_date: startDate } });
    expect(bounded.records.get("reports")?.length).toBe(updated.length - older);
    expect(bounded.logs).toMatch(new RegExp(`sync finished in .*; older than start_date: ${older} reports`));
    expect(bounded.logs).not.toMatch(/unchanged and skipped/);
    // Their queries were not read: only the reports from start_date on have them.
    const tokens = new Set((bounded.records.get("reports") ?? []).map((r) => r.token));
    expect((bounded.records.get("queries") ?? []).every((q) => tokens.has(q.report_token))).toBe(true);
  });

  it(
    "counts query_tables records carrying parse_error, " + "declared on the stream, and the run still succeeds",
    async () => {
      const registry = defaultRegistry();
      let broken = 0;
      // Every other query's SQL made unparsable: the real extractor reports it in parse_error.
      const definitions: StreamDefinition[] = registry.definitions.map((d) => {
        if (d.name !== "query_tables" || d.createDerive === undefined) return d;
        const create = d.createDerive;
        return {
          ...d,
          createDerive: () => {
            const derive = create();
            let n = 0;
            return (record, context, lookups) => {
              if (n++ % 2 === 1) return derive(record, context, lookups);
              broken++;
              return derive({ ...record, raw_query: "SELEC oops FROM WHERE ((" }, context, lookups);
            };
          },
        };
      });
      const withBrokenSql: StreamRegistry = { ...registry, definitions };
      const run = await syncInProcess(sim, {
        registry: withBrokenSql,
        catalog: selecting(catalog, (s) => s === "queries" || s === "query_tables"),
      });
      const failed = (run.records.get("query_tables") ?? []).filter((r) => r.parse_error !== null);
      expect(failed.length).toBe(broken);
      expect(failed.length).toBeGreaterThan(0);
      expect(run.logs).toMatch(
        new RegExp(`query_tables: ${failed.length} queries whose SQL could not be parsed \\(see parse_error\\)`),
      );
      expect(run.lastState?.currently_syncing).toBeNull();
    },
  );

  it("says nothing about parse failures when every query parses", async () => {
    const run = await syncInProcess(sim, {
      catalog: selecting(catalog, (s) => s === "queries" || s === "query_tables"),
    });
    expect((run.records.get("query_tables") ?? []).filter((r) => r.parse_error !== null)).toEqual([]);
    expect(run.logs).not.toMatch(/could not be parsed/);
  });
});
