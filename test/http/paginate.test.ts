import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { guardNock } from "../support/nock-guard.js";
import { systemClock } from "../../src/clock.js";
import { ModeClient, type Page, type PageRequest } from "../../src/http/client.js";
import { MalformedResponseError, PaginationLoopError } from "../../src/http/errors.js";
import type { JsonObject } from "../../src/json.js";
import { createLogger } from "../../src/log.js";

const ORIGIN = "https://app.mode.com";
const HAL = { "content-type": "application/hal+json" };
const FIXTURES = new URL("../fixtures/mode-captured/", import.meta.url);

interface LogEntry {
  level: string;
  msg: string;
  [key: string]: unknown;
}

const clients: ModeClient[] = [];

function setup() {
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
    baseUrl: `${ORIGIN}/api`,
    apiToken: "token",
    apiSecret: "secret",
    userAgent: "tap-mode/test",
    requestTimeoutMs: 5000,
    rateLimit: { requests: 1000, windowMs: 1000 },
    maxRetries: 0,
    logger: createLogger({ level: "debug", format: "json", destination }),
    clock: systemClock(),
  });
  clients.push(client);
  const logs = (level: string): LogEntry[] =>
    lines.map((l) => JSON.parse(l) as LogEntry).filter((e) => e.level === level && !e.msg.startsWith("METRIC"));
  return { client, warnings: () => logs("warning"), debugs: () => logs("debug") };
}

async function collect(pages: AsyncGenerator<Page>): Promise<Page[]> {
  const result: Page[] = [];
  for await (const page of pages) result.push(page);
  return result;
}

const tokens = (pages: readonly Page[]): unknown[] => pages.flatMap((p) => p.items.map((i) => i.token));
const items = (...names: string[]): JsonObject[] => names.map((token) => ({ token, name: `Item ${token}` }));

const SPACES: PageRequest = {
  path: "/acme/spaces",
  template: "/{workspace}/spaces",
  embeddedKey: "spaces",
  paged: true,
  perPage: 30,
};

guardNock(() => Promise.all(clients.splice(0).map((c) => c.close())));

