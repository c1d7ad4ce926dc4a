import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.js";
import type { HttpStats } from "../../src/http/client.js";
import { createLogger } from "../../src/log.js";
import type { EstimatedKind } from "../../src/sync/estimate.js";
import { Progress, describeTimeLeft, formatSeconds, type TimeLeft } from "../../src/sync/progress.js";

/** A small deterministic PRNG (mulberry32), so the simulated workspace is uneven but the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The walk's list streams, as the engine derives them from the plan (parents first). */
const KINDS: EstimatedKind[] = [
  { name: "spaces", parent: undefined },
  { name: "reports", parent: "spaces" },
  { name: "queries", parent: "reports" },
  { name: "charts", parent: "queries" },
  { name: "report_filters", parent: "reports" },
  { name: "runs", parent: "reports" },
  { name: "query_runs", parent: "runs" },
  { name: "groups", parent: undefined },
  { name: "group_memberships", parent: "groups" },
];

interface Tick {
  readonly at: number;
  readonly left: TimeLeft;
}

/**
 * A sync simulated on a fake clock at a fixed request rate, calling the tracker as the walk does (lists.ts reports each
 * list's pages, versioned-parent done/unchanged/olderThanStart, run-partitioned notRead/listSkipped); every list
 * page is one request. The progress estimate is sampled every `tickMs` of fake time.
 */
