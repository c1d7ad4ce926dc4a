import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";

/** Options of the client-side rate limiter. */
export interface RateLimiterOptions {
  /** At most this many requests start in any window of `windowMs` (Mode: 40 per 10 s, mode-api notes §6.1). */
  readonly requests: number;
  readonly windowMs: number;
  /** At most this many requests in flight at once. Default 8. */
  readonly maxConcurrent?: number;
  /**
   * Fraction added to the window so network jitter cannot make two requests that left a window apart
   * arrive less than a window apart (the server counts at arrival). Default 0.05: 95% of the budget.
   */
  readonly safetyMargin?: number;
  readonly clock: Clock;
  readonly logger?: Logger;
}

/** What the server said about its budget in `X-RateLimit-*` headers (mode-api notes §6.1). */
export interface ServerBudget {
  readonly limit?: number;
  readonly remaining?: number;
}

/** Counters for the end-of-run summary. */
export interface RateLimiterStats {
  /** Clock time requests spent waiting for the limiter (queue, window, pauses), summed. */
  readonly waitMs: number;
  /** Requests per window currently allowed (lowered by 429s or a smaller `X-RateLimit-Limit`). */
  readonly limit: number;
}

/** Below this share of the budget left on the server, requests are spread evenly instead of bursting. */
const LOW_REMAINING_SHARE = 0.1;
/** Multiplicative decrease after a 429 the window did not prevent (a stricter or shared budget). */
const DECREASE_FACTOR = 0.75;

/**
 * Sliding-window rate limiter with a concurrency cap.
 *
 * Jobs wait FIFO for one of `maxConcurrent` slots (a plain queue: bottleneck's local datastore
 * yields to a zero-delay timer on every register/submit/free, about 2 ms of latency per request,
 * which capped the client at ~350 requests/s on loopback; npm run bench). Admission is a sliding
 * window over the start times of the last N requests (a fixed-window reservoir would let 2N
 * through across a window edge), read from the injected clock (house style §8): tests run in
 * milliseconds. The server is heard too: `X-RateLimit-Remaining` near zero spreads requests out,
 * a lower `X-RateLimit-Limit` is adopted, and a 429 pauses every queued request (octokit
 * plugin-throttling does the same) and lowers the rate until a clean window passes.
 */
export class RateLimiter {
  private readonly maxConcurrent: number;
  /** Jobs holding a concurrency slot (waiting for the window, or running). */
  private running = 0;
  /** Jobs waiting for a slot, oldest first. */
  private readonly queue: Array<{ start: () => void; drop: (error: Error) => void }> = [];
  private stopped = false;
  private readonly idle: Array<() => void> = [];
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly windowMs: number;
  /** Start times of admitted requests, oldest first, pruned to one window. */
  private readonly admitted: number[] = [];
  /** Serialises admissions so concurrent waiters never claim the same free slot. */
  private gate: Promise<void> = Promise.resolve();
  private ceiling: number;
  private limit: number;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private spacingMs = 0;
  private lastChangeAt = Number.NEGATIVE_INFINITY;
  private waitedMs = 0;

