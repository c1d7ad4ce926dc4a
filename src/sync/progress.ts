import type { Clock } from "../clock.js";
import type { HttpStats } from "../http/client.js";
import type { Logger } from "../log.js";
import type { ProgressTracker } from "./context.js";

/**
 * Progress on stderr every few seconds: records per stream, requests, 429s and time queued on the rate limit (wall time), and an
 * estimate of what is left where Mode's `pagination.total_count` tells how many reports there are.
 */
export class Progress implements ProgressTracker {
  private readonly expected = new Map<string, number>();
  private readonly finished = new Map<string, number>();
  private readonly skipped = new Map<string, number>();
  private readonly removed = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly counts: ReadonlyMap<string, number>,
    private readonly httpStats: () => HttpStats,
    /** Streams whose parent totals the estimate follows, first choice first (StreamDefinition.progressEstimate). */
    private readonly estimateOrder: readonly string[] = [],
    /** Logs the request metrics gathered since the last tick (`client.metrics.flushSummary`). */
    private readonly flushMetrics: () => void = () => undefined,
  ) {
    this.startedAt = clock.now();
  }

  addExpected(kind: string, count: number): void {
    this.expected.set(kind, (this.expected.get(kind) ?? 0) + count);
  }

  done(kind: string): void {
    this.finished.set(kind, (this.finished.get(kind) ?? 0) + 1);
  }

  unchanged(kind: string): void {
    this.skipped.set(kind, (this.skipped.get(kind) ?? 0) + 1);
  }

  deleted(kind: string, count: number): void {
    this.removed.set(kind, (this.removed.get(kind) ?? 0) + count);
  }

  /** Parents that needed no work this sync (items of versioned parents whose version did not move), by kind. */
  get unchangedCounts(): ReadonlyMap<string, number> {
    return this.skipped;
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

  private estimate(kind: string, elapsedS: number): string | undefined {
    const total = this.expected.get(kind);
    if (total === undefined || total === 0) return undefined;
    const handled = (this.finished.get(kind) ?? 0) + (this.skipped.get(kind) ?? 0);
    const fraction = Math.min(1, handled / total);
    const remainingS = fraction > 0 ? (elapsedS / fraction) * (1 - fraction) : NaN;
    return ` | ${kind} ${handled}/${total} (${Math.round(fraction * 100)}%)${Number.isFinite(remainingS) && fraction < 1 ? `, about ${formatSeconds(remainingS)} left` : ""}`;
  }

  /** One progress line. */
  report(): void {
    const elapsedS = (this.clock.now() - this.startedAt) / 1000;
    const http = this.httpStats();
    const records = [...this.counts.entries()].map(([s, n]) => `${s}=${n}`).join(" ") || "none yet";
    // Mode gives totals on some lists only (mode-api notes §2.4): the first stream in the declared order whose total is
    // known sets the estimate.
    let estimate = "";
    for (const kind of this.estimateOrder) {
      const line = this.estimate(kind, elapsedS);
      if (line !== undefined) {
        estimate = line;
        break;
      }
    }
    this.logger.info(
      `progress ${formatSeconds(elapsedS)}: records ${records} | requests ${http.requests} (retries ${http.retries}, 429s ${http.rateLimited}, queued ${formatSeconds(http.rateLimitWaitMs / 1000)} on the rate limit)${estimate}`,
    );
    this.flushMetrics();
  }
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return m < 60 ? `${m}m${String(s).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
