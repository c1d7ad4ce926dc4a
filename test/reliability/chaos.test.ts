import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import type { FaultKind } from "../../src/simulator/types.js";
import { catalogSelecting } from "../support/sim-harness.js";
import { acceleratedClock, keysByStream, syncInProcess, type InProcessRun } from "./support.js";

const KINDS: readonly FaultKind[] = ["500", "502", "503", "429", "reset", "truncate", "slow"];

/**
 * One clock second lasts 5 real milliseconds: the client's backoff (full jitter from 1 s, doubling), the 1 s
 * Retry-After of injected 429s and the limiter's pauses all run as written, 200 times faster.
 */
const TIME_FACTOR = 200;

describe("a sync under injected faults", () => {
  let sim: RunningSimulator;
  let clean: InProcessRun;
  let chaos: InProcessRun;
  let faults: Readonly<Record<string, number>>;
  let requests: number;

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 23,
      rateLimit: false,
      size: {
        spaces: 2,
        personalSpaces: 1,
        emptySpaces: 1,
        reportsPerSpace: 6,
        datasetsPerSpace: 1,
        queriesPerReport: 2,
        chartsPerQuery: 1,
        runsPerReport: 3,
      },
    });
    const config = {
      api_token: sim.token,
      api_secret: sim.secret,
      workspace: sim.workspace,
      base_url: sim.baseUrl,
      start_date: "2019-01-01T00:00:00Z",
      rate_limit_requests: 1000,
      rate_limit_window_seconds: 1,
    };
    const catalog = catalogSelecting();
    const secrets = [sim.token, sim.secret];
    clean = await syncInProcess(config, catalog, acceleratedClock(TIME_FACTOR), secrets);
    // 20% of /api requests get a fault, every kind equally likely; a 429 is followed by two more (a burst).
    sim.model.setFaults({
      rate: 0.2,
      kinds: Object.fromEntries(KINDS.map((k) => [k, 1])),
      slowMs: 40,
      seed: 5,
      burst: 3,
    });
    sim.model.resetStats();
    chaos = await syncInProcess(config, catalog, acceleratedClock(TIME_FACTOR), secrets);
    faults = sim.model.stats().faults;
    requests = sim.model.stats().requests;
    sim.model.setFaults(null);
  });
  afterAll(() => sim.stop());

  it("meets every kind of fault: 5xx, 429, resets, truncated bodies and slow responses", () => {
    for (const kind of KINDS) expect({ kind, seen: (faults[kind] ?? 0) > 0 }).toEqual({ kind, seen: true });
    const injected = Object.values(faults).reduce((a, b) => a + b, 0);
    expect(injected / requests).toBeGreaterThan(0.15);
  });

  it(
    "completes, retrying the failed requests, and emits exactly the records of the fault-free sync, key for " +
      "key per stream",
    () => {
      expect(chaos.summary.http.retries).toBeGreaterThan(0);
      expect(chaos.summary.http.rateLimited).toBeGreaterThan(0);
      expect(chaos.stderr).toMatch(/Retrying GET \S+ after 429/);
      expect(chaos.stderr).toMatch(/Retrying GET \S+ after (response body is truncated or not JSON|\w+) /);
      const expected = keysByStream(clean.output);
      expect(Object.keys(expected).length).toBeGreaterThanOrEqual(15);
      expect(keysByStream(chaos.output)).toEqual(expected);
    },
  );

  it("ends with the same final bookmarks as the fault-free sync", () => {
    // Table versions are the second each read started (docs/deletions.md): equal bookmarks apart from them.
    const bookmarks = (run: InProcessRun): unknown =>
      JSON.parse(
        JSON.stringify((run.output.lastState as { bookmarks: unknown }).bookmarks, (key, value: unknown) =>
          key === "version" && typeof value === "number" ? undefined : value,
        ),
      ) as unknown;
    expect(bookmarks(chaos)).toEqual(bookmarks(clean));
  });
});
