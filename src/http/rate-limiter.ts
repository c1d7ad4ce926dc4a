import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";

/** Options of the client-side rate limiter. */
export interface RateLimiterOptions {
  /**
   * At most this many requests start in any window of `windowMs` (Mode: "approximately 40 requests every 10 seconds",
   * https://mode.com/help/articles/api-reference/).
   */
  readonly requests: number;
  readonly windowMs: number;
  /** At most this many requests in flight at once. Default 8. */
  readonly maxConcurrent?: number;
  /**
   * Fraction added to the window so network jitter cannot make two requests that left a window apart
   * arrive less than a window apart (the server counts at arrival). Default 0.05: 95% of the budget.
   */
  readonly safetyMargin?: number;
  /**
   * Until the server has accepted a request, keep one request on the wire. Wrong credentials or an unknown workspace
   * then cost exactly one request (one 401 or 404, not one per concurrent walker: the caller stops the others before
   * the slot is handed on), and the burst that follows knows the server's remaining budget. The client sets it.
   */
  readonly firstRequestAlone?: boolean;
  readonly clock: Clock;
  readonly logger?: Logger;
}

/** What one response said about the server's budget. */
export interface ServerAnswer {
  readonly status: number;
  /**
   * `X-RateLimit-Remaining`: what the server would still accept now (https://mode.com/help/articles/api-reference/).
   */
  readonly remaining?: number;
}

/** Counters for the progress line and the end-of-run summary. */
export interface RateLimiterStats {
  /**
   * Wall time during which at least one request was held back by the rate limit (window, pause, pacing or the
   * server's remaining budget). Not a sum over requests: eight requests waiting the same second count one second.
   */
  readonly waitMs: number;
  /** The request rate the limiter paces to after a 429, per second; undefined while the configured window rules. */
  readonly pacedPerSecond: number | undefined;
}

/** Multiplicative decrease after a 429: the new rate is this share of the rate the server was seen to accept. */
const DECREASE_FACTOR = 0.8;
/**
 * Additive increase: each answered request without a 429 adds this share of the rate set at the last decrease, so the
 * rate climbs back by the decrease (20%) over about 100 requests, and a server whose budget is a bucket is filled again
 * slowly: about one 429 per hundred requests or fewer at the real rate. (Mode's limit is a leaky bucket,
 * https://docs.datagrail.io/docs/integrations/api-documentation/mode.)
 */
const INCREASE_SHARE = 0.002;

/**
 * Sliding-window rate limiter with a concurrency cap, and an AIMD pace learnt from the server's 429s.
 *
 * Jobs wait FIFO for one of `maxConcurrent` slots (a plain queue: bottleneck's local datastore yields to a zero-delay
 * timer on every register/submit/free, about 2 ms of latency per request, which capped the client at ~350 requests/s
 * on loopback; npm run bench). Admission is a sliding window over the start times of the last N requests (a
 * fixed-window reservoir would let 2N through across a window edge), read from the injected clock: tests run in
 * milliseconds.
 *
 * The configured window is a ceiling, not a belief: whatever it says, the limiter converges to the rate the server
 * really allows (a count in `X-RateLimit-Limit` does not say its window, so it is not adopted). A 429 pauses every
 * queued request for `Retry-After` (or the retry policy's delay; octokit plugin-throttling pauses the same way) and
 * starts pacing requests evenly at 0.8 x the rate the server accepted since the previous 429 (between two 429s a
 * bucket is full at both ends, so what it accepted in between is its drain rate); each answer without a 429 then
 * raises the pace a little (additive increase), until it is back above the configured rate and pacing ends. Requests
 * in flight never exceed the `X-RateLimit-Remaining` the server last announced, so a burst does not run into a wall
 * of 429s before the first one is heard.
 */
