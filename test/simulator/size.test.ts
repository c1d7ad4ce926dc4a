import { describe, expect, it } from "vitest";
import { client, embedded, start, type Json } from "./helpers.js";

describe("a large workspace", () => {
  it(
    "holds 5 spaces x 2,000 reports x 3 queries x 2 charts " + "x 20 runs in little memory and serves pages quickly",
    async () => {
      const heapBefore = process.memoryUsage().heapUsed;
      const started = Date.now();
      const sim = await start({
        seed: 2,
        size: {
          spaces: 5,
          personalSpaces: 0,
          emptySpaces: 0,
          reportsPerSpace: 2000,
          queriesPerReport: 3,
          chartsPerQuery: 2,
          runsPerReport: 20,
        },
      });
      try {
        const generationMs = Date.now() - started;
        const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
        console.log(`5x2000x3x2x20 workspace: generated in ${generationMs} ms, heap +${heapMb.toFixed(1)} MB`);
        expect(generationMs).toBeLessThan(5000);
        expect(heapMb).toBeLessThan(150);
        const minimal = sim.model.minimalRequests();
        // 10,000 reports (a few have no queries or runs, on purpose).
        expect(minimal.byStream.queries).toBe(10_000);
        expect(minimal.byStream.reports).toBe(5 * 67);
        expect(minimal.byStream.query_runs).toBeGreaterThan(190_000);
        const api = client(sim);
        const space = sim.model.world.state.spaces[4]?.token ?? "";
        const t = Date.now();
        const last = (await api.get(`/${sim.workspace}/spaces/${space}/reports?page=67`)).json<Json>();
        expect(embedded(last, "reports")).toHaveLength(20);
        const report = embedded(last, "reports")[19]?.token as string;
        const runs = (await api.get(`/${sim.workspace}/reports/${report}/runs?per_page=100`)).json<Json>();
        expect((runs.pagination as Json).total_count).toBe(20);
        expect(Date.now() - t).toBeLessThan(2000);
      } finally {
        await sim.stop();
      }
    },
  );
});
