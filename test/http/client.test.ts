import { inspect } from "node:util";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import nock from "nock";
import { Agent, type Dispatcher } from "undici";
import { describe, expect, it } from "vitest";
import { guardNock } from "../support/nock-guard.js";
import type { Clock } from "../../src/clock.js";
import { ModeClient, type ModeClientOptions } from "../../src/http/client.js";
import {
  AuthenticationError,
  FatalApiError,
  ForbiddenError,
  HostUnreachableError,
  isFatal,
  isRetriable,
  isSkippable,
  MalformedResponseError,
  NotFoundError,
  RetriesExhaustedError,
  TransientApiError,
} from "../../src/http/errors.js";
import { createLogger } from "../../src/log.js";

const ORIGIN = "https://app.mode.com";
const TOKEN = "tok-9f8e7d6c5b4a";
const SECRET = "sec-SUPER-SECRET-0123";
const AUTH = `Basic ${Buffer.from(`${TOKEN}:${SECRET}`).toString("base64")}`;
const HAL = { "content-type": "application/hal+json" };

/**
 * A virtual clock: sleeps resolve in virtual time, advanced to the earliest sleeper on the next
 * event-loop turn, so backoffs of seconds take microseconds. Real I/O does not move it.
 */
function virtualClock(start = 1_700_000_000_000): { clock: Clock; sleeps: number[] } {
  let now = start;
  let seq = 0;
  let pending = false;
  const sleeps: number[] = [];
  const timers: { at: number; seq: number; fire: () => void }[] = [];
  const advance = (): void => {
    pending = false;
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const first = timers[0];
    if (first === undefined) return;
    now = Math.max(now, first.at);
    while (timers.length > 0 && (timers[0]?.at ?? Infinity) <= now) timers.shift()?.fire();
    if (timers.length > 0) schedule();
  };
  const schedule = (): void => {
    if (!pending) {
      pending = true;
      setImmediate(advance);
    }
  };
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        sleeps.push(ms);
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = (): void => {
          const index = timers.indexOf(timer);
          if (index >= 0) timers.splice(index, 1);
          reject(signal?.reason);
        };
        const timer = {
          at: now + Math.max(0, ms),
          seq: seq++,
          fire: () => (signal?.removeEventListener("abort", onAbort), resolve()),
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        timers.push(timer);
        schedule();
      }),
  };
  return { clock, sleeps };
}

interface LogEntry {
  level: string;
  msg: string;
  [key: string]: unknown;
}

function captureLogger(): { logger: ReturnType<typeof createLogger>; lines: string[]; entries: () => LogEntry[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((l) => l.length > 0),
      );
      callback();
    },
  });
  const logger = createLogger({ level: "debug", format: "json", destination });
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as LogEntry) };
}

const clients: ModeClient[] = [];
const dispatchers: Dispatcher[] = [];

function setup(overrides: Partial<ModeClientOptions> = {}) {
  const { clock, sleeps } = virtualClock();
  const log = captureLogger();
  const client = new ModeClient({
    baseUrl: `${ORIGIN}/api`,
    apiToken: TOKEN,
    apiSecret: SECRET,
    userAgent: "tap-mode/0.1.0 (test)",
    requestTimeoutMs: 5000,
    rateLimit: { requests: 40, windowMs: 10_000, maxConcurrent: 4 },
    maxRetries: 3,
    logger: log.logger,
    clock,
    random: () => 0.5,
    ...overrides,
  });
  clients.push(client);
  const warnings = (): LogEntry[] => log.entries().filter((e) => e.level === "warning");
  const metrics = (): Record<string, unknown>[] =>
    log
      .entries()
      .filter((e) => e.msg === "METRIC")
      .map((e) => e.point as Record<string, unknown>);
  return { client, clock, sleeps, lines: log.lines, logger: log.logger, warnings, metrics };
}

/** A keep-alive Agent that notes the (virtual) time and path of every request it sends. */
function recordingDispatcher(clock: Clock): { dispatcher: Dispatcher; sent: { at: number; path: string }[] } {
  const sent: { at: number; path: string }[] = [];
  const dispatcher = new Agent().compose((dispatch) => (options, handler) => {
    sent.push({ at: clock.now(), path: String(options.path) });
    return dispatch(options, handler);
  });
  dispatchers.push(dispatcher);
  return { dispatcher, sent };
}