export class RateLimiter {
  private readonly maxConcurrent: number;
  /** Jobs holding a concurrency slot (waiting for the window, or running). */
  private running = 0;
  /** Jobs admitted and not yet settled: requests on the wire. */
  private inFlight = 0;
  /** Jobs waiting for a slot, oldest first. */
  private readonly queue: Array<{ start: () => void; drop: (error: Error) => void }> = [];
  private stopped = false;
  private readonly idle: Array<() => void> = [];
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly windowMs: number;
  private readonly ceiling: number;
  /** The configured rate, per ms. */
  private readonly configuredRate: number;
  /** Start times of admitted requests, oldest first, pruned to one window. */
  private readonly admitted: number[] = [];
  /** Serialises admissions so concurrent waiters never claim the same free slot. */
  private gate: Promise<void> = Promise.resolve();
  private pausedUntil = Number.NEGATIVE_INFINITY;
  /** Paced rate per ms after a 429; undefined while only the configured window applies. */
  private rate: number | undefined;
  /** The rate set at the last decrease: the step of the additive increase is a share of it. */
  private rateAtDecrease = 0;
  private lastStartAt = Number.NEGATIVE_INFINITY;
  private firstStartAt: number | undefined;
  /** When the current 429 episode began, and the answers other than 429 since then. */
  private episodeAt: number | undefined;
  private acceptedSinceEpisode = 0;
  /** `X-RateLimit-Remaining` of the latest answer that carried it. */
  private serverRemaining: number | undefined;
  /** False while `firstRequestAlone` holds requests back until the server has accepted one. */
  private accepted: boolean;
  /** Wakes the admission waiting for an answer (the server's remaining budget was used up by requests in flight). */
  private wakeOnAnswer: (() => void) | undefined;
  private waitedMs = 0;
  private waitingSince: number | undefined;

