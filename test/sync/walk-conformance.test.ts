import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverCatalog } from "../../src/catalog.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import { streamDefinitions } from "../../src/streams/registry.js";
import { selecting, syncInProcess } from "./walk-support.js";

/**
 * Every stream of the registry is reached by the walk when it is the only one selected, so a stream can no longer be
 * defined, discovered and selected and still never be synced. Streams the simulator cannot produce would be listed in
 * EXCEPTIONS with the reason; today it produces every one (report results with `report_results` naming a report).
 */
const EXCEPTIONS: Readonly<Record<string, string>> = {};

describe("every stream is reached by the walk when selected alone", () => {
  let sim: RunningSimulator;
  let reportWithResults: string;
  const catalog = discoverCatalog();

  beforeAll(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 7,
      size: { spaces: 2, personalSpaces: 1, emptySpaces: 0, reportsPerSpace: 3, runsPerReport: 2, auditLogs: 5 },
    });
    const report = sim.model.world.state.spaces
      .flatMap((s) => s.reports)
      .find((r) => !r.deleted && r.trait === "normal" && !r.failing && r.latestSuccess !== null);
    if (report === undefined) throw new Error("the simulated workspace has no report with a successful run");
    reportWithResults = report.token;
  });
  afterAll(() => sim.stop());

  const names = streamDefinitions().map((d) => d.name);
  it("covers the whole registry (a stream is either reached below or excused with a reason)", () => {
    expect(names.length).toBeGreaterThan(20);
    for (const name of Object.keys(EXCEPTIONS)) expect(names).toContain(name);
  });

  it.each(names.filter((n) => EXCEPTIONS[n] === undefined))("%s", async (name) => {
    const run = await syncInProcess(sim, {
      catalog: selecting(catalog, (s) => s === name),
      config: { report_results: { reports: [reportWithResults] } },
    });
    expect([...run.records.keys()]).toEqual([name]);
    expect(run.records.get(name)?.length ?? 0).toBeGreaterThan(0);
    expect(run.lastState?.currently_syncing).toBeNull();
  });
});
