import { logMetric, type Logger } from "../log.js";
import type { HttpStats } from "./types.js";

/**
 * How request metrics reach the log (setting `request_metrics`):
 * - `summary` (default): per endpoint, one `http_request_duration` line at each progress tick and at the end;
 * - `per_request`: one `http_request_duration` timer per attempt, as singer-python's `http_request_timer` writes;
 * - `off`: none (the totals in the end-of-run summary line remain).
 */
export type RequestMetricsMode = "per_request" | "summary" | "off";

/** One attempt as the metrics see it. */
export interface RequestOutcome {
  readonly method: string;
  /** Path template: `/{workspace}/spaces`. */
  readonly template: string;
  /** HTTP status; absent when no response arrived. */
  readonly status?: number;
  /** The transport error code when no response arrived (`ECONNRESET`). */
  readonly errorCode?: string;
  readonly durationMs: number;
  /** A 2xx whose body was what the call returns. */
  readonly succeeded: boolean;
}

/** Per-endpoint aggregate since the last flush. */
interface Aggregate {
  requests: number;
  errors: number;
  totalMs: number;
  maxMs: number;
}

/**
 * Counts every attempt for the run's totals (`stats()`) and aggregates them per endpoint for the METRIC lines. Counters
 * in a Singer METRIC line are increments (Singer SYNC_MODE.md "Metric Messages": a counter is added to a running
 * total), so each flush reports what happened since the previous one and the lines of a run add up to its totals.
 */
export class RequestMetrics {
  private readonly totals = { requests: 0, retries: 0, rateLimited: 0, bytes: 0 };
  private readonly byTemplate: HttpStats["byTemplate"] = {};
  private pending = new Map<string, Aggregate>();

  constructor(
    private readonly logger: Logger,
    readonly mode: RequestMetricsMode = "summary",
  ) {}

  /** One attempt, whatever its outcome. */
  record(outcome: RequestOutcome): void {
    this.totals.requests += 1;
    if (outcome.status === 429) this.totals.rateLimited += 1;
    const entry = (this.byTemplate[outcome.template] ??= { requests: 0, statuses: {} });
    entry.requests += 1;
    const key = outcome.status !== undefined ? String(outcome.status) : (outcome.errorCode ?? "error");
    entry.statuses[key] = (entry.statuses[key] ?? 0) + 1;
    if (this.mode === "off") return;
    if (this.mode === "per_request") {
      logMetric(this.logger, {
        type: "timer",
        metric: "http_request_duration",
        value: outcome.durationMs / 1000,
        tags: {
          endpoint: outcome.template,
          method: outcome.method,
          ...(outcome.status === undefined ? {} : { http_status_code: outcome.status }),
          status: outcome.succeeded ? "succeeded" : "failed",
        },
      });
      return;
    }
    const aggregate = this.pending.get(outcome.template);
    if (aggregate === undefined) {
      this.pending.set(outcome.template, {
        requests: 1,
        errors: outcome.succeeded ? 0 : 1,
        totalMs: outcome.durationMs,
        maxMs: outcome.durationMs,
      });
      return;
    }
    aggregate.requests += 1;
    if (!outcome.succeeded) aggregate.errors += 1;
    aggregate.totalMs += outcome.durationMs;
    aggregate.maxMs = Math.max(aggregate.maxMs, outcome.durationMs);
  }

  retried(): void {
    this.totals.retries += 1;
  }

  /** Response bytes as received on the wire (before gzip decoding). */
  readonly countBytes = (n: number): void => {
    this.totals.bytes += n;
  };

  /**
   * In `summary` mode, one METRIC line per endpoint requested since the last flush: a timer whose value is the total
   * time of its requests in seconds, with the request count, the failed ones and the longest as tags. The progress
   * reporter calls this at each tick and the sync at its end; other modes log nothing here.
   */
  flushSummary(logger: Logger = this.logger): void {
    if (this.pending.size === 0) return;
    const flushed = this.pending;
    this.pending = new Map();
    for (const [endpoint, aggregate] of flushed)
      logMetric(logger, {
        type: "timer",
        metric: "http_request_duration",
        value: round(aggregate.totalMs / 1000),
        tags: {
          endpoint,
          requests: aggregate.requests,
          errors: aggregate.errors,
          max_seconds: round(aggregate.maxMs / 1000),
        },
      });
  }

  /** Totals for the progress line and the end-of-run summary (a copy); the wait on the rate limit is the limiter's. */
  stats(rateLimitWaitMs: number): HttpStats {
    const byTemplate: HttpStats["byTemplate"] = {};
    for (const [template, entry] of Object.entries(this.byTemplate))
      byTemplate[template] = { requests: entry.requests, statuses: { ...entry.statuses } };
    return { ...this.totals, rateLimitWaitMs, byTemplate };
  }
}

/** Milliseconds precision is all a log reader needs; it keeps the lines short. */
function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
