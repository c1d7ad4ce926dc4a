/**
 * Retry decisions as pure functions of one attempt's outcome (docs/house-style.md §5; octokit's
 * `error-request.ts`). No I/O, no clock reads, no randomness of its own: tests feed values in.
 */

/** Response headers as undici returns them (lower-case names). */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What one attempt produced. */
export interface AttemptOutcome {
  readonly method: string;
  /** HTTP status; absent when no response arrived. */
  readonly status?: number;
  readonly headers?: ResponseHeaders;
  /** The transport error when no (complete) response arrived. */
  readonly error?: unknown;
  /** False when a 2xx body is truncated, not decodable or not JSON. */
  readonly bodyValid?: boolean;
  /** Epoch ms, only used to turn an HTTP-date `Retry-After` into a delay. */
  readonly nowMs: number;
}

/** The decision for one attempt. */
export type Classification =
  | { readonly action: "success" }
  | {
      readonly action: "retry";
      readonly reason: string;
      /** A 429: the whole limiter pauses, not just this request (docs/mode-api.md §6.1). */
      readonly rateLimited: boolean;
      /** The server's `Retry-After`, in ms, when it sent one. */
      readonly retryAfterMs?: number;
      readonly timeout: boolean;
    }
  | {
      readonly action: "fail";
      readonly failure: "unauthorized" | "forbidden" | "not_found" | "client_error" | "unsafe_to_retry";
      readonly reason: string;
      /** The failure is transient, but repeating the request could repeat a side effect. */
      readonly transient?: boolean;
      readonly timeout?: boolean;
    };

const RETRIABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Connection-level failures worth another attempt: resets, refusals, timeouts, DNS hiccups. */
const RETRIABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
  "Z_BUF_ERROR",
  "Z_DATA_ERROR",
]);

const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Failures where the request certainly never reached the application, so even a POST (which
 * creates a report run) can be repeated without creating a second run.
 */
const NOT_DELIVERED_CODES = new Set([
  "ECONNREFUSED",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const NOT_PROCESSED_STATUSES = new Set([429, 503]);

/** Longest `Retry-After` honoured: a proxy asking for hours would otherwise stall the tap silently. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Classifies one attempt: success, retry (and why), or a final failure. Pure. */
export function classify(outcome: AttemptOutcome): Classification {
  const idempotent = outcome.method === "GET" || outcome.method === "HEAD";
  if (outcome.status === undefined) {
    const code = errorCode(outcome.error) ?? "UNKNOWN";
    const timeout = TIMEOUT_CODES.has(code);
    if (!RETRIABLE_CODES.has(code)) return { action: "fail", failure: "client_error", reason: code };
    if (!idempotent && !NOT_DELIVERED_CODES.has(code)) {
      return { action: "fail", failure: "unsafe_to_retry", reason: code, transient: true, timeout };
    }
    return { action: "retry", reason: code, rateLimited: false, timeout };
  }
  const status = outcome.status;
  if (status >= 200 && status < 300) {
    if (outcome.bodyValid !== false) return { action: "success" };
    const reason = "response body is truncated or not JSON";
    // A 2xx with a broken body was processed: repeating a POST could start a second run.
    if (!idempotent) return { action: "fail", failure: "unsafe_to_retry", reason, transient: true };
    return { action: "retry", reason, rateLimited: false, timeout: false };
  }
  if (status === 401) return { action: "fail", failure: "unauthorized", reason: "401" };
  if (status === 403) return { action: "fail", failure: "forbidden", reason: "403" };
  if (status === 404) return { action: "fail", failure: "not_found", reason: "404" };
  if (RETRIABLE_STATUSES.has(status)) {
    if (!idempotent && !NOT_PROCESSED_STATUSES.has(status)) {
      return { action: "fail", failure: "unsafe_to_retry", reason: String(status), transient: true };
    }
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(outcome.headers, outcome.nowMs) : undefined;
    return {
      action: "retry",
      reason: String(status),
      rateLimited: status === 429,
      timeout: false,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  return { action: "fail", failure: "client_error", reason: String(status) };
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). The one place
 * the header is read. Mode is not documented to send it (docs/mode-api.md §6.1), so absence is normal.
 */
export function parseRetryAfter(headers: ResponseHeaders | undefined, nowMs: number): number | undefined {
  const raw = headerValue(headers, "retry-after");
  if (raw === undefined || raw.trim() === "") return undefined;
  const text = raw.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.ceil(ms)));
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * uniform in [0, min(cap, base * 2^(attempt-1))). `attempt` counts from 1. Pure.
 */
export function backoffDelay(attempt: number, random: () => number, capMs: number, baseMs = 1000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Pause after a 429 without `Retry-After`: exponential with "equal jitter" (never below half the
 * step), starting at `baseMs`. Mode's bucket refills over its whole window (40 per 10 s, docs/mode-api.md §6.1, which
 * advises starting near 10 s), so a near-zero pause would only earn another 429.
 */
export function rateLimitDelay(attempt: number, random: () => number, baseMs: number, capMs: number): number {
  const step = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(step / 2 + (random() * step) / 2);
}

/** The first value of a header, if any. */
export function headerValue(headers: ResponseHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A numeric header (`X-RateLimit-Remaining`), or undefined when absent or not a number. */
export function numericHeader(headers: ResponseHeaders | undefined, name: string): number | undefined {
  const raw = headerValue(headers, name);
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** The `code` of a Node or undici error (also one level down, in `cause`). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === "string") return code;
  if (typeof cause === "object" && cause !== null) {
    const inner = (cause as { code?: unknown }).code;
    if (typeof inner === "string") return inner;
  }
  return undefined;
}