/** Everything a test could leak a secret through. */
function everyRendering(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 6, showHidden: true })].join("\n");
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(AUTH.slice("Basic ".length));
}

guardNock(() =>
  Promise.all([...clients.splice(0).map((c) => c.close()), ...dispatchers.splice(0).map((d) => d.close())]),
);

describe("ModeClient transport", () => {
  it("sends Basic auth, HAL Accept, gzip Accept-Encoding and the configured User-Agent", async () => {
    const { client } = setup();
    nock(ORIGIN, {
      reqheaders: {
        authorization: AUTH,
        accept: "application/hal+json",
        "accept-encoding": "gzip",
        "user-agent": "tap-mode/0.1.0 (test)",
      },
    })
      .get("/api/acme")
      .reply(200, { username: "acme", _links: { self: { href: "/api/acme" } } }, HAL);
    const body = await client.getJson({ path: "/acme", template: "/{workspace}" });
    expect(body.username).toBe("acme");
  });

  it("resolves root-relative HAL links against the origin and merges query parameters", async () => {
    const { client } = setup();
    nock(ORIGIN).get("/api/acme/spaces").query({ page: "2", filter: "all" }).reply(200, { ok: true }, HAL);
    const body = await client.getJson({
      path: "/api/acme/spaces?page=2",
      template: "/{workspace}/spaces",
      query: { filter: "all", skipped: undefined },
    });
    expect(body).toEqual({ ok: true });
    expect(client.resolvePath("/acme/spaces")).toBe("/api/acme/spaces");
    expect(client.resolvePath("/api/acme/spaces?page=2")).toBe("/api/acme/spaces?page=2");
  });

  it("decodes a gzip-encoded JSON body", async () => {
    const { client } = setup();
    const json = JSON.stringify({ _embedded: { spaces: [{ token: "abc123def456" }] } });
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .reply(200, gzipSync(json), { ...HAL, "content-encoding": "gzip" });
    const body = await client.getJson({ path: "/acme/spaces", template: "/{workspace}/spaces" });
    expect(body).toEqual(JSON.parse(json));
  });

  it("keeps integer ids beyond 2^53 exact and accepts string ids", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme/reports/72f2ef8fb3a8")
      .reply(200, '{"id": 12345678901234567890, "space_id": "1920033", "query_count": 1}', HAL);
    const body = await client.getJson({
      path: "/acme/reports/72f2ef8fb3a8",
      template: "/{workspace}/reports/{report}",
    });
    expect(body.id).toBe("12345678901234567890");
    expect(body.space_id).toBe("1920033");
    expect(body.query_count).toBe(1);
  });

  it("refuses to send credentials to a link on another origin", async () => {
    const { client } = setup();
    const error = await client
      .getJson({ path: "https://evil.example.com/api/acme", template: "/{workspace}" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FatalApiError);
    expect((error as Error).message).toBe("GET /{workspace}: refusing to send credentials to a link on another origin");
    // Nothing was sent, so nothing is counted.
    expect(client.stats().requests).toBe(0);
  });

  it("posts JSON and accepts a 202", async () => {
    const { client } = setup();
    nock(ORIGIN, { reqheaders: { "content-type": "application/json" } })
      .post("/api/acme/reports/72f2ef8fb3a8/runs", { parameters: { day: "2025-01-01" } })
      .reply(202, { token: "run1", state: "enqueued" }, HAL);
    const run = await client.postJson({
      path: "/acme/reports/72f2ef8fb3a8/runs",
      template: "/{workspace}/reports/{report}/runs",
      body: { parameters: { day: "2025-01-01" } },
    });
    expect(run).toEqual({ token: "run1", state: "enqueued" });
  });

  it("streams a gzip-encoded download decoded", async () => {
    const { client } = setup();
    const csv = "id,name\n1,alpha\n2,beta\n";
    nock(ORIGIN, { reqheaders: { accept: "text/csv" } })
      .get("/api/acme/reports/r1/runs/run1/query_runs/q1/results/content.csv")
      .reply(200, gzipSync(csv), { "content-type": "text/csv", "content-encoding": "gzip" });
    const response = await client.getStream({
      path: "/acme/reports/r1/runs/run1/query_runs/q1/results/content.csv",
      template: "/{workspace}/reports/{report}/runs/{run}/query_runs/{query_run}/results/content.csv",
      accept: "text/csv",
    });
    let text = "";
    for await (const chunk of response.body) text += String(chunk);
    expect(response.status).toBe(200);
    expect(response.contentType).toBe("text/csv");
    expect(text).toBe(csv);
  });
});

