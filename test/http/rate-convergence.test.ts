import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { ModeClient } from "../../src/http/client.js";
import { createLogger } from "../../src/log.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";

/**
 * The tap against the simulator's leaky bucket (Mode's limit is about 40 requests per 10 s), over real loopback
 * sockets. Time is scaled down ten times on both sides so the test takes seconds, not minutes: the simulator allows 40
 * per 1 s and the tap is configured 100 per 0.1 s, the same ratios as the 40 per 10 s against 100 per 1 s.
 * The simulator leaves out `Retry-After` here: it counts whole seconds (RFC 9110), which would not scale, so the tap
 * pauses by its own backoff, which starts at its configured window (scaled with it). `npm run bench` ("Misconfigured
 * rate limit") measures the unscaled 40 per 10 s with `Retry-After`.
 */
const SCALE = 10;
const SERVER = { requests: 40, windowMs: 10_000 / SCALE };
const REQUESTS = 400;

const sims: RunningSimulator[] = [];
const clients: ModeClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

interface Measured {
  readonly requests: number;
  readonly rateLimited: number;
  readonly share429: number;
  readonly budgetUse: number;
  readonly logs: string[];
}

async function measure(tap: { requests: number; windowMs: number }): Promise<Measured> {
  const sim = await startSimulator({ rateLimit: { ...SERVER, retryAfter: false } });
  sims.push(sim);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const client = new ModeClient({
    baseUrl: sim.baseUrl,
    apiToken: sim.token,
    apiSecret: sim.secret,
    userAgent: "tap-mode/test",
    requestTimeoutMs: 5000,
    rateLimit: { ...tap, maxConcurrent: 8 },
    maxRetries: 8,
    logger: createLogger({ level: "info", destination }),
  });
  clients.push(client);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: REQUESTS }, () =>
      client.getJson({ path: `/${sim.workspace}/data_sources`, template: "/{workspace}/data_sources" }),
    ),
  );
  const wallMs = performance.now() - started;
  const { requests, rateLimited } = sim.model.stats();
  // The first 40 fill an empty bucket at once; the rest can come no faster than the bucket drains.
  const beyondBurst = requests - rateLimited - SERVER.requests;
  const budgetUse = beyondBurst / ((wallMs * SERVER.requests) / SERVER.windowMs);
  return { requests, rateLimited, share429: rateLimited / requests, budgetUse, logs };
}

describe("the rate limit as the server enforces it", () => {
  it(
    "converges from 100 per 0.1 s to a server allowing 40 per 1 s: <= 2% of requests answered 429, >= 0.8 of " +
      "its rate",
    async () => {
      const m = await measure({ requests: 100, windowMs: 1000 / SCALE });
      console.log(
        `misconfigured (scaled 1/${SCALE}): ${m.requests} requests, ${m.rateLimited} x 429 (` +
          `${(m.share429 * 100).toFixed(2)}%), budget use ${m.budgetUse.toFixed(3)}`,
      );
      expect(m.requests - m.rateLimited).toBe(REQUESTS);
      expect(m.rateLimited).toBeGreaterThan(0);
      expect(m.share429).toBeLessThanOrEqual(0.02);
      expect(m.budgetUse).toBeGreaterThanOrEqual(0.8);
      expect(m.budgetUse).toBeLessThanOrEqual(1.05);
      expect(m.logs.some((l) => l.includes("adopting"))).toBe(false);
      expect(m.logs.some((l) => /^INFO Rate limited by the server \(HTTP 429\): pacing requests at/.test(l))).toBe(
        true,
      );
    },
    60_000,
  );

  it("configured right (40 per 1 s on both sides): no 429 and >= 0.9 of the rate", async () => {
    const m = await measure({ ...SERVER });
    console.log(
      `configured right (scaled 1/${SCALE}): ${m.requests} requests, ${m.rateLimited} x 429, budget use ` +
        `${m.budgetUse.toFixed(3)}`,
    );
    expect(m.rateLimited).toBe(0);
    expect(m.budgetUse).toBeGreaterThanOrEqual(0.9);
    expect(m.budgetUse).toBeLessThanOrEqual(1.05);
  }, 60_000);
});
