import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { client, embedded, start, type Client, type Json } from "./helpers.js";

let sim: RunningSimulator;
let api: Client;
let ws: string;
let bigSpace: string;

beforeAll(async () => {
  // Many small spaces (36 with personal ones) and 25 groups; reports live in bigSimulator().
  sim = await start({
    seed: 5,
    size: {
      spaces: 32,
      personalSpaces: 3,
      emptySpaces: 1,
      reportsPerSpace: 0,
      datasetsPerSpace: 0,
      runsPerReport: 45,
      groups: 25,
      dataSources: 4,
    },
  });
  api = client(sim);
  ws = sim.workspace;
  const target = sim.model.world.state.spaces.find((s) => s.kind === "custom");
  if (target === undefined) throw new Error("no custom space");
  bigSpace = target.token;
});

afterAll(async () => {
  await sim.stop();
});

async function bigSimulator(): Promise<RunningSimulator> {
  return start({
    seed: 6,
    size: {
      spaces: 1,
      personalSpaces: 0,
      emptySpaces: 0,
      reportsPerSpace: 65,
      datasetsPerSpace: 1,
      runsPerReport: 45,
      queriesPerReport: 2,
    },
  });
}

describe("pagination", () => {
  it("lists reports 30 per page whatever per_page asks, with counters and next/prev links", async () => {
    const big = await bigSimulator();
    try {
      const c = client(big);
      const space = big.model.world.state.spaces[0]?.token ?? "";
      const first = (await c.get(`/${big.workspace}/spaces/${space}/reports?per_page=100`)).json<Json>();
      expect(first.pagination).toEqual({ page: 1, per_page: 30, count: 30, total_pages: 3, total_count: 65 });
      expect(first._links).toEqual({
        self: { href: `/api/${big.workspace}/spaces/${space}/reports?per_page=100` },
        next_page: { href: `/api/${big.workspace}/spaces/${space}/reports?per_page=100&page=2` },
      });
      const seen: string[] = [];
      let next: string | undefined = `/api/${big.workspace}/spaces/${space}/reports`;
      let pages = 0;
      while (next !== undefined) {
        const body: Json = (await c.get(next.slice("/api".length))).json<Json>();
        seen.push(...embedded(body, "reports").map((r) => r.token as string));
        pages++;
        next = ((body._links as Json).next_page as { href: string } | undefined)?.href;
        if (pages === 3)
          expect((body._links as Json).prev_page).toEqual({
            href: `/api/${big.workspace}/spaces/${space}/reports?page=2`,
          });
      }
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(65);
      expect([...seen].sort()).toEqual(big.model.truth().reports);
      const past = (await c.get(`/${big.workspace}/spaces/${space}/reports?page=4`)).json<Json>();
      expect(embedded(past, "reports")).toEqual([]);
      expect(past.pagination).toEqual({ page: 4, per_page: 30, count: 0, total_pages: 3, total_count: 65 });
    } finally {
      await big.stop();
    }
  });

  it("pages report runs 20 by default, honours per_page up to 100 and always sends the pagination block", async () => {
    const big = await bigSimulator();
    try {
      const c = client(big);
      const r = big.model.world.state.spaces[0]?.reports.find((x) => x.baseRuns === 45)?.token ?? "";
      const byDefault = (await c.get(`/${big.workspace}/reports/${r}/runs`)).json<Json>();
      expect(byDefault.pagination).toEqual({ page: 1, per_page: 20, count: 20, total_pages: 3, total_count: 45 });
      const all = (await c.get(`/${big.workspace}/reports/${r}/runs?per_page=100`)).json<Json>();
      expect(all.pagination).toEqual({ page: 1, per_page: 100, count: 45, total_pages: 1, total_count: 45 });
      expect((all._links as Json).next_page).toBeUndefined();
      const clamped = (await c.get(`/${big.workspace}/reports/${r}/runs?per_page=500`)).json<Json>();
      expect((clamped.pagination as Json).per_page).toBe(100);
      // Newest first.
      const created = embedded(all, "report_runs").map((x) => Date.parse(x.created_at as string));
      expect(created).toEqual([...created].sort((a, b) => b - a));
    } finally {
      await big.stop();
    }
  });

  it("caps spaces at 30 per page and hides personal collections unless filter=all", async () => {
    const first = (await api.get(`/${ws}/spaces?filter=all&per_page=50`)).json<Json>();
    expect(first.pagination).toEqual({ page: 1, per_page: 30, count: 30, total_pages: 2, total_count: 36 });
    const second = (await api.get(`/${ws}/spaces?filter=all&per_page=50&page=2`)).json<Json>();
    const all = [...embedded(first, "spaces"), ...embedded(second, "spaces")];
    expect(all.filter((s) => s.space_type === "private").map((s) => s.name)).toEqual([
      "Personal",
      "Personal",
      "Personal",
    ]);
    const byDefault = [
      ...embedded((await api.get(`/${ws}/spaces`)).json<Json>(), "spaces"),
      ...embedded((await api.get(`/${ws}/spaces?page=2`)).json<Json>(), "spaces"),
    ];
    expect(byDefault).toHaveLength(33);
    expect(byDefault.every((s) => s.space_type === "custom")).toBe(true);
    // Unknown values (matched case-sensitively) answer the default list.
    expect(((await api.get(`/${ws}/spaces?filter=ALL`)).json<Json>().pagination as Json).total_count).toBe(33);
    expect(((await api.get(`/${ws}/spaces?filter=custom`)).json<Json>().pagination as Json).total_count).toBe(33);
  });

  it("answers /collections like /spaces and links with collections paths", async () => {
    const spaces = (await api.get(`/${ws}/spaces?filter=all`)).json<Json>();
    const collections = (await api.get(`/${ws}/collections?filter=all`)).json<Json>();
    expect(embedded(collections, "spaces")).toEqual(embedded(spaces, "spaces"));
    const first = embedded(spaces, "spaces")[0] as Json;
    expect(((first._links as Json).self as Json).href).toBe(`/api/${ws}/collections/${first.token as string}`);
    expect((await api.get(`/${ws}/collections/${bigSpace}/reports`)).status).toBe(200);
  });

  it(
    "returns whole lists without a pagination block and ignores page on queries, data sources and other " +
      "unpaged lists",
    async () => {
      const big = await bigSimulator();
      try {
        const c = client(big);
        const r = big.model.world.state.spaces[0]?.reports[0]?.token ?? "";
        const page1 = (await c.get(`/${big.workspace}/reports/${r}/queries`)).json<Json>();
        const page2 = (await c.get(`/${big.workspace}/reports/${r}/queries?page=2`)).json<Json>();
        expect(page1.pagination).toBeUndefined();
        expect(embedded(page2, "queries")).toEqual(embedded(page1, "queries"));
        expect(embedded(page1, "queries")).toHaveLength(2);
        const ds = (await c.get(`/${big.workspace}/data_sources?page=3`)).json<Json>();
        expect(ds.pagination).toBeUndefined();
        expect(embedded(ds, "data_sources")).toHaveLength(big.model.world.size.dataSources);
        for (const path of [
          `/${big.workspace}/definitions?page=2`,
          `/${big.workspace}/memberships?page=2`,
          `/${big.workspace}/reports/${r}/filters?page=2`,
          `/${big.workspace}/reports/${r}/subscriptions?page=2`,
        ]) {
          const body = (await c.get(path)).json<Json>();
          expect(body.pagination, path).toBeUndefined();
          expect(Object.values(body._embedded as Json)[0], path).not.toEqual([]);
        }
      } finally {
        await big.stop();
      }
    },
  );

  it("pages groups 20 at a time, and the groups quirk emits next_page past the end", async () => {
    const body = (await api.get(`/${ws}/groups?page=2`)).json<Json>();
    expect(body.pagination).toEqual({ page: 2, per_page: 20, count: 5, total_pages: 2, total_count: 25 });
    expect((body._links as Json).next_page).toBeUndefined();
    const quirky = await start({ seed: 5, quirks: { groupsBogusNextPage: true }, size: { groups: 3 } });
    try {
      const last = (await client(quirky).get(`/${quirky.workspace}/groups`)).json<Json>();
      expect(last.pagination).toEqual({ page: 1, per_page: 20, count: 3, total_pages: 1, total_count: 3 });
      expect((last._links as Json).next_page).toEqual({ href: `/api/${quirky.workspace}/groups?page=2` });
    } finally {
      await quirky.stop();
    }
  });
});