function simulate(
  seed: number,
  ratePerSecond: number,
  tickMs: number,
  firstRun = true,
): { ticks: Tick[]; endAt: number } {
  const rng = random(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
  let now = 0;
  const stats: HttpStats = { requests: 0, retries: 0, rateLimited: 0, bytes: 0, rateLimitWaitMs: 0, byTemplate: {} };
  const clock: Clock = { now: () => now, sleep: () => Promise.resolve() };
  const logger = createLogger({ level: "silent" });
  const progress = new Progress(logger, clock, new Map(), () => stats, { kinds: KINDS, estimateOrder: ["reports"] });
  const ticks: Tick[] = [];
  let nextTick = tickMs;
  const request = (): void => {
    now += 1000 / ratePerSecond;
    stats.requests++;
    while (now >= nextTick) {
      ticks.push({ at: nextTick, left: progress.timeLeft() });
      nextTick += tickMs;
    }
  };
  /**
   * Reads one list of `kind` holding `items` items, `perPage` a page; `total` says whether Mode announces the count.
   */
  const list = (kind: string, items: number, perPage: number, total: boolean, onPage: (n: number) => void): void => {
    const handle = progress.openList(kind);
    const pages = Math.max(1, Math.ceil(items / perPage));
    for (let p = 0; p < pages; p++) {
      request();
      const n = Math.min(perPage, items - p * perPage);
      handle.page(n, total ? items : undefined, undefined);
      onPage(n);
    }
    handle.close();
  };

  const spaces = 6;
  list("spaces", spaces, 30, true, (n) => {
    for (let s = 0; s < n; s++) {
      list("reports", int(10, 14), 5, true, (reports) => {
        for (let r = 0; r < reports; r++) {
          if (firstRun ? rng() < 0.15 : rng() < 0.7) {
            if (firstRun) progress.olderThanStart("reports");
            else progress.unchanged("reports");
            continue;
          }
          list("queries", int(1, 3), 100, false, (queries) => {
            for (let q = 0; q < queries; q++) list("charts", int(0, 2), 100, false, () => undefined);
          });
          list("report_filters", int(0, 2), 100, false, () => undefined);
          const runs = rng() < 0.2 ? 0 : int(1, 6);
          if (runs === 0) progress.listSkipped("runs");
          else
            list("runs", runs + 2, 100, false, (listed) => {
              // The last two listed are older than the bookmark: the walk stops there.
              progress.notRead("runs", 2);
              for (let i = 0; i < listed - 2; i++) list("query_runs", int(1, 2), 100, false, () => undefined);
            });
          progress.done("reports");
        }
      });
      progress.done("spaces");
    }
  });
  list("groups", 4, 100, false, (groups) => {
    for (let g = 0; g < groups; g++) list("group_memberships", 3, 100, false, () => undefined);
  });
  return { ticks, endAt: now };
}

describe("the progress estimate (requests still needed ÷ recent rate)", () => {
  for (const [seed, firstRun] of [
    [1, true],
    [2, true],
    [3, false],
  ] as const) {
    it(`follows a simulated ${firstRun ? "first" : "incremental"} sync at a fixed rate (seed ${seed})`, () => {
      const { ticks, endAt } = simulate(seed, 50, firstRun ? 500 : 200, firstRun);
      expect(ticks.length).toBeGreaterThan(10);
      const late = ticks.filter((t) => t.at >= endAt * 0.25);
      for (const { at, left } of late) {
        const actual = (endAt - at) / 1000;
        expect(left.seconds).toBeDefined();
        // Within 30% of the real time left (or two seconds near the end).
        expect(Math.abs((left.seconds ?? 0) - actual)).toBeLessThanOrEqual(Math.max(0.3 * actual, 2));
      }
      // It decreases as the sync goes, within a tolerance (15% of the run) for what is learnt on the way.
      for (let i = 1; i < late.length; i++) {
        const previous = late[i - 1]?.left.seconds ?? 0;
        expect(late[i]?.left.seconds ?? 0).toBeLessThanOrEqual(previous + (0.15 * endAt) / 1000);
      }
      // The rate is the one the sync runs at.
      expect(late.at(-1)?.left.ratePerSecond).toBeCloseTo(50, 5);
      // The groups list comes last: nothing tells its size, so the estimate says "at least" until it is read.
      expect(late.at(-1)?.left.lowerBound).toBe(true);
    });
  }

  it("is exact once every list size is known", () => {
    let now = 0;
    const clock: Clock = { now: () => now, sleep: () => Promise.resolve() };
    const stats = { requests: 100, retries: 0, rateLimited: 0, bytes: 0, rateLimitWaitMs: 0, byTemplate: {} };
    const kinds = [
      { name: "spaces", parent: undefined },
      { name: "reports", parent: "spaces" },
    ];
    const progress = new Progress(createLogger({ level: "silent" }), clock, new Map(), () => stats, { kinds });
    now = 10_000;
    const spaces = progress.openList("spaces");
    spaces.page(2, 2, 1);
    spaces.close();
    // Space 1: 65 reports in pages of 30, page 1 read; space 2's list not opened: it counts as many as space 1.
    progress.openList("reports").page(30, 65, undefined);
    const left = progress.timeLeft();
    expect(left).toMatchObject({ requests: 2 + 3, lowerBound: false, ratePerSecond: 10 });
    expect(left.seconds).toBeCloseTo(0.5, 5);
    expect(describeTimeLeft(left)).toBe("about 0.5s left (5 requests at 10.0/s)");
    expect(describeTimeLeft({ ...left, lowerBound: true, seconds: 80 })).toBe(
      "at least 1m20s left (5+ requests at 10.0/s)",
    );
  });

  it("counts a list that is not opened yet as one page at least, and says so", () => {
    const clock: Clock = { now: () => 0, sleep: () => Promise.resolve() };
    const stats = { requests: 0, retries: 0, rateLimited: 0, bytes: 0, rateLimitWaitMs: 0, byTemplate: {} };
    const progress = new Progress(createLogger({ level: "silent" }), clock, new Map(), () => stats, { kinds: KINDS });
    const left = progress.timeLeft();
    expect(left).toMatchObject({ requests: 2, lowerBound: true, seconds: undefined });
    expect(describeTimeLeft(left)).toBe("2+ requests to go");
  });

  it("names parents older than start_date apart from unchanged ones in the progress line", () => {
    let text = "";
    const logger = createLogger({ level: "info", destination: { write: (t: string) => (text += t) } });
    const clock: Clock = { now: () => 0, sleep: () => Promise.resolve() };
    const stats = { requests: 0, retries: 0, rateLimited: 0, bytes: 0, rateLimitWaitMs: 0, byTemplate: {} };
    const progress = new Progress(logger, clock, new Map([["reports", 1]]), () => stats, {
      estimateOrder: ["reports"],
      kinds: KINDS,
    });
    progress.addExpected("reports", 10);
    progress.done("reports");
    for (let i = 0; i < 2; i++) progress.unchanged("reports");
    for (let i = 0; i < 3; i++) progress.olderThanStart("reports");
    progress.report();
    expect(text).toContain("| reports 6/10 (60%), 2 unchanged, 3 older than start_date | ");
    expect([...progress.olderThanStartCounts]).toEqual([["reports", 3]]);
    expect([...progress.unchangedCounts]).toEqual([["reports", 2]]);
  });

  it("formats durations without a 60th second", () => {
    expect(formatSeconds(59.97)).toBe("1m00s");
    expect(formatSeconds(119.6)).toBe("2m00s");
    expect(formatSeconds(12.34)).toBe("12.3s");
  });
});