describe("ModeClient retries", () => {
  it(
    "retries a 500 then succeeds, logging one warn line with method, " + "template, status, attempt and delay",
    async () => {
      const { client, warnings, sleeps, client: c } = setup();
      nock(ORIGIN)
        .get("/api/acme/spaces")
        .query(true)
        .reply(500, { id: "internal_server_error", message: "oops" })
        .get("/api/acme/spaces")
        .query(true)
        .reply(200, { ok: 1 }, HAL);
      const body = await client.getJson({
        path: "/acme/spaces",
        template: "/{workspace}/spaces",
        query: { filter: "all" },
      });
      expect(body).toEqual({ ok: 1 });
      const [warning, ...rest] = warnings();
      expect(rest).toEqual([]);
      expect(warning).toMatchObject({
        method: "GET",
        endpoint: "/{workspace}/spaces",
        http_status_code: 500,
        attempt: 1,
        delay_ms: 500,
      });
      expect(warning?.msg).toBe("Retrying GET /{workspace}/spaces after 500 (attempt 1 of 4) in 500 ms");
      // Full jitter with random() = 0.5 on the first attempt: 0.5 * 1000 ms.
      expect(sleeps).toContain(500);
      expect(c.stats()).toMatchObject({ requests: 2, retries: 1, rateLimited: 0 });
      expect(c.stats().byTemplate["/{workspace}/spaces"]).toEqual({ requests: 2, statuses: { "200": 1, "500": 1 } });
    },
  );

  it("retries 502, 503 and 504 with growing delays", async () => {
    const { client, warnings } = setup();
    nock(ORIGIN)
      .get("/api/acme")
      .reply(502, "<html>Bad Gateway</html>")
      .get("/api/acme")
      .reply(503)
      .get("/api/acme")
      .reply(504)
      .get("/api/acme")
      .reply(200, {}, HAL);
    await client.getJson({ path: "/acme", template: "/{workspace}" });
    expect(warnings().map((w) => [w.http_status_code, w.attempt, w.delay_ms])).toEqual([
      [502, 1, 500],
      [503, 2, 1000],
      [504, 3, 2000],
    ]);
  });

  it("retries a connection reset", async () => {
    const { client, warnings } = setup();
    nock(ORIGIN)
      .get("/api/acme")
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
      .get("/api/acme")
      .reply(200, { username: "acme" }, HAL);
    expect(await client.getJson({ path: "/acme", template: "/{workspace}" })).toEqual({ username: "acme" });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ error_code: "ECONNRESET", attempt: 1 });
  });

  it("retries a 200 whose body is truncated JSON or an HTML page", async () => {
    const { client, warnings } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .reply(200, '{"_embedded": {"spaces": [{"tok', HAL)
      .get("/api/acme/spaces")
      .reply(200, "<html>Sign in</html>", { "content-type": "text/html" })
      .get("/api/acme/spaces")
      .reply(200, gzipSync('{"_embedded": {"spaces": []}}').subarray(0, 12), { ...HAL, "content-encoding": "gzip" })
      .get("/api/acme/spaces")
      .reply(200, { _embedded: { spaces: [] } }, HAL);
    expect(await client.getJson({ path: "/acme/spaces", template: "/{workspace}/spaces" })).toEqual({
      _embedded: { spaces: [] },
    });
    expect(warnings().map((w) => w.msg)).toEqual([
      "Retrying GET /{workspace}/spaces after response body is truncated or not JSON (attempt 1 of 4) in 500 ms",
      "Retrying GET /{workspace}/spaces after response body is truncated or not JSON (attempt 2 of 4) in 1000 ms",
      "Retrying GET /{workspace}/spaces after response body is truncated or not JSON (attempt 3 of 4) in 2000 ms",
    ]);
  });

  it("gives up after max_retries with the last cause", async () => {
    const { client } = setup({ maxRetries: 2 });
    nock(ORIGIN).get("/api/acme").times(3).reply(503, { id: "service_unavailable", message: "Down for maintenance" });
    const error = await client.getJson({ path: "/acme", template: "/{workspace}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(isFatal(error)).toBe(true);
    const exhausted = error as RetriesExhaustedError;
    expect(exhausted.attempts).toBe(3);
    expect(exhausted.cause).toBeInstanceOf(TransientApiError);
    expect(exhausted.message).toBe(
      "GET /{workspace}: giving up after 3 attempts; last error: GET /{workspace} HTTP 503 " +
        "(service_unavailable: Down for maintenance): server error",
    );
  });

  it("does not repeat a POST after a 502 that may have started a run", async () => {
    const { client } = setup();
    nock(ORIGIN).post("/api/acme/reports/r1/runs").reply(502);
    const error = await client
      .postJson({ path: "/acme/reports/r1/runs", template: "/{workspace}/reports/{report}/runs", body: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientApiError);
    expect(isRetriable(error)).toBe(true);
    expect((error as Error).message).toContain("not retried because POST is not idempotent");
  });

  it("stops retrying promptly when the signal aborts", async () => {
    const { client } = setup({ maxRetries: 5 });
    const controller = new AbortController();
    nock(ORIGIN)
      .get("/api/acme")
      .reply(() => {
        setImmediate(() => controller.abort(new Error("SIGTERM")));
        return [503, ""];
      });
    // Only one reply is mocked: a retry would be an unmatched request and fail the test in afterEach.
    await expect(
      client.getJson({ path: "/acme", template: "/{workspace}", signal: controller.signal }),
    ).rejects.toThrow("SIGTERM");
  });
});

describe("ModeClient rate limiting", () => {
  it("on a 429 with Retry-After pauses every queued request, not just the limited one", async () => {
    const { clock } = virtualClock();
    const { dispatcher, sent } = recordingDispatcher(clock);
    const { client, warnings } = setup({
      clock,
      dispatcher,
      rateLimit: { requests: 100, windowMs: 10_000, maxConcurrent: 1 },
    });
    nock(ORIGIN)
      .get("/api/acme/a")
      .reply(429, { id: "rate_limited", message: "Too many requests" }, { "retry-after": "5" })
      .get("/api/acme/b")
      .reply(200, { b: true }, HAL)
      .get("/api/acme/a")
      .reply(200, { a: true }, HAL);
    const t0 = clock.now();
    const [a, b] = await Promise.all([
      client.getJson({ path: "/acme/a", template: "/{workspace}/a" }),
      client.getJson({ path: "/acme/b", template: "/{workspace}/b" }),
    ]);
    expect([a, b]).toEqual([{ a: true }, { b: true }]);
    // After the pause, requests are paced: 0.8 x the configured 100 per 10.5 s (window plus 5% margin) is one per
    // 131.25 ms.
    expect(sent.map((s) => s.path)).toEqual(["/api/acme/a", "/api/acme/b", "/api/acme/a"]);
    expect(sent.map((s) => s.at - t0).slice(0, 2)).toEqual([0, 5000]);
    expect((sent[2]?.at ?? 0) - t0).toBeGreaterThanOrEqual(5131);
    expect((sent[2]?.at ?? 0) - t0).toBeLessThanOrEqual(5132);
    expect(warnings()[0]).toMatchObject({ http_status_code: 429, attempt: 1, delay_ms: 5000 });
    expect(client.stats()).toMatchObject({ requests: 3, retries: 1, rateLimited: 1 });
    // Wall time with a request held back: the 5 s pause (both requests waited through it) and the pace after it.
    expect(client.stats().rateLimitWaitMs).toBeGreaterThanOrEqual(5131);
    expect(client.stats().rateLimitWaitMs).toBeLessThanOrEqual(5132);
  });

  it("on a 429 without Retry-After pauses everyone for an exponential delay starting near the window", async () => {
    const { clock } = virtualClock();
    const { dispatcher, sent } = recordingDispatcher(clock);
    const { client, warnings } = setup({
      clock,
      dispatcher,
      rateLimit: { requests: 100, windowMs: 10_000, maxConcurrent: 1 },
    });
    nock(ORIGIN)
      .get("/api/acme/a")
      .reply(429, { id: "rate_limited", message: "Too many requests" })
      .get("/api/acme/b")
      .reply(429, { id: "rate_limited", message: "Too many requests" })
      .get("/api/acme/a")
      .reply(200, {}, HAL)
      .get("/api/acme/b")
      .reply(200, {}, HAL);
    const t0 = clock.now();
    await Promise.all([
      client.getJson({ path: "/acme/a", template: "/{workspace}/a" }),
      client.getJson({ path: "/acme/b", template: "/{workspace}/b" }),
    ]);
    // random() = 0.5: 10 s step -> 7.5 s; b's own first 429 -> another 7.5 s from then. Nothing was accepted between
    // the two 429s, so the second lowers the pace by 0.8 once more: 0.8 x 0.8 x 100 per 10.5 s, one per 164 ms.
    expect(warnings().map((w) => w.delay_ms)).toEqual([7500, 7500]);
    expect(sent.map((s) => [s.path, s.at - t0]).slice(0, 3)).toEqual([
      ["/api/acme/a", 0],
      ["/api/acme/b", 7500],
      ["/api/acme/a", 15_000],
    ]);
    expect(sent[3]?.path).toBe("/api/acme/b");
    expect(Math.abs((sent[3]?.at ?? 0) - t0 - (15_000 + 10_500 / 100 / 0.64))).toBeLessThan(1);
  });

  it("never sends more than N requests in any window, measured on request timestamps", async () => {
    const { clock } = virtualClock();
    const { dispatcher, sent } = recordingDispatcher(clock);
    const { client } = setup({ clock, dispatcher, rateLimit: { requests: 10, windowMs: 1000, maxConcurrent: 4 } });
    nock(ORIGIN)
      .get(/\/api\/acme\/reports\/r\d+/)
      .times(45)
      .reply(200, {}, HAL);
    await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        client.getJson({ path: `/acme/reports/r${i}`, template: "/{workspace}/reports/{report}" }),
      ),
    );
    const times = sent.map((s) => s.at).sort((a, b) => a - b);
    expect(times).toHaveLength(45);
    for (const start of times)
      expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(10);
  });
});