describe("filters and ordering", () => {
  it("filters reports by updated_at.gt and orders them by updated_at", async () => {
    const big = await bigSimulator();
    try {
      const c = client(big);
      const space = big.model.world.state.spaces[0];
      if (space === undefined) throw new Error("no space");
      const times = space.reports.map((r) => r.updatedAt).sort((a, b) => a - b);
      const cut = times[40] as number;
      const body = (
        await c.get(
          `/${big.workspace}/spaces/${space.token}/reports?filter=updated_at.gt.` +
            `${new Date(cut).toISOString()}&order=desc&order_by=updated_at`,
        )
      ).json<Json>();
      const listed = embedded(body, "reports").map((r) => Date.parse(r.updated_at as string));
      expect(listed).toEqual(times.filter((t) => t > cut).sort((a, b) => b - a));
      const before = (
        await c.get(`/${big.workspace}/spaces/${space.token}/reports?filter=created_at.lt.2019-01-01T00:00:00Z`)
      ).json<Json>();
      expect(embedded(before, "reports")).toEqual([]);
      const asc = (
        await c.get(`/${big.workspace}/spaces/${space.token}/reports?order=asc&order_by=created_at`)
      ).json<Json>();
      const created = embedded(asc, "reports").map((r) => Date.parse(r.created_at as string));
      expect(created).toEqual([...created].sort((a, b) => a - b));
    } finally {
      await big.stop();
    }
  });

  it("filters runs and datasets with the same grammar and rejects a malformed filter with 400", async () => {
    const big = await bigSimulator();
    try {
      const c = client(big);
      const report = big.model.world.state.spaces[0]?.reports.find((x) => x.baseRuns === 45);
      if (report === undefined) throw new Error("no report");
      const all = embedded(
        (await c.get(`/${big.workspace}/reports/${report.token}/runs?per_page=100`)).json<Json>(),
        "report_runs",
      );
      const cut = all[10]?.created_at as string;
      const newer = (
        await c.get(`/${big.workspace}/reports/${report.token}/runs?per_page=100&filter=created_at.gt.${cut}&order=asc`)
      ).json<Json>();
      expect(embedded(newer, "report_runs").map((r) => r.token)).toEqual(
        all
          .slice(0, 10)
          .map((r) => r.token)
          .reverse(),
      );
      const datasets = (
        await c.get(
          `/${big.workspace}/spaces/${big.model.world.state.spaces[0]?.token ?? ""}` +
            `/datasets?filter=updated_at.gt.2030-01-01T00:00:00Z`,
        )
      ).json<Json>();
      expect(embedded(datasets, "reports")).toEqual([]);
      const bad = await c.get(`/${big.workspace}/reports/${report.token}/runs?filter=updated_at.after.yesterday`);
      expect(bad.status).toBe(400);
      expect(bad.json<Json>().id).toBe("bad_request");
    } finally {
      await big.stop();
    }
  });
});
