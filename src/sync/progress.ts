import type { Clock } from "../clock.js";
import type { HttpStats } from "../http/client.js";
import type { Logger } from "../log.js";
import type { ProgressTracker } from "./context.js";
import { RequestEstimate, type EstimatedKind, type ListProgress } from "./estimate.js";

/**
 * The request rate is measured over this much recent time: long enough to smooth bursts, short enough to follow a new
 * pace.
 */
const RATE_WINDOW_MS = 30_000;

export interface ProgressOptions {
  /** Streams whose parent totals the line shows, first choice first (StreamDefinition.progressEstimate). */
  readonly estimateOrder?: readonly string[];
  /** The list streams of the walk with their parents in it (plan.ts): what the time estimate counts. */
  readonly kinds?: readonly EstimatedKind[];
  /** Logs the request metrics gathered since the last tick (`client.metrics.flushSummary`). */
  readonly flushMetrics?: () => void;
}

/**
 * Progress on stderr every few seconds: records per stream, requests, 429s and time queued on the rate limit (wall
 * time), the parents of the first declared kind whose total is known, and the time left: the requests the walk still
 * needs (estimate.ts) ÷ the request rate of the last 30 s. The rate limiter paces a rate-limited sync, so that rate is
 * steady; "at least" says the requests counted are a lower bound (some list sizes are not known yet).
 */
export class Progress implements ProgressTracker {
  private readonly expected = new Map<string, number>();
  private readonly finished = new Map<string, number>();
  private readonly skipped = new Map<string, number>();
  private readonly older = new Map<string, number>();
  private readonly removed = new Map<string, number>();
  private readonly requestsLeft: RequestEstimate;
  /** Samples of (time, requests made) over the rate window, oldest first. */
  private readonly samples: Array<{ readonly at: number; readonly requests: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;
  private readonly estimateOrder: readonly string[];
  private readonly flushMetrics: () => void;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly counts: ReadonlyMap<string, number>,
    private readonly httpStats: () => HttpStats,
    options: ProgressOptions = {},
  ) {
    this.startedAt = clock.now();
    this.estimateOrder = options.estimateOrder ?? [];
    this.flushMetrics = options.flushMetrics ?? (() => undefined);
    this.requestsLeft = new RequestEstimate(options.kinds ?? []);
    this.samples.push({ at: this.startedAt, requests: 0 });
  }

  addExpected(kind: string, count: number): void {
    this.expected.set(kind, (this.expected.get(kind) ?? 0) + count);
  }

  done(kind: string): void {
    this.finished.set(kind, (this.finished.get(kind) ?? 0) + 1);
    this.requestsLeft.done(kind);
  }

  unchanged(kind: string): void {
    this.skipped.set(kind, (this.skipped.get(kind) ?? 0) + 1);
    this.requestsLeft.unchanged(kind);
  }

  olderThanStart(kind: string): void {
    this.older.set(kind, (this.older.get(kind) ?? 0) + 1);
    this.requestsLeft.unchanged(kind);
  }

  deleted(kind: string, count: number): void {
    this.removed.set(kind, (this.removed.get(kind) ?? 0) + count);
  }

  openList(kind: string): ListProgress {
    return this.requestsLeft.openList(kind);
  }

  notRead(kind: string, count: number): void {
    this.requestsLeft.notRead(kind, count);
  }

  listSkipped(kind: string): void {
    this.requestsLeft.listSkipped(kind);
  }

  /** Parents that needed no work this sync (items of versioned parents whose version did not move), by kind. */
  get unchangedCounts(): ReadonlyMap<string, number> {
    return this.skipped;
  }

  /** Parents left out of a first sync because they are older than start_date, by kind. */
  get olderThanStartCounts(): ReadonlyMap<string, number> {
    return this.older;
  }

  get deletedCounts(): ReadonlyMap<string, number> {
    return this.removed;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.report(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** `reports 40/90 (44%), 10 unchanged, 3 older than start_date` for the first declared kind with a known total. */
  private parents(): string {
    for (const kind of this.estimateOrder) {
      const total = this.expected.get(kind);
      if (total === undefined || total === 0) continue;
      const unchanged = this.skipped.get(kind) ?? 0;
      const older = this.older.get(kind) ?? 0;
      const handled = (this.finished.get(kind) ?? 0) + unchanged + older;
      const fraction = Math.min(1, handled / total);
      return (
        ` | ${kind} ${handled}/${total} (${Math.round(fraction * 100)}%)` +
        (unchanged > 0 ? `, ${unchanged} unchanged` : "") +
        (older > 0 ? `, ${older} older than start_date` : "")
      );
    }
    return "";
  }

  /** Requests per second over the last RATE_WINDOW_MS, from `requests` made by `now`; undefined before any. */
  private rate(now: number, requests: number): number | undefined {
    this.samples.push({ at: now, requests });
    // Keep one sample at or before the window's start, so the rate always spans the whole window once it can.
    while (this.samples.length > 2 && (this.samples[1]?.at ?? now) <= now - RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    if (first === undefined || now <= first.at || requests <= first.requests) return undefined;
    return ((requests - first.requests) * 1000) / (now - first.at);
  }

  /**
   * The time left now: the requests still needed ÷ the request rate of the last 30 s (seconds undefined before any
   * request was answered). Samples the rate, so call it once per tick.
   */
  timeLeft(): TimeLeft {
    const rate = this.rate(this.clock.now(), this.httpStats().requests);
    const left = this.requestsLeft.remaining();
    this.logger.debug(
      `requests still needed, by stream: ${[...left.byKind].map(([kind, n]) => `${kind}=${n}`).join(" ")}`,
    );
    return {
      requests: left.requests,
      lowerBound: left.lowerBound,
      ratePerSecond: rate,
      seconds: rate === undefined ? undefined : left.requests / rate,
    };
  }

  /** One progress line. */
  report(): void {
    const elapsedS = (this.clock.now() - this.startedAt) / 1000;
    const http = this.httpStats();
    const records = [...this.counts.entries()].map(([s, n]) => `${s}=${n}`).join(" ") || "none yet";
    this.logger.info(
      `progress ${formatSeconds(elapsedS)}: records ${records} | requests ${http.requests} (retries ${http.retries}, ` +
        `429s ${http.rateLimited}, queued ${formatSeconds(http.rateLimitWaitMs / 1000)} on the rate ` +
        `limit)${this.parents()} | ${describeTimeLeft(this.timeLeft())}`,
    );
    this.flushMetrics();
  }
}

/** What is left of the sync, as the progress line says it. */
export interface TimeLeft {
  readonly requests: number;
  /** Some list sizes are not known yet: `requests` and `seconds` are at least this. */
  readonly lowerBound: boolean;
  readonly ratePerSecond: number | undefined;
  readonly seconds: number | undefined;
}

/** `about 1m20s left (420 requests at 5.2/s)`, or `at least …` (and `420+ requests`) for a lower bound. */
export function describeTimeLeft(left: TimeLeft): string {
  const requests = `${left.requests}${left.lowerBound ? "+" : ""} requests`;
  if (left.seconds === undefined || left.ratePerSecond === undefined) return `${requests} to go`;
  return (
    `${left.lowerBound ? "at least" : "about"} ${formatSeconds(left.seconds)} left (${requests} at ` +
    `${left.ratePerSecond.toFixed(1)}/s)`
  );
}

export function formatSeconds(seconds: number): string {
  if (seconds < 59.95) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole - m * 60;
  return m < 60 ? `${m}m${String(s).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