describe("ModeClient errors", () => {
  it("fails a 401 after exactly one request with a message about the credentials", async () => {
    const { client, lines } = setup();
    const scope = nock(ORIGIN)
      .get("/api/acme/spaces")
      .query(true)
      .reply(401, { id: "unauthorized", message: "Unauthorized" });
    const error = await client
      .getJson({ path: "/acme/spaces", template: "/{workspace}/spaces", query: { filter: "all" } })
      .catch((e: unknown) => e);
    expect(scope.isDone()).toBe(true);
    expect(client.stats().requests).toBe(1);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).not.toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toBe(
      "GET /{workspace}/spaces HTTP 401 (unauthorized: Unauthorized): authentication failed; check " +
        "api_token, api_secret and that the token has access to the workspace",
    );
    expectNoSecrets(everyRendering(error));
    expectNoSecrets(lines.join("\n"));
  });

  it("fails a 403 as a ForbiddenError a caller can tell apart", async () => {
    const { client } = setup();
    nock(ORIGIN).get("/api/acme/groups").reply(403, { id: "forbidden", message: "Forbidden" });
    const error = await client
      .getJson({ path: "/acme/groups", template: "/{workspace}/groups" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(client.stats().requests).toBe(1);
  });

  it("reports a 404 as a skippable NotFoundError", async () => {
    const { client } = setup();
    nock(ORIGIN).get("/api/acme/reports/gone").reply(404, { id: "not_found", message: "Report not found" });
    const error = await client
      .getJson({ path: "/acme/reports/gone", template: "/{workspace}/reports/{report}" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(isSkippable(error)).toBe(true);
    expect(error).toMatchObject({
      status: 404,
      modeId: "not_found",
      modeMessage: "Report not found",
      template: "/{workspace}/reports/{report}",
    });
  });

  it("fails a 400 with Mode's error id and message and without the query string", async () => {
    const { client, lines } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces/s1/reports")
      .query(true)
      .reply(400, { id: "bad_request", message: "Invalid filter" });
    const error = await client
      .getJson({
        path: "/acme/spaces/s1/reports",
        template: "/{workspace}/spaces/{space}/reports",
        query: { filter: "updated_at.gt.2025-01-01T00:00:00Z" },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FatalApiError);
    expect((error as Error).message).toBe(
      "GET /{workspace}/spaces/{space}/reports HTTP 400 (bad_request: Invalid filter)",
    );
    expect(everyRendering(error)).not.toContain("updated_at.gt");
    expect(lines.join("\n")).not.toContain("updated_at.gt");
    expectNoSecrets(everyRendering(error));
  });

  it("redacts credentials a server echoes back in its error message", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme")
      .reply(400, { id: "bad_request", message: `bad header: Authorization: ${AUTH} for ${TOKEN}` });
    const error = await client.getJson({ path: "/acme", template: "/{workspace}" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ modeMessage: "bad header: Authorization: Basic [REDACTED] for [REDACTED]" });
    expectNoSecrets(everyRendering(error));
  });

  it(
    "sends a request's own credential instead of Basic auth " +
      "and redacts its secrets from errors (Discovery Bearer)",
    async () => {
      const { client } = setup();
      const bearer = `Bearer ${Buffer.from("sigtok:key-4c1e:secret-9d2f").toString("base64")}`;
      const credential = {
        authorization: bearer,
        secrets: [bearer, bearer.slice("Bearer ".length), "key-4c1e", "secret-9d2f"],
      };
      nock(ORIGIN, { reqheaders: { authorization: bearer } })
        .get("/batch/acme/spaces")
        .reply(403, { id: "forbidden", message: `refused ${bearer} with key key-4c1e and secret secret-9d2f` });
      const error = await client
        .getJson({ path: `${ORIGIN}/batch/acme/spaces`, template: "/batch/{workspace}/spaces", credential })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        status: 403,
        modeMessage: "refused [REDACTED] with key [REDACTED] and secret [REDACTED]",
      });
      for (const secret of credential.secrets) expect(everyRendering(error)).not.toContain(secret);
    },
  );

  it("keeps Rails-style 422 messages readable", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme")
      .reply(422, { message: { name: ["is too long"] } });
    await expect(client.getJson({ path: "/acme", template: "/{workspace}" })).rejects.toMatchObject({
      modeMessage: '{"name":["is too long"]}',
      status: 422,
    });
  });

  it("fails a JSON body that is not an object as malformed, without retry", async () => {
    const { client } = setup();
    nock(ORIGIN).get("/api/acme").reply(200, "[1,2]", HAL);
    await expect(client.getJson({ path: "/acme", template: "/{workspace}" })).rejects.toBeInstanceOf(
      MalformedResponseError,
    );
    expect(client.stats().requests).toBe(1);
  });

  it("never writes credentials to logs, metrics or exhausted-retry errors", async () => {
    const { client, lines } = setup({ maxRetries: 1 });
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .reply(200, {}, HAL)
      .get("/api/acme")
      .times(2)
      .replyWithError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    await client.getJson({ path: "/acme/spaces", template: "/{workspace}/spaces" });
    const error = await client.getJson({ path: "/acme", template: "/{workspace}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).cause).toMatchObject({ code: "ECONNREFUSED" });
    expect((error as Error).message).toContain("cannot reach app.mode.com (ECONNREFUSED): check base_url");
    expectNoSecrets(everyRendering(error));
    expectNoSecrets(lines.join("\n"));
  });

  it("stops at once, naming the host, when the host was never reached (a wrong base_url)", async () => {
    const { client } = setup({ maxRetries: 5 });
    // One reply only: a retry would be an unmatched request and fail the test.
    nock(ORIGIN)
      .get("/api/acme")
      .replyWithError(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }));
    const error = await client.getJson({ path: "/acme", template: "/{workspace}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostUnreachableError);
    expect(isRetriable(error)).toBe(true);
    expect((error as Error).message).toBe(
      "cannot reach app.mode.com (ENOTFOUND): check base_url and the network (GET /{workspace})",
    );
    expect(client.stats().requests).toBe(1);
  });
});

describe("ModeClient metrics", () => {
  it(
    "with request_metrics per_request, logs http_request_duration per attempt tagged with template, status " +
      "and outcome",
    async () => {
      const { client, metrics } = setup({ requestMetrics: "per_request" });
      nock(ORIGIN)
        .get("/api/acme/spaces")
        .reply(503)
        .get("/api/acme/spaces")
        .reply(200, { _embedded: { spaces: [] } }, HAL);
      await client.getJson({ path: "/acme/spaces", template: "/{workspace}/spaces" });
      expect(metrics()).toEqual([
        {
          type: "timer",
          metric: "http_request_duration",
          value: 0,
          tags: { endpoint: "/{workspace}/spaces", method: "GET", http_status_code: 503, status: "failed" },
        },
        {
          type: "timer",
          metric: "http_request_duration",
          value: 0,
          tags: { endpoint: "/{workspace}/spaces", method: "GET", http_status_code: 200, status: "succeeded" },
        },
      ]);
    },
  );

  it(
    "by default aggregates per endpoint and logs one line per endpoint when flushed, " + "then only what is new",
    async () => {
      const { client, metrics, logger } = setup({ maxRetries: 3 });
      nock(ORIGIN)
        .get("/api/acme/spaces")
        .reply(503)
        .get("/api/acme/spaces")
        .reply(200, { _embedded: { spaces: [] } }, HAL)
        .get("/api/acme/reports/r1")
        .reply(200, {}, HAL)
        .get("/api/acme/reports/r2")
        .reply(200, {}, HAL);
      await client.getJson({ path: "/acme/spaces", template: "/{workspace}/spaces" });
      await client.getJson({ path: "/acme/reports/r1", template: "/{workspace}/reports/{report}" });
      expect(metrics()).toEqual([]);
      client.metrics.flushSummary(logger);
      const timer = { type: "timer", metric: "http_request_duration", value: 0 };
      expect(metrics()).toEqual([
        { ...timer, tags: { endpoint: "/{workspace}/spaces", requests: 2, errors: 1, max_seconds: 0 } },
        { ...timer, tags: { endpoint: "/{workspace}/reports/{report}", requests: 1, errors: 0, max_seconds: 0 } },
      ]);
      await client.getJson({ path: "/acme/reports/r2", template: "/{workspace}/reports/{report}" });
      client.metrics.flushSummary(logger);
      client.metrics.flushSummary(logger);
      expect(metrics().slice(2)).toEqual([
        { ...timer, tags: { endpoint: "/{workspace}/reports/{report}", requests: 1, errors: 0, max_seconds: 0 } },
      ]);
      expect(client.stats()).toMatchObject({ requests: 4, retries: 1 });
    },
  );

  it("with request_metrics off, logs no metric at all", async () => {
    const { client, metrics, logger } = setup({ requestMetrics: "off" });
    nock(ORIGIN).get("/api/acme").reply(200, {}, HAL);
    await client.getJson({ path: "/acme", template: "/{workspace}" });
    client.metrics.flushSummary(logger);
    expect(metrics()).toEqual([]);
    expect(client.stats().requests).toBe(1);
  });

  it("counts bytes as received on the wire", async () => {
    const { client } = setup();
    const gz = gzipSync(JSON.stringify({ pad: "x".repeat(1000) }));
    nock(ORIGIN)
      .get("/api/acme")
      .reply(200, gz, { ...HAL, "content-encoding": "gzip" });
    await client.getJson({ path: "/acme", template: "/{workspace}" });
    expect(client.stats().bytes).toBe(gz.length);
  });
});