  constructor(options: RateLimiterOptions) {
    if (!(options.requests >= 1) || !(options.windowMs > 0)) {
      throw new RangeError("rate limit needs requests >= 1 and windowMs > 0");
    }
    this.clock = options.clock;
    this.logger = options.logger;
    this.windowMs = options.windowMs * (1 + (options.safetyMargin ?? 0.05));
    this.ceiling = Math.floor(options.requests);
    this.configuredRate = this.ceiling / this.windowMs;
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? 8);
    this.accepted = options.firstRequestAlone !== true;
  }

  /**
   * Runs `task` once a concurrency slot is free and the window and any pause allow it. The slot is
   * held until `task` settles. Rejects with the signal's reason as soon as `signal` aborts.
   */
  schedule<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.stopped) return Promise.reject(new Error("the rate limiter is stopped and accepts no new requests"));
    const job = this.acquire().then(async () => {
      let started = false;
      try {
        await this.admit(signal);
        started = true;
        return await task();
      } finally {
        this.release(started);
      }
    });
    return signal === undefined ? job : raceAbort(job, signal);
  }

  /** Holds every request (queued or new) for `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.max(0, ms));
  }

  /**
   * A 429: pause everyone for `pauseMs` (the server's `Retry-After`, or the retry policy's delay) and, once per
   * episode (429s that arrive while paused belong to the one that paused), lower the pace multiplicatively.
   */
  onRateLimited(pauseMs: number): void {
    const now = this.clock.now();
    if (now >= this.pausedUntil) {
      const since = this.episodeAt ?? this.firstStartAt ?? now;
      // Nothing accepted since the last 429 says only that the pause was too short, not what the rate is.
      const accepted =
        since < now && this.acceptedSinceEpisode > 0
          ? this.acceptedSinceEpisode / (now - since)
          : Number.POSITIVE_INFINITY;
      const before = this.rate ?? this.configuredRate;
      const floor = 1 / this.windowMs;
      this.rate = Math.max(floor, DECREASE_FACTOR * Math.min(before, accepted));
      this.rateAtDecrease = this.rate;
      this.episodeAt = now;
      this.acceptedSinceEpisode = 0;
      this.logger?.info(
        { paced_per_second: perSecond(this.rate) },
        `Rate limited by the server (HTTP 429): pacing requests at ${perSecond(this.rate)} per second, ` +
          `then slowly faster while no 429 comes` +
          (Number.isFinite(accepted)
            ? ` (it accepted about ${perSecond(accepted)} per second since the last 429)`
            : ""),
      );
    }
    this.pause(pauseMs);
  }

  /** Every answer: counts what the server accepted, raises the pace additively, and keeps its remaining budget. */
  onResponse(answer: ServerAnswer): void {
    if (answer.status < 400) this.accepted = true;
    if (answer.remaining !== undefined) this.serverRemaining = answer.remaining;
    if (answer.status !== 429) {
      this.acceptedSinceEpisode += 1;
      if (this.rate !== undefined) {
        this.rate += this.rateAtDecrease * INCREASE_SHARE;
        if (this.rate >= this.configuredRate) {
          this.rate = undefined;
          this.logger?.info("No 429 for a while: back to the configured rate limit");
        }
      }
    }
    this.wake();
  }

  stats(): RateLimiterStats {
    const open = this.waitingSince === undefined ? 0 : Math.max(0, this.clock.now() - this.waitingSince);
    return { waitMs: this.waitedMs + open, pacedPerSecond: this.rate === undefined ? undefined : this.rate * 1000 };
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
  private release(started: boolean): void {
    setImmediate(() => {
      this.running -= 1;
      if (started) this.inFlight -= 1;
      this.wake();
      const next = this.queue.shift();
      if (next !== undefined) next.start();
      else if (this.running === 0 && this.idle.length > 0) for (const resolve of this.idle.splice(0)) resolve();
    });
  }

  private wake(): void {
    const wake = this.wakeOnAnswer;
    this.wakeOnAnswer = undefined;
    wake?.();
  }

  private admit(signal: AbortSignal | undefined): Promise<void> {
    const turn = this.gate.then(() => this.waitForSlot(signal));
    this.gate = turn.catch(() => undefined);
    return turn;
  }

  /** One admission at a time (the gate), so the time spent here while held back is wall time, never counted twice. */
  private async waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.clock.now();
        if (this.overBudget()) {
          this.waitingSince ??= now;
          await this.answer(signal);
          continue;
        }
        const at = this.earliestStart(now);
        if (at <= now) {
          this.admitted.push(now);
          this.lastStartAt = now;
          this.firstStartAt ??= now;
          this.inFlight += 1;
          return;
        }
        this.waitingSince ??= now;
        // Whole milliseconds: a pace of 1/rate is fractional, and a clock that rounds a sub-millisecond sleep to zero
        // would otherwise spin.
        await this.clock.sleep(Math.ceil(at - now), signal);
      }
    } finally {
      if (this.waitingSince !== undefined) {
        this.waitedMs += Math.max(0, this.clock.now() - this.waitingSince);
        this.waitingSince = undefined;
      }
    }
  }

  /**
   * The server's last `X-RateLimit-Remaining` is already spoken for by the requests in flight, or the first request is
   * still on the wire and the server has accepted none yet (`firstRequestAlone`).
   */
  private overBudget(): boolean {
    if (!this.accepted && this.inFlight > 0) return true;
    return this.serverRemaining !== undefined && this.inFlight > 0 && this.inFlight >= this.serverRemaining;
  }

  /** Resolves at the next answer or settled request (there is one in flight, or overBudget would be false). */
  private answer(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.wakeOnAnswer = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
    });
  }

  private prune(now: number): void {
    while (this.admitted.length > 0 && (this.admitted[0] ?? 0) + this.windowMs <= now) this.admitted.shift();
  }

  private earliestStart(now: number): number {
    this.prune(now);
    let at = this.pausedUntil;
    if (this.rate !== undefined) at = Math.max(at, this.lastStartAt + 1 / this.rate);
    if (this.admitted.length >= this.ceiling) {
      at = Math.max(at, (this.admitted[this.admitted.length - this.ceiling] ?? now) + this.windowMs);
    }
    return at;
  }
}

function perSecond(ratePerMs: number): string {
  const value = ratePerMs * 1000;
  return value >= 10 ? value.toFixed(0) : value.toFixed(2);
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
