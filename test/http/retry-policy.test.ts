import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  classify,
  errorCode,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  rateLimitDelay,
} from "../../src/http/retry-policy.js";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

function networkError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe("classify", () => {
  it("treats a 2xx with a valid body as success", () => {
    expect(classify({ method: "GET", status: 200, nowMs: NOW })).toEqual({ action: "success" });
    expect(classify({ method: "POST", status: 202, nowMs: NOW })).toEqual({ action: "success" });
  });

  it("retries 429, 500, 502, 503 and 504 on a GET and flags only 429 as rate limited", () => {
    for (const status of [429, 500, 502, 503, 504]) {
      const decision = classify({ method: "GET", status, nowMs: NOW });
      expect(decision).toMatchObject({ action: "retry", reason: String(status), rateLimited: status === 429 });
    }
  });

  it("reads Retry-After on a 429 as milliseconds", () => {
    expect(classify({ method: "GET", status: 429, headers: { "retry-after": "7" }, nowMs: NOW })).toEqual({
      action: "retry",
      reason: "429",
      rateLimited: true,
      timeout: false,
      retryAfterMs: 7000,
    });
  });

  it("retries connection resets, refusals and timeouts and marks timeouts", () => {
    expect(classify({ method: "GET", error: networkError("ECONNRESET"), nowMs: NOW })).toMatchObject({
      action: "retry",
      reason: "ECONNRESET",
      timeout: false,
    });
    expect(classify({ method: "GET", error: networkError("ECONNREFUSED"), nowMs: NOW })).toMatchObject({
      action: "retry",
      reason: "ECONNREFUSED",
    });
    expect(classify({ method: "GET", error: networkError("UND_ERR_HEADERS_TIMEOUT"), nowMs: NOW })).toMatchObject({
      action: "retry",
      timeout: true,
    });
    expect(classify({ method: "GET", error: networkError("UND_ERR_BODY_TIMEOUT"), nowMs: NOW })).toMatchObject({
      action: "retry",
      timeout: true,
    });
  });

  it("finds the error code on the cause of a wrapped error", () => {
    const wrapped = new Error("fetch failed", { cause: networkError("ECONNRESET") });
    expect(errorCode(wrapped)).toBe("ECONNRESET");
    expect(classify({ method: "GET", error: wrapped, nowMs: NOW })).toMatchObject({
      action: "retry",
      reason: "ECONNRESET",
    });
  });

  it("retries a 200 whose body is truncated or not JSON", () => {
    expect(classify({ method: "GET", status: 200, bodyValid: false, nowMs: NOW })).toMatchObject({
      action: "retry",
      reason: "response body is truncated or not JSON",
      rateLimited: false,
    });
  });

  it("fails 401 and 403 as authentication problems and 404 as not found, without retry", () => {
    expect(classify({ method: "GET", status: 401, nowMs: NOW })).toMatchObject({
      action: "fail",
      failure: "unauthorized",
    });
    expect(classify({ method: "GET", status: 403, nowMs: NOW })).toMatchObject({
      action: "fail",
      failure: "forbidden",
    });
    expect(classify({ method: "GET", status: 404, nowMs: NOW })).toMatchObject({
      action: "fail",
      failure: "not_found",
    });
  });

  it("fails other 4xx, unexpected statuses and unknown network errors as client errors", () => {
    for (const status of [400, 405, 409, 422, 301, 501]) {
      expect(classify({ method: "GET", status, nowMs: NOW })).toMatchObject({
        action: "fail",
        failure: "client_error",
        reason: String(status),
      });
    }
    expect(classify({ method: "GET", error: networkError("ENOTFOUND"), nowMs: NOW })).toMatchObject({
      action: "fail",
      failure: "client_error",
    });
    expect(classify({ method: "GET", error: new Error("no code"), nowMs: NOW })).toMatchObject({
      action: "fail",
      reason: "UNKNOWN",
    });
  });

  it("does not repeat a POST that may have been processed, but does after a 429 or a refused connection", () => {
    expect(classify({ method: "POST", status: 502, nowMs: NOW })).toMatchObject({
      action: "fail",
      failure: "unsafe_to_retry",
      transient: true,
    });
    expect(classify({ method: "POST", error: networkError("ECONNRESET"), nowMs: NOW })).toMatchObject({
      action: "fail",
      failure: "unsafe_to_retry",
    });
    expect(classify({ method: "POST", status: 200, bodyValid: false, nowMs: NOW })).toMatchObject({
      action: "fail",
      failure: "unsafe_to_retry",
    });
    expect(classify({ method: "POST", status: 429, nowMs: NOW })).toMatchObject({ action: "retry", rateLimited: true });
    expect(classify({ method: "POST", status: 503, nowMs: NOW })).toMatchObject({ action: "retry" });
    expect(classify({ method: "POST", error: networkError("ECONNREFUSED"), nowMs: NOW })).toMatchObject({
      action: "retry",
    });
  });

  it("gives the same answer for the same input", () => {
    const input = { method: "GET", status: 429, headers: { "retry-after": "3" }, nowMs: NOW } as const;
    expect(classify(input)).toEqual(classify(input));
  });
});

describe("parseRetryAfter", () => {
  it("accepts delta-seconds, fractions and HTTP dates", () => {
    expect(parseRetryAfter({ "retry-after": "12" }, NOW)).toBe(12_000);
    expect(parseRetryAfter({ "retry-after": "1.5" }, NOW)).toBe(1500);
    expect(parseRetryAfter({ "retry-after": new Date(NOW + 30_000).toUTCString() }, NOW)).toBe(30_000);
  });

  it("ignores absent or unreadable values and clamps past dates to zero and huge ones to the maximum", () => {
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "soon" }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": new Date(NOW - 5000).toUTCString() }, NOW)).toBe(0);
    expect(parseRetryAfter({ "retry-after": "86400" }, NOW)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe("backoff delays", () => {
  it("grows exponentially with full jitter and never exceeds the per-attempt cap", () => {
    const top = () => 0.999999;
    expect(backoffDelay(1, top, 60_000)).toBe(999);
    expect(backoffDelay(2, top, 60_000)).toBe(1999);
    expect(backoffDelay(4, top, 60_000)).toBe(7999);
    expect(backoffDelay(20, top, 60_000)).toBe(59_999);
    expect(backoffDelay(3, () => 0, 60_000)).toBe(0);
    expect(backoffDelay(3, () => 0.5, 60_000)).toBe(2000);
  });

  it("pauses at least half a step after a 429 without Retry-After, starting from the window", () => {
    expect(rateLimitDelay(1, () => 0, 10_000, 60_000)).toBe(5000);
    expect(rateLimitDelay(1, () => 0.999999, 10_000, 60_000)).toBe(9999);
    expect(rateLimitDelay(2, () => 0, 10_000, 60_000)).toBe(10_000);
    expect(rateLimitDelay(9, () => 0, 10_000, 60_000)).toBe(30_000);
  });
});
