import { afterEach, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { liveQueries } from "../../src/simulator/bodies/reports.js";
import { queryAdapter } from "../../src/simulator/bodies/queries.js";
import { createPrng } from "../../src/simulator/random.js";
import { parseRequestTarget } from "../../src/simulator/request-target.js";
import { Router, type Route } from "../../src/simulator/router.js";
import { json } from "../../src/simulator/responses.js";
import type { QueryState, ReportState, SqlVariant } from "../../src/simulator/state.js";
import { createSqlTexts, querySql, renderLiquid } from "../../src/simulator/text.js";
import { isoMicros, isoMs, isoOffset } from "../../src/simulator/time.js";
import { encodeToken, MAX_ORDINAL, TokenKind } from "../../src/simulator/tokens.js";
import { basic, client, embedded, eventually, httpRequest, manualClock, start, type Json } from "./helpers.js";

// The simulator's per-request shortcuts (issue 9 benchmark) must answer exactly what the plain code did.

function reference(ms: number): string {
  return new Date(ms).toISOString();
}

describe("timestamps", () => {
  it("format exactly like Date#toISOString, edges and leap days included", () => {
    const edges = [
      0,
      1,
      999,
      86_399_999,
      86_400_000,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(2020, 1, 29),
      Date.UTC(2100, 2, 1),
      Date.UTC(2026, 4, 31, 12, 0, 0, 7),
      253_402_300_799_999,
    ];
    for (const ms of edges) expect(isoMs(ms)).toBe(reference(ms));
    const prng = createPrng(9);
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(prng.next() * 253_402_300_800_000);
      expect(isoMs(ms)).toBe(reference(ms));
    }
  });

  it("fall back to Date outside years 1970 to 9999 and for fractions, and still throw on NaN", () => {
    for (const ms of [-1, -86_400_001, 253_402_300_800_000, 1.5, 8.64e15]) expect(isoMs(ms)).toBe(reference(ms));
    expect(() => isoMs(Number.NaN)).toThrow(RangeError);
    expect(isoOffset(Date.UTC(2020, 3, 6, 20))).toBe("2020-04-06T20:00:00.000+00:00");
    expect(isoMicros(Date.UTC(2025, 1, 18, 10, 47, 37, 5), 42)).toBe("2025-02-18T10:47:37.005042Z");
  });
});

describe("token text", () => {
  it("is the same 12 hex digits as before, leading zeros included", () => {
    expect(encodeToken(77, TokenKind.queryRun, 0)).toBe("35d63efbb2d7");
    expect(encodeToken(77, TokenKind.queryRun, MAX_ORDINAL)).toBe("12ceec346c6a");
    expect(encodeToken(0, TokenKind.account, 0)).toBe("156257306738");
    expect(encodeToken(0xffff_ffff, TokenKind.misc, 123_456_789)).toBe("66e0fbd2c318");
    expect(encodeToken(77, TokenKind.run, 630)).toBe("005e397d3bed");
    expect(encodeToken(77, TokenKind.run, 65)).toBe("eaa8be002f25");
  });
});

describe("request targets", () => {
  it("parse like new URL, whether or not they take the fast path", () => {
    const targets = [
      "/api/acme/spaces?filter=all&per_page=30&page=1",
      "/api/acme/reports/abc/runs",
      "/api/acme/spaces/",
      "/api/acme/reports/abc/runs/def/query_runs/123/results/content.json",
      "/api/acme/reports?filter=created_at.gt.2024-01-01T00:00:00Z&order=desc",
      "/api/acme/spaces?a=1&a=2&b=%41%zz&c=x+y&d",
      "/api/acme/spaces?",
      "/api/acme/spaces??x=1&?y=2",
      "/api/acme/spaces?q=a b&r=\"x\"&s='y'&t=<z>",
      "/api/acme/spaces?q=café",
      "/api/acme/spaces#fragment",
      "/api/acme/spaces?x=1#fragment",
      "/api/acme/%2e%2e/acme",
      "/api/acme/./spaces",
      "/api/acme/../x",
      "/api/acme/.",
      "/api/%41cme/spaces",
      "/api/acme//spaces",
      "//api/acme/spaces",
      "/api\\acme\\spaces",
      "/api/ac me/spaces",
      "/api/acmé/spaces",
      "http://elsewhere.example/api/acme/spaces?page=2",
      "*",
      "",
      "/",
    ];
    for (const target of targets) {
      const url = new URL(target, "http://simulator.invalid");
      const parsed = parseRequestTarget(target);
      expect({
        target,
        path: parsed.pathname,
        query: [...parsed.searchParams],
        text: parsed.searchParams.toString(),
      }).toEqual({
        target,
        path: url.pathname,
        query: [...url.searchParams],
        text: url.searchParams.toString(),
      });
    }
  });
});

