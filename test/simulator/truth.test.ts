import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { crawlWorkspace } from "./crawler.js";
import { client, start, type Client } from "./helpers.js";

let sim: RunningSimulator;
let api: Client;

beforeAll(async () => {
  sim = await start({ seed: 31, size: { auditLogs: 230, groups: 23, runsPerReport: 4, schedulesPerReport: 2 } });
  api = client(sim);
});

afterAll(async () => {
  await sim.stop();
});

describe("truth and minimal requests", () => {
  it("lists exactly the primary keys a complete walk of the API finds, stream by stream", async () => {
    const crawl = await crawlWorkspace(api, sim.workspace);
    const truth = sim.model.truth();
    expect(Object.keys(crawl.keys).sort()).toEqual(Object.keys(truth).sort());
    for (const [stream, keys] of Object.entries(truth)) {
      expect(crawl.keys[stream], stream).toEqual(keys);
      expect(new Set(keys).size, `${stream} keys are unique`).toBe(keys.length);
    }
    // Every token is 12 hex digits (docs/mode-api.md §2.2); audit-log ids are UUIDs.
    for (const [stream, keys] of Object.entries(truth)) {
      for (const key of keys)
        expect(key, stream).toMatch(
          stream === "audit_logs"
            ? /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
            : /^[0-9a-f]{12}$/,
        );
    }
  });

  it("counts the fewest requests a complete sync needs, equal to the careful walk's count", async () => {
    sim.model.resetStats();
    const crawl = await crawlWorkspace(api, sim.workspace);
    const minimal = sim.model.minimalRequests();
    expect(crawl.requests).toBe(minimal.total);
    expect(sim.model.stats().requests).toBe(minimal.total);
    expect(minimal.byStream.groups).toBe(2);
    expect(minimal.byStream.audit_logs).toBe(3);
    // One run per page: a request per run, and one for each report without runs (its empty first page).
    const reports = sim.model.world.state.spaces.flatMap((s) => s.reports);
    const expected = reports.reduce((n, r) => n + Math.max(1, r.baseRuns + r.added.length), 0);
    expect(sim.model.minimalRequests({ runsPerPage: 1, streams: ["runs"] })).toEqual({
      total: expected,
      byStream: { runs: expected },
    });
  });

  it("keeps truth and the API in agreement after mutations", async () => {
    sim.model.mutate({
      addReports: 2,
      deleteReports: 2,
      addRunsToReports: 3,
      runsEach: 2,
      addQueries: 2,
      deleteQueries: 2,
      archiveReports: 1,
      purgeRuns: 2,
      touchReports: 2,
    });
    const crawl = await crawlWorkspace(api, sim.workspace);
    expect(crawl.keys).toEqual(sim.model.truth());
    expect(crawl.requests).toBe(sim.model.minimalRequests().total);
  });

  it("counts a 403 for each admin-only list when the token is not an admin", async () => {
    const plain = await start({ seed: 31, admin: false });
    try {
      const minimal = plain.model.minimalRequests({ streams: ["groups", "group_memberships", "audit_logs"] });
      expect(minimal).toEqual({ total: 2, byStream: { groups: 1, group_memberships: 0, audit_logs: 1 } });
    } finally {
      await plain.stop();
    }
  });
});
