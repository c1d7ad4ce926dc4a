import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock, type Clock } from "../../src/clock.js";
import { RateLimiter } from "../../src/http/rate-limiter.js";

/** The largest number of starts inside any window of `windowMs` (half-open, measured from each start). */
function maxInAnyWindow(starts: readonly number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (j < sorted.length && (sorted[j] ?? Infinity) < (sorted[i] ?? 0) + windowMs) j += 1;
    best = Math.max(best, j - i);
  }
  return best;
}

/**
 * Runs `count` jobs under fake timers: time moves only when every job is waiting, so bottleneck's
 * own zero-delay hops and the limiter's waits interleave exactly as they would in real time.
 */
async function runJobs(
  limiter: RateLimiter,
  clock: Clock,
  count: number,
  work: (i: number) => Promise<void> = async () => undefined,
): Promise<number[]> {
  const starts: number[] = [];
  const all = Promise.all(
    Array.from({ length: count }, (_, i) =>
      limiter.schedule(async () => {
        starts.push(clock.now());
        await work(i);
      }),
    ),
  );
  await vi.runAllTimersAsync();
  await all;
  return starts;
}

describe("RateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("never starts more than N requests in any window and uses at least 90% of the budget", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 40, windowMs: 10_000, maxConcurrent: 8, clock });
    const starts = await runJobs(limiter, clock, 200, (i) => clock.sleep(50 + (i % 7) * 40));
    expect(starts).toHaveLength(200);
    expect(maxInAnyWindow(starts, 10_000)).toBe(40);
    // Requests beyond the first window's 40, over the time they took, as a share of 40 per 10 s.
    const sorted = [...starts].sort((a, b) => a - b);
    const span = (sorted[199] ?? 0) - (sorted[0] ?? 0);
    const budgetUse = ((200 - 40) / span) * (10_000 / 40);
    console.log(`limiter budget use: ${budgetUse.toFixed(3)}`);
    expect(budgetUse).toBeGreaterThanOrEqual(0.9);
    expect(budgetUse).toBeLessThan(1);
    await limiter.stop();
  });

  it("keeps at most maxConcurrent tasks in flight", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 1000, windowMs: 1000, maxConcurrent: 3, clock });
    let running = 0;
    let peak = 0;
    await runJobs(limiter, clock, 20, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await clock.sleep(100);
      running -= 1;
    });
    expect(peak).toBe(3);
  });

  it("holds every queued request while paused", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 100, windowMs: 1000, maxConcurrent: 4, clock });
    const t0 = clock.now();
    limiter.pause(5000);
    const starts = await runJobs(limiter, clock, 5);
    expect(Math.min(...starts) - t0).toBeGreaterThanOrEqual(5000);
  });

  it(
    "after a 429 pauses everyone, paces at 0.8 x what the server accepted, " + "and speeds up per clean answer",
    async () => {
      const clock = systemClock();
      const limiter = new RateLimiter({ requests: 100, windowMs: 1000, maxConcurrent: 2, clock, safetyMargin: 0 });
      // 20 answered in the first 2 s, then a 429: the server accepted 10 per second.
      await runJobs(limiter, clock, 20, async () => limiter.onResponse({ status: 200 }));
      const tick = clock.sleep(2000);
      await vi.advanceTimersByTimeAsync(2000);
      await tick;
      limiter.onRateLimited(3000);
      limiter.onRateLimited(3000); // same episode: lowers once
      expect(limiter.stats().pacedPerSecond).toBeCloseTo(8, 6);
      const t1 = clock.now();
      const starts = await runJobs(limiter, clock, 3, async () => limiter.onResponse({ status: 200 }));
      // Paused 3 s, then 125 ms apart (8 per second), each clean answer adding 0.2% of 8 per second.
      expect(starts.map((s) => s - t1)).toEqual([3000, 3125, 3250]);
      expect(limiter.stats().pacedPerSecond).toBeCloseTo(8 * (1 + 3 * 0.002), 6);
      await limiter.stop();
    },
  );

  it("stops pacing once the pace climbs back above the configured rate", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 10, windowMs: 1000, maxConcurrent: 1, clock, safetyMargin: 0 });
    limiter.onRateLimited(0);
    // No history: 0.8 x the configured 10 per second.
    expect(limiter.stats().pacedPerSecond).toBeCloseTo(8, 6);
    for (let i = 0; i < 130 && limiter.stats().pacedPerSecond !== undefined; i++) limiter.onResponse({ status: 200 });
    expect(limiter.stats().pacedPerSecond).toBeUndefined();
  });

  it("never has more requests in flight than the server's X-RateLimit-Remaining", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 1000, windowMs: 1000, maxConcurrent: 8, clock });
    let running = 0;
    let peak = 0;
    let remaining = 3;
    await runJobs(limiter, clock, 12, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await clock.sleep(10);
      running -= 1;
      limiter.onResponse({ status: 200, remaining });
    });
    // The first 8 left before any answer; then never more in flight than the 3 the server has left.
    expect(peak).toBe(8);
    running = 0;
    peak = 0;
    await runJobs(limiter, clock, 12, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await clock.sleep(10);
      running -= 1;
      limiter.onResponse({ status: 200, remaining });
    });
    expect(peak).toBe(3);
    remaining = 0;
    limiter.onResponse({ status: 200, remaining });
    peak = 0;
    // Nothing left: one request at a time, each answer telling whether the budget came back.
    await runJobs(limiter, clock, 4, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await clock.sleep(10);
      running -= 1;
      limiter.onResponse({ status: 200, remaining });
    });
    expect(peak).toBe(1);
  });

  it("rejects a waiting request promptly with the abort reason", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 1, windowMs: 60_000, clock });
    await runJobs(limiter, clock, 1);
    const controller = new AbortController();
    const waiting = limiter.schedule(async () => "ran", controller.signal);
    const outcome = expect(waiting).rejects.toThrow("SIGTERM");
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error("SIGTERM"));
    await outcome;
    expect(Date.now() - 1_000_000).toBeLessThan(1000);
  });

  it("counts the wall time during which requests waited, not a sum over them", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 1, windowMs: 1000, clock, safetyMargin: 0 });
    await runJobs(limiter, clock, 3);
    // The second waited 1000 ms and the third 2000 ms, over the same two seconds.
    expect(limiter.stats().waitMs).toBe(2000);
    const paused = new RateLimiter({ requests: 100, windowMs: 1000, maxConcurrent: 8, clock });
    paused.pause(5000);
    await runJobs(paused, clock, 8);
    expect(paused.stats().waitMs).toBe(5000);
  });
});