describe("the router", () => {
  it("tries routes of one method and length in registration order and matches nothing else", () => {
    const named = (method: string, template: string, name: string): Route => ({
      method,
      template,
      handler: () => json(200, name),
    });
    const router = new Router(
      [
        named("GET", "/{ws}/things/{id}", "first"),
        named("GET", "/{ws}/things/special", "second"),
        named("POST", "/{ws}/things/{id}", "post"),
        named("GET", "/{ws}", "root"),
      ],
      "acme",
    );
    expect(router.match("GET", ["acme", "things", "special"])).toMatchObject({
      name: "GET /{ws}/things/{id}",
      params: { id: "special" },
    });
    expect(router.match("POST", ["acme", "things", "x"])).toMatchObject({
      name: "POST /{ws}/things/{id}",
      params: { id: "x" },
    });
    expect(router.match("GET", ["acme"])?.name).toBe("GET /{ws}");
    expect(router.match("GET", ["other", "things", "x"])).toBeUndefined();
    expect(router.match("GET", ["acme", "things"])).toBeUndefined();
    expect(router.match("DELETE", ["acme", "things", "x"])).toBeUndefined();
  });
});

describe("remembered SQL", () => {
  it("is the generated SQL and its Liquid rendering, per parameter set", () => {
    const texts = createSqlTexts(5);
    const variants: SqlVariant[] = ["plain", "liquid", "unicode", "long"];
    const parameterSets = [{}, { state: "NY" }, { state: "GA", other: 1 }, { include_tests: true }];
    for (let round = 0; round < 2; round++) {
      for (const variant of variants) {
        for (const [serial, adapter] of [
          [1, "jdbc:snowflake"],
          [2, null],
          [77, "jdbc:bigquery"],
        ] as const) {
          expect(texts.raw(serial, variant, adapter)).toBe(querySql(5, serial, variant, adapter));
          for (const parameters of parameterSets)
            expect(texts.rendered(serial, variant, adapter, parameters)).toBe(
              renderLiquid(querySql(5, serial, variant, adapter), parameters),
            );
        }
      }
    }
    expect(texts.rendered(3, "liquid", null, { state: "NY" })).toContain("WHERE t.state = 'NY'");
    expect(texts.rendered(3, "liquid", null, { state: "GA" })).toContain("WHERE t.state = 'GA'");
  });

  it("renders SQL without Liquid as the SQL without trailing blanks", () => {
    expect(renderLiquid("SELECT 1\nFROM t  \n\n", { state: "CA" })).toBe("SELECT 1\nFROM t");
    expect(renderLiquid("SELECT '{{ state }}' {% if x %}1{% endif %}", {})).toBe("SELECT 'CA' 1");
  });
});

