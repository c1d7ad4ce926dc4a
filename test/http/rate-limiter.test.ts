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

  it("after a 429 pauses everyone and lowers the rate, then recovers one request per clean window", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 8, windowMs: 1000, maxConcurrent: 2, clock, safetyMargin: 0 });
    const t0 = clock.now();
    limiter.onRateLimited(3000);
    limiter.onRateLimited(3000); // same episode: lowers once
    expect(limiter.stats().limit).toBe(6);
    const starts = await runJobs(limiter, clock, 6);
    expect(Math.min(...starts) - t0).toBeGreaterThanOrEqual(3000);
    const later = clock.sleep(1000);
    await vi.advanceTimersByTimeAsync(1000);
    await later;
    await runJobs(limiter, clock, 1);
    expect(limiter.stats().limit).toBe(7);
  });

  it("adopts a smaller X-RateLimit-Limit and spreads requests when X-RateLimit-Remaining runs low", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 40, windowMs: 10_000, maxConcurrent: 8, clock, safetyMargin: 0 });
    limiter.onHeaders({ limit: 20, remaining: 1 });
    expect(limiter.stats().limit).toBe(20);
    const starts = (await runJobs(limiter, clock, 4)).sort((a, b) => a - b);
    // 10 s / 20 = 500 ms apart instead of a burst.
    expect(starts.slice(1).map((t, i) => t - (starts[i] ?? 0))).toEqual([500, 500, 500]);
    limiter.onHeaders({ remaining: 15 });
    const burst = await runJobs(limiter, clock, 4);
    expect(Math.max(...burst) - Math.min(...burst)).toBe(0);
  });

  it("ignores a low X-RateLimit-Remaining that its own window already accounts for", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 4, windowMs: 1000, clock, safetyMargin: 0 });
    await runJobs(limiter, clock, 4);
    limiter.onHeaders({ remaining: 0 });
    const t = clock.now();
    const starts = await runJobs(limiter, clock, 4);
    // Exactly when the window frees up, and as a burst: no extra pause or spacing.
    expect(starts.map((s) => s - t)).toEqual([1000, 1000, 1000, 1000]);
  });

  it("waits one request's share of the window when the server says nothing remains", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 10, windowMs: 1000, clock, safetyMargin: 0 });
    const t0 = clock.now();
    limiter.onHeaders({ remaining: 0 });
    const [start] = await runJobs(limiter, clock, 1);
    expect((start ?? 0) - t0).toBe(100);
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

  it("counts the time requests waited", async () => {
    const clock = systemClock();
    const limiter = new RateLimiter({ requests: 1, windowMs: 1000, clock, safetyMargin: 0 });
    await runJobs(limiter, clock, 3);
    // Second waited 1000, third 2000.
    expect(limiter.stats().waitMs).toBe(3000);
  });
});
