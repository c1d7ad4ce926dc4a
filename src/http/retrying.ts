import type { Clock } from "../clock.js";
import type { JsonValue } from "../json.js";
import type { Logger } from "../log.js";
import {
  AuthenticationError,
  FatalApiError,
  ForbiddenError,
  HostUnreachableError,
  MalformedResponseError,
  type ApiErrorDetails,
  ModeApiError,
  modeErrorFields,
  NotFoundError,
  RetriesExhaustedError,
  TimeoutError,
  TransientApiError,
  UNREACHABLE_CODES,
  unreachableReason,
} from "./errors.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { RequestMetrics } from "./request-metrics.js";
import {
  backoffDelay,
  classify,
  errorCode,
  numericHeader,
  rateLimitDelay,
  type Classification,
  type ResponseHeaders,
} from "./retry-policy.js";
import type { RequestSpec } from "./types.js";

/** What one attempt produced, before classification (the transport's answer to the retry loop). */
export interface Attempt<T> {
  readonly status?: number;
  readonly headers?: ResponseHeaders;
  readonly error?: unknown;
  readonly bodyValid?: boolean;
  /** Mode's error body on a non-2xx answer. */
  readonly errorBody?: JsonValue;
  /** A 2xx whose body is well-formed but not what the call returns: fatal, not retried. */
  readonly malformed?: string;
  readonly value?: T;
  readonly durationMs: number;
}

export interface RetryingOptions {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Per-attempt backoff cap. */
  readonly maxBackoffMs: number;
  /** The configured rate-limit window: the first pause after a 429 without `Retry-After` is about this long. */
  readonly rateLimitWindowMs: number;
  readonly limiter: RateLimiter;
  readonly metrics: RequestMetrics;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  /** `host[:port]` of base_url, named when it cannot be reached. */
  readonly host: string;
  /**
   * Removes credentials from text the server sent (an error message that echoes a header): the client's own and
   * `extra`, the request's credential secrets (RequestSpec.credential).
   */
  readonly redact: (text: string, extra?: readonly string[]) => string;
}

/**
 * The retry loop, apart from the transport (octokit keeps `plugin-retry` and `plugin-throttling` apart from its
 * request function the same way). Each attempt waits in the rate limiter, is recorded in the metrics, and is
 * classified once by the pure retry policy (retry-policy.ts) into success, retry or a final error whose `kind` (fatal,
 * retriable, skippable) and `status` callers dispatch on. A 429 pauses the whole limiter; other retries wait alone.
 */
export class Retrying {
  /** Whether any response has come from the host yet. */
  private reached = false;

  constructor(private readonly options: RetryingOptions) {}

