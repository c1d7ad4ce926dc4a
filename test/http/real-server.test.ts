import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { ModeClient, type ModeClientOptions } from "../../src/http/client.js";
import { RetriesExhaustedError, TimeoutError } from "../../src/http/errors.js";
import { createLogger } from "../../src/log.js";

type Handler = (request: IncomingMessage, response: ServerResponse, connection: number) => void;

interface Running {
  readonly baseUrl: string;
  readonly server: Server;
}

const servers: Server[] = [];
const clients: ModeClient[] = [];

/** A real HTTP server on 127.0.0.1, port 0; `connection` numbers each TCP connection. */
async function serve(handler: Handler): Promise<Running> {
  const ids = new WeakMap<Socket, number>();
  let next = 0;
  const server = createServer((request, response) => handler(request, response, ids.get(request.socket) ?? -1));
  server.on("connection", (socket) => ids.set(socket, ++next));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/api`, server };
}

function setup(baseUrl: string, overrides: Partial<ModeClientOptions> = {}) {
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
  const client = new ModeClient({
    baseUrl,
    apiToken: "token-abc",
    apiSecret: "secret-xyz",
    userAgent: "tap-mode/test",
    requestTimeoutMs: 5000,
    rateLimit: { requests: 1000, windowMs: 1000 },
    maxRetries: 3,
    logger: createLogger({ level: "info", format: "json", destination }),
    random: () => 0,
    ...overrides,
  });
  clients.push(client);
  const warnings = (): string[] =>
    lines
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .filter((e) => e.level === "warning")
      .map((e) => e.msg);
  return { client, warnings };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/hal+json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/**
 * Mode's limit as the simulator enforces it: a leaky bucket of `capacity` per `windowMs` per token,
 * counted at arrival (docs/mode-api.md §6.1: "calculated using the leaky bucket algorithm").
 */
function leakyBucket(capacity: number, windowMs: number): () => { ok: boolean; remaining: number } {
  let level = 0;
  let last = performance.now();
  return () => {
    const now = performance.now();
    level = Math.max(0, level - ((now - last) * capacity) / windowMs);
    last = now;
    if (level + 1 > capacity + 1e-9) return { ok: false, remaining: 0 };
    level += 1;
    return { ok: true, remaining: Math.floor(capacity - level) };
  };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe("ModeClient against a real node:http server", () => {
  it("reuses one keep-alive connection and decodes gzip bodies", async () => {
    const seen: { connection: number; encoding: string | undefined; auth: string | undefined }[] = [];
    const { baseUrl } = await serve((request, response, connection) => {
      seen.push({ connection, encoding: request.headers["accept-encoding"], auth: request.headers.authorization });
      const body = gzipSync(JSON.stringify({ path: request.url, _links: { self: { href: request.url } } }));
      response.writeHead(200, {
        "content-type": "application/hal+json",
        "content-encoding": "gzip",
        "content-length": body.length,
      });
      response.end(body);
    });
    const { client } = setup(baseUrl);
    const bodies = [];
    for (const path of ["/acme", "/acme/spaces", "/api/acme/spaces?page=2"])
      bodies.push(await client.getJson({ path, template: "/t" }));
    expect(bodies.map((b) => b.path)).toEqual(["/api/acme", "/api/acme/spaces", "/api/acme/spaces?page=2"]);
    expect(new Set(seen.map((s) => s.connection)).size).toBe(1);
    expect(seen.every((s) => s.encoding === "gzip")).toBe(true);
    expect(seen[0]?.auth).toBe(`Basic ${Buffer.from("token-abc:secret-xyz").toString("base64")}`);
  });

  it("streams a large gzip download decoded", async () => {
    const csv = ["id,name", ...Array.from({ length: 20_000 }, (_, i) => `${i},row ${i}`)].join("\n");
    const { baseUrl } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/csv", "content-encoding": "gzip" });
      const body = gzipSync(csv);
      // Several writes: the decoder must cope with chunk boundaries.
      for (let i = 0; i < body.length; i += 4096) response.write(body.subarray(i, i + 4096));
      response.end();
    });
    const { client } = setup(baseUrl);
    const download = await client.getStream({
      path: "/acme/reports/r/runs/x/results/content.csv",
      template: "/{workspace}/reports/{report}/runs/{run}/results/content.csv",
    });
    const chunks: Buffer[] = [];
    for await (const chunk of download.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(csv);
    expect(client.stats().bytes).toBe(gzipSync(csv).length);
  });

  it("times out a server that never answers, retries, then gives up with a TimeoutError", async () => {
    let arrivals = 0;
    const { baseUrl } = await serve(() => {
      arrivals += 1; // never answers
    });
    const { client, warnings } = setup(baseUrl, { requestTimeoutMs: 150, maxRetries: 1 });
    const started = performance.now();
    const error = await client.getJson({ path: "/acme", template: "/{workspace}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).cause).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain("UND_ERR_HEADERS_TIMEOUT");
    expect(arrivals).toBe(2);
    expect(warnings()).toEqual(["Retrying GET /{workspace} after UND_ERR_HEADERS_TIMEOUT (attempt 1 of 2) in 0 ms"]);
    // undici fires sub-second timeouts on a ~1 s tick, so two attempts take about 2 s.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("retries a 200 whose body is cut off mid-way", async () => {
    let arrivals = 0;
    const { baseUrl } = await serve((_request, response) => {
      arrivals += 1;
      if (arrivals === 1) {
        response.writeHead(200, { "content-type": "application/hal+json", "content-length": "200" });
        response.write('{"_embedded": {"spaces": [{"token": "abc');
        setTimeout(() => response.socket?.destroy(), 10);
        return;
      }
      sendJson(response, 200, { _embedded: { spaces: [{ token: "abc" }] } });
    });
    const { client, warnings } = setup(baseUrl);
    expect(await client.getJson({ path: "/acme/spaces", template: "/{workspace}/spaces" })).toEqual({
      _embedded: { spaces: [{ token: "abc" }] },
    });
    expect(arrivals).toBe(2);
    expect(warnings()).toHaveLength(1);
  });

  it("sees zero 429s from a server enforcing the same limit and uses at least 90% of it", async () => {
    const capacity = 10;
    const windowMs = 1000;
    const admit = leakyBucket(capacity, windowMs);
    const arrivals: number[] = [];
    let limited = 0;
    const { baseUrl } = await serve((_request, response) => {
      const verdict = admit();
      if (!verdict.ok) {
        limited += 1;
        sendJson(
          response,
          429,
          { id: "rate_limited", message: "Too many requests" },
          { "x-ratelimit-limit": String(capacity), "x-ratelimit-remaining": "0" },
        );
        return;
      }
      arrivals.push(performance.now());
      sendJson(
        response,
        200,
        { ok: true },
        { "x-ratelimit-limit": String(capacity), "x-ratelimit-remaining": String(verdict.remaining) },
      );
    });
    const { client } = setup(baseUrl, {
      rateLimit: { requests: capacity, windowMs, maxConcurrent: 8 },
      clock: systemClock(),
    });
    const total = 40;
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        client.getJson({ path: `/acme/reports/r${i}`, template: "/{workspace}/reports/{report}" }),
      ),
    );
    expect(limited).toBe(0);
    expect(client.stats().rateLimited).toBe(0);
    // Requests beyond the first window's allowance, over the time they took, as a share of the limit.
    const span = Math.max(...arrivals) - Math.min(...arrivals);
    const budgetUse = ((total - capacity) / span) * (windowMs / capacity);
    console.log(`same-limit server: ${total} requests, 0 x 429, budget use ${budgetUse.toFixed(3)}`);
    expect(budgetUse).toBeGreaterThanOrEqual(0.9);
    expect(budgetUse).toBeLessThanOrEqual(1);
  });

  it("still finishes against a stricter server that answers 429 without hints", async () => {
    const admit = leakyBucket(4, 500);
    let limited = 0;
    const { baseUrl } = await serve((_request, response) => {
      if (!admit().ok) {
        limited += 1;
        sendJson(response, 429, { id: "rate_limited", message: "Too many requests" });
        return;
      }
      sendJson(response, 200, { ok: true });
    });
    const { client } = setup(baseUrl, {
      rateLimit: { requests: 8, windowMs: 500, maxConcurrent: 4 },
      maxRetries: 5,
      clock: systemClock(),
      random: () => 0.5,
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.getJson({ path: `/acme/r${i}`, template: "/{workspace}/r" })),
    );
    expect(results).toHaveLength(20);
    expect(results.every((r) => r.ok === true)).toBe(true);
    expect(limited).toBeGreaterThan(0);
    expect(client.stats().rateLimited).toBe(limited);
    console.log(`stricter server: 20 requests finished after ${limited} x 429`);
  });
});
