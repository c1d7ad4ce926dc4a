import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimHarness, catalogSelecting, completeLines, keysOf, type TapRun } from "../support/sim-harness.js";
import { checkSingerOutput } from "../support/singer-check.js";

const KEYS: Record<string, string> = { memberships: "member_token", audit_logs: "id" };
const SIZE = {
  spaces: 3,
  personalSpaces: 1,
  emptySpaces: 1,
  reportsPerSpace: 6,
  queriesPerReport: 2,
  chartsPerQuery: 1,
  runsPerReport: 3,
};

/** A small deterministic PRNG so a failing kill schedule can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sends `signal` to the tap once `afterRecords` RECORD lines have arrived on its stdout. */
function signalAfter(afterRecords: number, signal: NodeJS.Signals): (child: ChildProcess) => void {
  return (child) => {
    let seen = 0;
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith('{"type":"RECORD"')) seen++;
      if (seen >= afterRecords && child.exitCode === null && !child.killed) child.kill(signal);
    });
  };
}

describe("interrupted syncs", () => {
  let h: SimHarness;
  const catalog = catalogSelecting();
  let truth: Record<string, string[]>;

  beforeAll(async () => {
    h = await SimHarness.start(
      { seed: 5, size: SIZE, latencyMs: 2 },
      { state_interval_records: 5, max_concurrency: 4 },
    );
    truth = h.sim.model.truth();
  });
  afterAll(() => h.stop());

  it(
    "SIGKILL at 10 random points, each run resumed from the " +
      "last STATE it wrote: the union of records equals the truth",
    async () => {
      const random = mulberry32(20261122);
      const seen = new Map<string, Set<string>>();
      let state: unknown;
      let kills = 0;
      for (let attempt = 0; attempt < 10; attempt++) {
        const after = 1 + Math.floor(random() * 120);
        const run: TapRun = await h.tap({
          catalog,
          state,
          check: false,
          cli: { onSpawn: signalAfter(after, "SIGKILL") },
        });
        if (run.signal === "SIGKILL") kills++;
        const output = checkSingerOutput(completeLines(run.stdout), { requireFinalState: run.signal !== "SIGKILL" });
        for (const [stream, records] of output.records) {
          let set = seen.get(stream);
          if (!set) seen.set(stream, (set = new Set()));
          for (const r of records)
            if (r._sdc_deleted_at === undefined || r._sdc_deleted_at === null)
              set.add(String(r[KEYS[stream] ?? "token"]));
        }
        if (output.lastState !== undefined) state = output.lastState;
      }
      const last = await h.tap({ catalog, state });
      expect(last.code).toBe(0);
      for (const [stream, records] of last.output.records) {
        let set = seen.get(stream);
        if (!set) seen.set(stream, (set = new Set()));
        for (const r of records) set.add(String(r[KEYS[stream] ?? "token"]));
      }
      expect(kills).toBeGreaterThanOrEqual(5);
      for (const [stream, keys] of Object.entries(truth)) {
        expect({ stream, keys: [...(seen.get(stream) ?? [])].sort() }).toEqual({ stream, keys: [...keys].sort() });
      }
    },
  );

  it("a run resumed from a mid-sync STATE does not emit again the reports and children that STATE covers", async () => {
    const killed = await h.tap({ catalog, check: false, cli: { onSpawn: signalAfter(60, "SIGKILL") } });
    expect(killed.signal).toBe("SIGKILL");
    const lines = completeLines(killed.stdout).trimEnd().split("\n");
    const lastStateLine = lines
      .map((l, i) => [l, i] as const)
      .filter(([l]) => l.startsWith('{"type":"STATE"'))
      .at(-1);
    expect(lastStateLine).toBeDefined();
    const [stateLine, stateIndex] = lastStateLine ?? ["", 0];
    const before = checkSingerOutput(`${lines.slice(0, stateIndex + 1).join("\n")}\n`);
    const resumed = await h.tap({ catalog, state: (JSON.parse(stateLine) as { value: unknown }).value });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming the sync started at/);
    for (const stream of [
      "reports",
      "queries",
      "charts",
      "report_filters",
      "report_schedules",
      "report_subscriptions",
      "query_runs",
    ]) {
      const earlier = new Set(keysOf(before, stream));
      const again = keysOf(resumed.output, stream).filter((k) => earlier.has(k));
      expect({ stream, again }).toEqual({ stream, again: [] });
    }
  });

  it(
    "SIGTERM mid-sync writes the last safe STATE, keeps " + "stdout whole and exits 143; resuming completes the sync",
    async () => {
      const stopped = await h.tap({ catalog, check: false, cli: { onSpawn: signalAfter(40, "SIGTERM") } });
      expect(stopped.code).toBe(143);
      expect(stopped.stderr).toMatch(/received SIGTERM/);
      expect(stopped.stderr).toMatch(/CRITICAL interrupted by SIGTERM/);
      expect(stopped.stdout.endsWith("\n")).toBe(true);
      const output = checkSingerOutput(stopped.stdout);
      expect(output.messages.at(-1)?.type).toBe("STATE");
      const state = output.lastState as { currently_syncing: unknown; tap_mode: { sync_started_at?: string } };
      expect(typeof state.tap_mode.sync_started_at).toBe("string");
      const resumed = await h.tap({ catalog, state });
      expect(resumed.code).toBe(0);
      const union = new Set([...keysOf(output, "reports"), ...keysOf(resumed.output, "reports")]);
      expect([...union].sort()).toEqual([...(truth.reports ?? [])].sort());
    },
  );

  it("a stale currently_syncing naming a deselected stream is ignored", async () => {
    const onlySpaces = catalogSelecting((s) => s === "spaces");
    const run = await h.tap({
      catalog: onlySpaces,
      state: { bookmarks: {}, currently_syncing: "audit_logs", tap_mode: { format_version: 1 } },
    });
    expect(run.code).toBe(0);
    expect(keysOf(run.output, "spaces")).toEqual([...(truth.spaces ?? [])].sort());
  });
});