  async run<T>(
    method: "GET" | "POST" | "DELETE",
    spec: RequestSpec,
    attemptOnce: (signal: AbortSignal | undefined) => Promise<Attempt<T>>,
  ): Promise<T> {
    const { limiter, clock, logger } = this.options;
    const signal = spec.signal;
    const details = { method, template: spec.template };
    const maxRetries = Math.max(0, this.options.maxRetries);
    for (let attempt = 1; ; attempt += 1) {
      const result = await limiter.schedule(async () => {
        const started = clock.now();
        let outcome: Attempt<T>;
        try {
          outcome = await attemptOnce(signal);
        } catch (error) {
          // An abort is the caller's decision, never a failure to retry; our own errors are final.
          if (signal?.aborted) throw signal.reason;
          if (error instanceof ModeApiError) throw error;
          outcome = { error, durationMs: clock.now() - started };
        }
        // Heard before the slot is released, so the next request already sees what this answer said of the budget.
        if (outcome.status !== undefined)
          limiter.onResponse({
            status: outcome.status,
            remaining: numericHeader(outcome.headers, "x-ratelimit-remaining"),
          });
        return outcome;
      }, signal);
      this.record(method, spec.template, result);
      if (result.status !== undefined) this.reached = true;
      if (result.malformed !== undefined)
        throw new MalformedResponseError({ ...details, ...statusOf(result) }, result.malformed);
      const decision = classify({ method, ...result, nowMs: clock.now() });
      if (decision.action === "success" && result.value !== undefined) return result.value;
      const failure: ApiErrorDetails = {
        ...details,
        ...statusOf(result),
        ...codeOf(result),
        ...this.redacted(modeErrorFields(result.errorBody), spec.credential?.secrets),
      };
      const unreachable = failure.code !== undefined && UNREACHABLE_CODES.has(failure.code);
      if (unreachable && !this.reached) throw new HostUnreachableError(failure, this.options.host);
      if (decision.action !== "retry") throw finalError(decision, failure);
      const reason =
        unreachable && failure.code !== undefined
          ? unreachableReason(this.options.host, failure.code)
          : describeRetry(decision, result);
      const error = decision.timeout ? new TimeoutError(failure, reason) : new TransientApiError(failure, reason);
      if (attempt > maxRetries) throw new RetriesExhaustedError(error, attempt);
      this.options.metrics.retried();
      const delayMs = decision.rateLimited
        ? (decision.retryAfterMs ??
          rateLimitDelay(attempt, this.options.random, this.options.rateLimitWindowMs, this.options.maxBackoffMs))
        : (decision.retryAfterMs ?? backoffDelay(attempt, this.options.random, this.options.maxBackoffMs));
      logger.warn(
        {
          method,
          endpoint: spec.template,
          ...(result.status === undefined ? { error_code: decision.reason } : { http_status_code: result.status }),
          attempt,
          delay_ms: delayMs,
        },
        `Retrying ${method} ${spec.template} after ${decision.reason} (attempt ${attempt} of ${maxRetries + 1}) in ` +
          `${delayMs} ms`,
      );
      // A 429 pauses the whole limiter (this request waits in it like every other); other retries wait alone.
      if (decision.rateLimited) limiter.onRateLimited(delayMs);
      else await clock.sleep(delayMs, signal);
    }
  }

  private record(method: string, template: string, result: Attempt<unknown>): void {
    const code = result.status === undefined ? (errorCode(result.error) ?? "error") : undefined;
    this.options.metrics.record({
      method,
      template,
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(code === undefined ? {} : { errorCode: code }),
      durationMs: result.durationMs,
      succeeded:
        result.status !== undefined && result.status >= 200 && result.status < 300 && result.value !== undefined,
    });
  }

  private redacted(
    fields: { modeId?: string; modeMessage?: string },
    extra: readonly string[] = [],
  ): { modeId?: string; modeMessage?: string } {
    const result: { modeId?: string; modeMessage?: string } = {};
    if (fields.modeId !== undefined) result.modeId = this.options.redact(fields.modeId, extra);
    if (fields.modeMessage !== undefined) result.modeMessage = this.options.redact(fields.modeMessage, extra);
    return result;
  }
}

/** The one mapping from a final decision to an error class (and so to its kind: fatal, retriable or skippable). */
function finalError(decision: Exclude<Classification, { action: "retry" }>, details: ApiErrorDetails): ModeApiError {
  if (decision.action === "success") return new MalformedResponseError(details, "empty response");
  switch (decision.failure) {
    case "unauthorized":
      return new AuthenticationError(details);
    case "forbidden":
      return new ForbiddenError(details);
    case "not_found":
      return new NotFoundError(details);
    case "unsafe_to_retry": {
      const reason = `${decision.reason}; not retried because ${details.method} is not idempotent`;
      return decision.timeout === true ? new TimeoutError(details, reason) : new TransientApiError(details, reason);
    }
    case "client_error":
      return new FatalApiError(details);
  }
}

function statusOf(result: Attempt<unknown>): { status?: number } {
  return result.status === undefined ? {} : { status: result.status };
}

function codeOf(result: Attempt<unknown>): { code?: string } {
  if (result.status !== undefined) return {};
  const code = errorCode(result.error);
  return code === undefined ? {} : { code };
}

function describeRetry(decision: Extract<Classification, { action: "retry" }>, result: Attempt<unknown>): string {
  if (decision.rateLimited) return "rate limited";
  if (decision.timeout) return "timed out";
  if (result.status === undefined) return "connection failed";
  if (result.bodyValid === false) return decision.reason;
  return "server error";
}