  constructor(options: RateLimiterOptions) {
    if (!(options.requests >= 1) || !(options.windowMs > 0)) {
      throw new RangeError("rate limit needs requests >= 1 and windowMs > 0");
    }
    this.clock = options.clock;
    this.logger = options.logger;
    this.windowMs = options.windowMs * (1 + (options.safetyMargin ?? 0.05));
    this.ceiling = Math.floor(options.requests);
    this.limit = this.ceiling;
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? 8);
  }

  /**
   * Runs `task` once a concurrency slot is free and the window and any pause allow it. The slot is
   * held until `task` settles. Rejects with the signal's reason as soon as `signal` aborts.
   */
  schedule<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.stopped) return Promise.reject(new Error("the rate limiter is stopped and accepts no new requests"));
    const queuedAt = this.clock.now();
    const job = this.acquire().then(async () => {
      try {
        await this.admit(signal);
        this.waitedMs += Math.max(0, this.clock.now() - queuedAt);
        return await task();
      } finally {
        this.release();
      }
    });
    return signal === undefined ? job : raceAbort(job, signal);
  }

  /** Holds every request (queued or new) for `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.max(0, ms));
  }

  /** A 429 slipped through: pause everyone for `pauseMs` and lower the rate (once per episode). */
  onRateLimited(pauseMs: number): void {
    const now = this.clock.now();
    if (now >= this.pausedUntil && this.limit > 1) {
      this.limit = Math.max(1, Math.floor(this.limit * DECREASE_FACTOR));
      this.logger?.info(
        { limit: this.limit },
        `Rate limited by the server; lowering to ${this.limit} requests per window`,
      );
    }
    this.pause(pauseMs);
    // Recovery counts clean windows from the end of the pause, not from the 429.
    this.lastChangeAt = this.pausedUntil;
  }

  /** Feeds `X-RateLimit-Limit` / `X-RateLimit-Remaining` from any response. */
  onHeaders(budget: ServerBudget): void {
    if (budget.limit !== undefined && budget.limit >= 1 && budget.limit < this.ceiling) {
      this.ceiling = Math.floor(budget.limit);
      this.limit = Math.min(this.limit, this.ceiling);
      this.logger?.info({ limit: this.ceiling }, `Server announces ${this.ceiling} requests per window; adopting it`);
    }
    if (budget.remaining === undefined) return;
    const low = Math.max(1, Math.ceil(this.limit * LOW_REMAINING_SHARE));
    if (budget.remaining > low) {
      this.spacingMs = 0;
      return;
    }
    // Near zero is only news when our own window still shows room: then someone else shares the
    // token, or the server is stricter. After our own burst the window already holds us back.
    this.prune(this.clock.now());
    if (budget.remaining >= this.limit - this.admitted.length) return;
    const perRequestMs = this.windowMs / this.limit;
    this.spacingMs = perRequestMs;
    if (budget.remaining <= 0) this.pause(perRequestMs);
  }

  stats(): RateLimiterStats {
    return { waitMs: this.waitedMs, limit: this.limit };
  }

  /** Stops accepting work; queued jobs are dropped (rejected). Resolves once the jobs holding a slot have settled. */
  stop(): Promise<void> {
    this.stopped = true;
    const dropped = this.queue.splice(0);
    for (const job of dropped) job.drop(new Error("the rate limiter was stopped before this request started"));
    if (this.running === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Resolves when a concurrency slot is this job's (FIFO). */
  private acquire(): Promise<void> {
    if (this.running < this.maxConcurrent && this.queue.length === 0) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({
        start: () => {
          this.running += 1;
          resolve();
        },
        drop: reject,
      });
    });
  }

  /**
   * Hands the slot to the oldest waiting job on the next event-loop turn, not at once: the caller of the job that just
   * finished first reacts to its outcome (a 429 pauses everyone in `onRateLimited`), and the next job must see that.
   */
  private release(): void {
    setImmediate(() => {
      this.running -= 1;
      const next = this.queue.shift();
      if (next !== undefined) next.start();
      else if (this.running === 0 && this.idle.length > 0) for (const resolve of this.idle.splice(0)) resolve();
    });
  }

  private admit(signal: AbortSignal | undefined): Promise<void> {
    const turn = this.gate.then(() => this.waitForSlot(signal));
    this.gate = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      const at = this.earliestStart(now);
      if (at <= now) {
        this.admitted.push(now);
        return;
      }
      await this.clock.sleep(at - now, signal);
    }
  }

  private prune(now: number): void {
    while (this.admitted.length > 0 && (this.admitted[0] ?? 0) + this.windowMs <= now) this.admitted.shift();
  }

  private earliestStart(now: number): number {
    this.prune(now);
    this.recover(now);
    let at = this.pausedUntil;
    const last = this.admitted[this.admitted.length - 1];
    if (last !== undefined && this.spacingMs > 0) at = Math.max(at, last + this.spacingMs);
    if (this.admitted.length >= this.limit) {
      at = Math.max(at, (this.admitted[this.admitted.length - this.limit] ?? now) + this.windowMs);
    }
    return at;
  }

  /** Additive increase: one more request per clean window after a decrease, up to the ceiling. */
  private recover(now: number): void {
    if (this.limit < this.ceiling && now >= this.pausedUntil && now - this.lastChangeAt >= this.windowMs) {
      this.limit += 1;
      this.lastChangeAt = now;
    }
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
