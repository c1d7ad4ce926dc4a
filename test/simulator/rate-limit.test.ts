import { describe, expect, it } from "vitest";
import { LeakyBucketLimiter } from "../../src/simulator/rate-limit.js";
import { startSimulator } from "../../src/simulator/index.js";
import { basic, client, httpRequest, manualClock, type Json } from "./helpers.js";

describe("the leaky bucket", () => {
  it("admits N requests at once, refuses the next, and drains at N per window", () => {
    let now = 0;
    const limiter = new LeakyBucketLimiter(40, 10_000, () => now);
    const remaining = Array.from({ length: 40 }, () => limiter.take("a").remaining);
    expect(remaining).toEqual(Array.from({ length: 40 }, (_, i) => 39 - i));
    const refused = limiter.take("a");
    expect(refused).toEqual({ allowed: false, limit: 40, remaining: 0, retryAfterSeconds: 1 });
    // Another token has its own bucket.
    expect(limiter.take("b").allowed).toBe(true);
    now += 249;
    expect(limiter.take("a").allowed).toBe(false);
    now += 1;
    expect(limiter.take("a").allowed).toBe(true);
    now += 10_000;
    expect(limiter.peek("a").remaining).toBe(40);
  });

  it("tells how long to wait when the bucket is far over", () => {
    let now = 0;
    const limiter = new LeakyBucketLimiter(2, 10_000, () => now);
    limiter.take("a");
    limiter.take("a");
    expect(limiter.take("a").retryAfterSeconds).toBe(5);
    now = 4_000;
    expect(limiter.take("a").retryAfterSeconds).toBe(1);
  });
});

describe("the simulator's rate limit", () => {
  it("answers 429 with Mode's body and headers once a token has spent its 40 requests", async () => {
    const clock = manualClock();
    const sim = await startSimulator({ clock });
    try {
      const api = client(sim);
      const answers = [];
      for (let i = 0; i < 41; i++) answers.push(await api.get(`/${sim.workspace}/data_sources`));
      expect(answers.slice(0, 40).map((a) => a.status)).toEqual(Array.from({ length: 40 }, () => 200));
      expect(answers.slice(0, 40).map((a) => a.headers["x-ratelimit-remaining"])).toEqual(
        Array.from({ length: 40 }, (_, i) => String(39 - i)),
      );
      expect(answers.every((a) => a.headers["x-ratelimit-limit"] === "40")).toBe(true);
      const limited = answers[40];
      expect(limited?.status).toBe(429);
      expect(limited?.json<Json>().id).toBe("rate_limited");
      expect(limited?.headers["x-ratelimit-remaining"]).toBe("0");
      expect(limited?.headers["retry-after"]).toBe("1");
      clock.advance(250);
      expect((await api.get(`/${sim.workspace}/data_sources`)).status).toBe(200);
      expect((await api.get(`/${sim.workspace}/data_sources`)).status).toBe(429);
      clock.advance(10_000);
      expect((await api.get(`/${sim.workspace}/data_sources`)).headers["x-ratelimit-remaining"]).toBe("39");
      expect(sim.model.stats().rateLimited).toBe(2);
      // The control API is not limited.
      expect((await httpRequest(`${sim.controlUrl}/stats`, "GET", {})).status).toBe(200);
    } finally {
      await sim.stop();
    }
  });

  it("puts the rate-limit headers on errors too, can leave out Retry-After, and can be switched off", async () => {
    const clock = manualClock();
    const sim = await startSimulator({ clock, rateLimit: { requests: 2, windowMs: 1000, retryAfter: false } });
    try {
      const unauthenticated = await httpRequest(`${sim.baseUrl}/${sim.workspace}`, "GET", {
        authorization: basic(sim.token, "wrong"),
      });
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers["x-ratelimit-limit"]).toBe("2");
      const api = client(sim);
      expect((await api.get(`/${sim.workspace}/reports/000000000000`)).headers["x-ratelimit-remaining"]).toBe("1");
      await api.get(`/${sim.workspace}`);
      const limited = await api.get(`/${sim.workspace}`);
      expect(limited.status).toBe(429);
      expect(limited.headers["retry-after"]).toBeUndefined();
    } finally {
      await sim.stop();
    }
    const unlimited = await startSimulator({ rateLimit: false });
    try {
      const api = client(unlimited);
      const statuses = await Promise.all(
        Array.from({ length: 60 }, () => api.get(`/${unlimited.workspace}`).then((a) => a.status)),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect((await api.get(`/${unlimited.workspace}`)).headers["x-ratelimit-limit"]).toBeUndefined();
    } finally {
      await unlimited.stop();
    }
  });
});
