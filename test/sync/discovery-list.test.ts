import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverCatalog } from "../../src/catalog.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import { computeDiscoveryTruth } from "../../src/simulator/truth.js";
import type { TapState } from "../../src/state.js";
import { selecting, syncInProcess } from "./walk-support.js";

/** The discovery-list walk's resume semantics and paging, in process against the simulator. */
describe("the discovery-list walk", () => {
  let sim: RunningSimulator;
  const catalog = discoverCatalog();
  const both = (s: string): boolean => s === "discovery_spaces" || s === "discovery_reports";

  beforeAll(async () => {
    // per_page at most 999 (the Swagger's reading of Mode's limit): the 400 -> 999 fallback runs once per list.
    sim = await startSimulator({
      rateLimit: false,
      seed: 9,
      size: { spaces: 2, personalSpaces: 1, emptySpaces: 0, reportsPerSpace: 12, runsPerReport: 1 },
      discovery: { maxPerPage: 999 },
    });
  });
  afterAll(() => sim.stop());

  it(
    "reads each list to the end (after the 400 -> 999 " + "fallback); the final STATE drops the completion markers",
    async () => {
      const run = await syncInProcess(sim, { catalog: selecting(catalog, both) });
      const truth = computeDiscoveryTruth(sim.model.world);
      expect((run.records.get("discovery_reports") ?? []).map((r) => String(r.token)).sort()).toEqual(
        truth.discovery_reports,
      );
      expect(run.logs).toMatch(/per_page=1000 answered HTTP 400; asking again with per_page=999/);
      expect(run.lastState?.currently_syncing).toBeNull();
      expect(JSON.stringify(run.lastState?.bookmarks)).not.toMatch(/completed_sync/);
    },
  );

  it("a run resuming an interrupted sync skips the lists that sync completed and reads the others", async () => {
    const syncId = "2026-12-02T10:00:00.000Z";
    const state = {
      bookmarks: { discovery_spaces: { completed_sync: syncId } },
      currently_syncing: "discovery",
      tap_mode: { format_version: 1, sync_started_at: syncId },
    } as unknown as TapState;
    const before = sim.discovery.signatureTokens().length;
    const run = await syncInProcess(sim, { catalog: selecting(catalog, both), state });
    expect(run.records.get("discovery_spaces") ?? []).toEqual([]);
    expect(run.logs).toMatch(/stream discovery_spaces: already completed by the interrupted sync/);
    expect((run.records.get("discovery_reports") ?? []).length).toBe(
      computeDiscoveryTruth(sim.model.world).discovery_reports?.length,
    );
    expect(sim.discovery.signatureTokens().length).toBe(before + 1);
    expect(sim.discovery.liveSignatureTokens()).toHaveLength(0);
    expect(run.lastState?.tap_mode.sync_started_at).toBeUndefined();
  });
});