describe("paginate", () => {
  it("follows root-relative _links.next_page hrefs until there is none", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .query({ page: "1", per_page: "30", filter: "all" })
      .reply(
        200,
        { _links: { next_page: { href: "/api/acme/spaces?page=2" } }, _embedded: { spaces: items("a", "b") } },
        HAL,
      )
      .get("/api/acme/spaces")
      .query({ page: "2", per_page: "30", filter: "all" })
      .reply(
        200,
        { _links: { next_page: { href: "/api/acme/spaces?page=3&per_page=30" } }, _embedded: { spaces: items("c") } },
        HAL,
      )
      .get("/api/acme/spaces")
      .query({ page: "3", per_page: "30", filter: "all" })
      .reply(200, { _links: { self: { href: "/api/acme/spaces?page=3" } }, _embedded: { spaces: items("d") } }, HAL);
    const pages = await collect(client.paginate({ ...SPACES, query: { filter: "all" } }));
    expect(tokens(pages)).toEqual(["a", "b", "c", "d"]);
    expect(pages.map((p) => p.pageNumber)).toEqual([1, 2, 3]);
  });

  it("walks the pagination block to total_pages and reports the totals", async () => {
    const { client, warnings } = setup();
    const block = (page: number) => ({ page, per_page: 2, count: 2, total_pages: 3, total_count: 5 });
    nock(ORIGIN)
      .get("/api/acme/reports/r1/runs")
      .query({ page: "1", per_page: "2" })
      .reply(200, { pagination: block(1), _links: {}, _embedded: { report_runs: items("r1", "r2") } }, HAL)
      .get("/api/acme/reports/r1/runs")
      .query({ page: "2", per_page: "2" })
      .reply(200, { pagination: block(2), _links: {}, _embedded: { report_runs: items("r3", "r4") } }, HAL)
      .get("/api/acme/reports/r1/runs")
      .query({ page: "3", per_page: "2" })
      .reply(200, { pagination: block(3), _links: {}, _embedded: { report_runs: items("r5") } }, HAL);
    const pages = await collect(
      client.paginate({
        path: "/acme/reports/r1/runs",
        template: "/{workspace}/reports/{report}/runs",
        embeddedKey: "report_runs",
        paged: true,
        perPage: 2,
      }),
    );
    expect(tokens(pages)).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(pages.map((p) => [p.pageNumber, p.totalCount, p.totalPages])).toEqual([
      [1, 5, 3],
      [2, 5, 3],
      [3, 5, 3],
    ]);
    expect(warnings()).toEqual([]);
  });

  it("prefers the counters over a next_page link emitted past the end, as /groups does", async () => {
    const { client, debugs } = setup();
    nock(ORIGIN)
      .get("/api/acme/groups")
      .query({ page: "1", per_page: "20" })
      .reply(
        200,
        {
          pagination: { page: 1, per_page: 20, count: 2, total_pages: 1, total_count: 2 },
          _links: { next_page: { href: "/api/1234567/groups.acme?page=2" } },
          _embedded: { groups: items("g1", "g2") },
        },
        HAL,
      );
    const pages = await collect(
      client.paginate({
        path: "/acme/groups",
        template: "/{workspace}/groups",
        embeddedKey: "groups",
        paged: true,
        perPage: 20,
      }),
    );
    expect(tokens(pages)).toEqual(["g1", "g2"]);
    expect(debugs().map((d) => d.msg)).toContain(
      "/{workspace}/groups: ignoring next_page past the last page (docs/mode-api.md §2.4)",
    );
  });

  it("throws when a next_page link sends it back to a page it already read", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .query({ page: "1", per_page: "30" })
      .reply(
        200,
        { _links: { next_page: { href: "/api/acme/spaces?page=2&per_page=30" } }, _embedded: { spaces: items("a") } },
        HAL,
      )
      .get("/api/acme/spaces")
      .query({ page: "2", per_page: "30" })
      .reply(
        200,
        { _links: { next_page: { href: "/api/acme/spaces?per_page=30&page=1" } }, _embedded: { spaces: items("b") } },
        HAL,
      );
    const seen: unknown[] = [];
    const walk = async (): Promise<void> => {
      for await (const page of client.paginate(SPACES)) seen.push(...page.items.map((i) => i.token));
    };
    const error = await walk().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect((error as Error).message).toBe(
      "GET /{workspace}/spaces: malformed response: page 3 repeats an already visited page",
    );
    expect(seen).toEqual(["a", "b"]);
  });

  it("warns when the items read differ from total_count", async () => {
    const { client, warnings } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .query(true)
      .reply(
        200,
        {
          pagination: { page: 1, per_page: 30, count: 2, total_pages: 1, total_count: 3 },
          _embedded: { spaces: items("a", "b") },
        },
        HAL,
      );
    await collect(client.paginate(SPACES));
    expect(warnings().map((w) => w.msg)).toEqual(["/{workspace}/spaces: read 2 items but total_count says 3"]);
  });

  it("warns when a page the counters promise comes back empty", async () => {
    const { client, warnings } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .query({ page: "1", per_page: "30" })
      .reply(200, { pagination: { page: 1, per_page: 1, total_pages: 3 }, _embedded: { spaces: items("a") } }, HAL)
      .get("/api/acme/spaces")
      .query({ page: "2", per_page: "30" })
      .reply(200, { pagination: { page: 2, per_page: 1, total_pages: 3 }, _embedded: { spaces: [] } }, HAL);
    await collect(client.paginate(SPACES));
    expect(warnings().map((w) => w.msg)).toEqual(["/{workspace}/spaces: page 2 of 3 is empty; stopping"]);
  });

  it("asks page+1 on a paged list without links or counters until an empty page", async () => {
    const { client } = setup();
    const reports = {
      path: "/acme/spaces/s1/reports",
      template: "/{workspace}/spaces/{space}/reports",
      embeddedKey: "reports",
      paged: true,
      perPage: 30,
    };
    nock(ORIGIN)
      .get("/api/acme/spaces/s1/reports")
      .query({ page: "1", per_page: "30" })
      .reply(200, { _links: {}, _embedded: { reports: items("r1", "r2") } }, HAL)
      .get("/api/acme/spaces/s1/reports")
      .query({ page: "2", per_page: "30" })
      .reply(200, { _links: {}, _embedded: { reports: items("r3") } }, HAL)
      .get("/api/acme/spaces/s1/reports")
      .query({ page: "3", per_page: "30" })
      // DataHub's final_page.json: "_embedded": {} past the end (docs/mode-api.md §2.4).
      .reply(200, { _links: {}, _embedded: {} }, HAL);
    expect(tokens(await collect(client.paginate(reports)))).toEqual(["r1", "r2", "r3"]);
  });

  it("stops with a debug note when a page brings nothing new because the endpoint ignores page", async () => {
    const { client, debugs } = setup();
    const body = { _links: {}, _embedded: { data_sources: items("d1", "d2") } };
    nock(ORIGIN)
      .get("/api/acme/data_sources")
      .query({ page: "1" })
      .reply(200, body, HAL)
      .get("/api/acme/data_sources")
      .query({ page: "2" })
      .reply(200, body, HAL);
    const pages = await collect(
      client.paginate({
        path: "/acme/data_sources",
        template: "/{workspace}/data_sources",
        embeddedKey: "data_sources",
        paged: true,
      }),
    );
    expect(tokens(pages)).toEqual(["d1", "d2"]);
    expect(debugs().map((d) => d.msg)).toContain(
      "/{workspace}/data_sources: page 2 brings nothing new; the endpoint ignores page, stopping",
    );
  });

  it("makes a single request for a list that is not paged", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme/definitions")
      .reply(200, { _links: {}, _embedded: { definitions: items("x", "y") } }, HAL);
    const pages = await collect(
      client.paginate({
        path: "/acme/definitions",
        template: "/{workspace}/definitions",
        embeddedKey: "definitions",
        paged: false,
      }),
    );
    expect(tokens(pages)).toEqual(["x", "y"]);
  });

  it("uses the only array under _embedded when the named key is absent, warning once", async () => {
    const { client, warnings } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces/s1/datasets")
      .query({ page: "1" })
      .reply(
        200,
        {
          _links: { next_page: { href: "/api/acme/spaces/s1/datasets?page=2" } },
          _embedded: { reports: items("ds1") },
        },
        HAL,
      )
      .get("/api/acme/spaces/s1/datasets")
      .query({ page: "2" })
      .reply(200, { _links: {}, _embedded: { reports: items("ds2") } }, HAL);
    const pages = await collect(
      client.paginate({
        path: "/acme/spaces/s1/datasets",
        template: "/{workspace}/spaces/{space}/datasets",
        embeddedKey: "datasets",
        paged: true,
      }),
    );
    expect(tokens(pages)).toEqual(["ds1", "ds2"]);
    expect(warnings().map((w) => w.msg)).toEqual([
      "/{workspace}/spaces/{space}/datasets: no _embedded.datasets; using the only list, _embedded.reports",
    ]);
  });

  it("treats a missing _embedded as an empty page", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme/memberships")
      .reply(200, { _links: { self: { href: "/api/acme/memberships" } } }, HAL);
    const pages = await collect(
      client.paginate({
        path: "/acme/memberships",
        template: "/{workspace}/memberships",
        embeddedKey: "memberships",
        paged: false,
      }),
    );
    expect(pages).toEqual([]);
  });

  it("throws MalformedResponseError naming the template for a body that is not HAL", async () => {
    const { client } = setup();
    nock(ORIGIN).get("/api/acme/spaces").query(true).reply(200, { spaces: [] }, HAL);
    await expect(collect(client.paginate(SPACES))).rejects.toThrow(
      new MalformedResponseError({ method: "GET", template: "/{workspace}/spaces" }, "body is not a HAL object"),
    );
  });

  it("throws MalformedResponseError when _embedded holds several lists and none is named", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .query(true)
      .reply(200, { _links: {}, _embedded: { reports: [], queries: [] } }, HAL);
    await expect(collect(client.paginate(SPACES))).rejects.toThrow(
      'GET /{workspace}/spaces: malformed response: _embedded has no "spaces" list (keys: reports, queries)',
    );
  });

  it("follows next_token cursors and throws when a cursor repeats", async () => {
    const { client } = setup();
    const audit = {
      path: "/acme/audit_logs",
      template: "/{workspace}/audit_logs",
      embeddedKey: "audit_logs",
      paged: true,
      cursor: "next_token" as const,
      query: { start_timestamp: "2025-01-01T00:00:00Z", end_timestamp: "2025-02-01T00:00:00Z" },
    };
    const q = audit.query;
    nock(ORIGIN)
      .get("/api/acme/audit_logs")
      .query(q)
      .reply(200, { next_token: "c1", _links: {}, _embedded: { audit_logs: [{ id: "u1" }] } }, HAL)
      .get("/api/acme/audit_logs")
      .query({ ...q, next_token: "c1" })
      .reply(200, { next_token: "c2", _links: {}, _embedded: { audit_logs: [{ id: "u2" }] } }, HAL)
      .get("/api/acme/audit_logs")
      .query({ ...q, next_token: "c2" })
      .reply(200, { next_token: null, _links: {}, _embedded: { audit_logs: [{ id: "u3" }] } }, HAL);
    const pages = await collect(client.paginate(audit));
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(["u1", "u2", "u3"]);

    nock(ORIGIN)
      .get("/api/acme/audit_logs")
      .query(q)
      .reply(200, { next_token: "c1", _links: {}, _embedded: { audit_logs: [{ id: "u1" }] } }, HAL)
      .get("/api/acme/audit_logs")
      .query({ ...q, next_token: "c1" })
      .reply(200, { next_token: "c1", _links: {}, _embedded: { audit_logs: [{ id: "u2" }] } }, HAL);
    await expect(collect(client.paginate(audit))).rejects.toThrow(PaginationLoopError);
  });

  it("stops requesting pages when the consumer breaks out of the loop", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .query(true)
      .reply(
        200,
        { _links: { next_page: { href: "/api/acme/spaces?page=2" } }, _embedded: { spaces: items("a") } },
        HAL,
      );
    const seen: unknown[] = [];
    for await (const page of client.paginate(SPACES)) {
      seen.push(...page.items.map((i) => i.token));
      break;
    }
    // A request for page 2 would be unmatched and fail the test in afterEach.
    expect(seen).toEqual(["a"]);
  });

  it("keeps big integer ids exact in page items", async () => {
    const { client } = setup();
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .query(true)
      .reply(200, '{"_links": {}, "_embedded": {"spaces": [{"token": "a", "id": 9007199254740993}]}}', HAL)
      .get("/api/acme/spaces")
      .query(true)
      .reply(200, { _embedded: { spaces: [] } }, HAL);
    const pages = await collect(client.paginate(SPACES));
    expect(pages[0]?.items[0]?.id).toBe("9007199254740993");
  });

  it("reads the captured real /spaces body and stops on the empty page after it", async () => {
    const { client } = setup();
    const captured = readFileSync(new URL("spaces.json", FIXTURES), "utf8");
    nock(ORIGIN)
      .get("/api/acme/spaces")
      .query({ page: "1", per_page: "30", filter: "all" })
      .reply(200, captured, HAL)
      .get("/api/acme/spaces")
      .query({ page: "2", per_page: "30", filter: "all" })
      .reply(200, { _links: { self: { href: "/api/acme/spaces" } }, _embedded: { spaces: [] } }, HAL);
    const pages = await collect(client.paginate({ ...SPACES, query: { filter: "all" } }));
    expect(tokens(pages)).toEqual(["157933cc1168", "75737b70402e"]);
    expect(pages[0]?.items[0]?.["viewable?"]).toBe(true);
  });
});
