import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { client, httpRequest, start, type Json } from "./helpers.js";

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await start({ seed: 12, latencyMs: 40 });
});

afterAll(async () => {
  await sim.stop();
});

const control = (method: string, path: string, body?: unknown) =>
  httpRequest(`${sim.controlUrl}${path}`, method, {}, body === undefined ? undefined : JSON.stringify(body));

describe("the control API", () => {
  it("lists its endpoints and answers health without auth", async () => {
    const index = (await control("GET", "")).json<{ endpoints: string[] }>();
    expect(index.endpoints).toContain("GET /__control/truth");
    expect((await control("GET", "/health")).json<Json>()).toEqual({ ok: true });
    const unknown = await control("GET", "/nope");
    expect(unknown.status).toBe(404);
  });

  it("counts requests by route template and status, 429s and the most requests in flight, and resets", async () => {
    expect((await control("POST", "/stats/reset")).status).toBe(200);
    const api = client(sim);
    const space = sim.model.truth().spaces?.[0] ?? "";
    await Promise.all(Array.from({ length: 6 }, () => api.get(`/${sim.workspace}/spaces/${space}/reports`)));
    await api.get(`/${sim.workspace}/reports/abcdefabcdef`);
    await api.get(`/${sim.workspace}/collections`);
    const stats = (await control("GET", "/stats")).json<Json>();
    expect(stats.requests).toBe(8);
    expect(stats.byRoute).toEqual({
      "GET /{ws}/collections": 1,
      "GET /{ws}/reports/{report}": 1,
      "GET /{ws}/spaces/{space}/reports": 6,
    });
    expect(stats.byStatus).toEqual({ "200": 7, "404": 1 });
    expect(stats.rateLimited).toBe(0);
    expect(stats.maxConcurrent).toBeGreaterThanOrEqual(3);
    expect(stats.inFlight).toBe(0);
    await control("POST", "/stats/reset");
    expect((await control("GET", "/stats")).json<Json>()).toMatchObject({ requests: 0, byRoute: {}, maxConcurrent: 0 });
  });

  it("serves the truth, mutations and the minimal request count as JSON", async () => {
    expect((await control("GET", "/truth")).json<Json>()).toEqual(sim.model.truth());
    const mutated = (await control("POST", "/mutate", { addReports: 1 })).json<Json>();
    expect((sim.model.truth().reports ?? []).includes((mutated.addedReports as string[])[0] ?? "")).toBe(true);
    expect(mutated.summary).toBe("1 report added");
    expect((await control("GET", "/minimal-requests")).json<Json>()).toEqual(sim.model.minimalRequests());
    expect((await control("GET", "/minimal-requests?runsPerPage=1&streams=runs,spaces")).json<Json>()).toEqual(
      sim.model.minimalRequests({ runsPerPage: 1, streams: ["runs", "spaces"] }),
    );
    expect((await control("POST", "/mutate", { touchReports: -1 })).status).toBe(400);
  });
});