describe("serving repeated and changed pages", () => {
  let sim: RunningSimulator | undefined;

  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it("serves a page as the same bytes every time, gzip asked or not (only results are compressed)", async () => {
    sim = await start({ seed: 4, size: { runsPerReport: 3, resultRows: 5 } });
    const api = client(sim);
    const report = [...sim.model.world.state.reportsByToken.values()].find(
      (r) => !r.dataset && r.baseRuns > 0 && r.queries.length > 0,
    ) as ReportState;
    const runs = await api.get(`/${sim.workspace}/reports/${report.token}/runs`);
    const run = embedded(runs.json(), "report_runs")[0] as Json;
    const page = `/${sim.workspace}/reports/${report.token}/runs/${String(run.token)}/query_runs`;
    const first = await api.get(page);
    const second = await api.get(page, { "accept-encoding": "gzip" });
    const third = await api.get(page, { "accept-encoding": "identity" });
    expect(first.status).toBe(200);
    expect(second.raw.equals(first.raw)).toBe(true);
    expect(third.raw.equals(first.raw)).toBe(true);
    expect(second.headers["content-encoding"]).toBeUndefined();
    expect(Number(first.headers["content-length"])).toBe(first.raw.length);
    expect(embedded(first.json(), "query_runs")).toHaveLength(report.baseQueryCount);
    const queryRun = embedded(first.json(), "query_runs").find((qr) => qr.state === "succeeded") as Json | undefined;
    if (queryRun !== undefined) {
      const content = `${page}/${String(queryRun.token)}/results/content.json`;
      const zipped = await api.get(content, { "accept-encoding": "gzip" });
      const plain = await api.get(content, { "accept-encoding": "identity" });
      expect(zipped.headers["content-encoding"]).toBe("gzip");
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(zipped.text).toBe(plain.text);
    }
  });

  it("shows a mutation on the next read of a page it changes", async () => {
    sim = await start({ seed: 4, size: { runsPerReport: 3 } });
    const api = client(sim);
    const report = [...sim.model.world.state.reportsByToken.values()].find(
      (r) => !r.dataset && r.baseRuns > 0 && liveQueries(r).length > 0,
    ) as ReportState;
    const queries = `/${sim.workspace}/reports/${report.token}/queries`;
    const before = embedded((await api.get(queries)).json(), "queries");
    sim.model.mutate({ addQueries: 50 });
    const after = embedded((await api.get(queries)).json(), "queries");
    expect(after.length).toBe(liveQueries(report).length);
    expect(after.length).toBeGreaterThan(before.length);
    const byToken = new Map(report.queries.map((q) => [q.token, q]));
    for (const query of after) {
      const state = byToken.get(String(query.token)) as QueryState;
      expect(query.raw_query).toBe(querySql(4, state.serial, state.sql, queryAdapter(state)));
    }
  });

  it("renders each POSTed run's own parameters into its query runs", async () => {
    const clock = manualClock();
    sim = await start({ seed: 4, clock, runDelayMs: 10, size: { runsPerReport: 2 } });
    const api = client(sim);
    const ws = sim.workspace;
    const report = [...sim.model.world.state.reportsByToken.values()].find(
      (r) => !r.dataset && !r.failing && r.queries[0]?.sql === "liquid",
    ) as ReportState;
    const rendered: string[] = [];
    for (const state of ["NY", "GA", "NY"]) {
      const posted = await api.post(`/${ws}/reports/${report.token}/runs`, { parameters: { state } });
      expect(posted.status).toBe(202);
      const token = String(posted.json().token);
      clock.advance(10);
      await eventually(
        async () => (await api.get(`/${ws}/reports/${report.token}/runs/${token}`)).json().state === "succeeded",
      );
      const queryRuns = embedded(
        (await api.get(`/${ws}/reports/${report.token}/runs/${token}/query_runs`)).json(),
        "query_runs",
      );
      rendered.push(String(queryRuns[0]?.rendered_source));
    }
    expect(rendered[0]).toContain("WHERE t.state = 'NY'");
    expect(rendered[1]).toContain("WHERE t.state = 'GA'");
    expect(rendered[2]).toBe(rendered[0]);
  });

  it("checks every request's credentials, even after the same client was let in", async () => {
    sim = await start({ seed: 4 });
    const url = `${sim.baseUrl}/${sim.workspace}`;
    const good = basic(sim.token, sim.secret);
    const bad = basic(sim.token, "wrong");
    const statuses: number[] = [];
    for (const authorization of [good, bad, good, bad, basic("someone-else", sim.secret)])
      statuses.push((await httpRequest(url, "GET", { authorization })).status);
    expect(statuses).toEqual([200, 401, 200, 401, 401]);
  });
});
