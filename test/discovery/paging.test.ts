import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { DiscoverySession, type DiscoveryTransport } from "../../src/discovery/session.js";
import type { RequestSpec } from "../../src/http/types.js";
import type { JsonObject } from "../../src/json.js";
import { findStream } from "../../src/streams/registry.js";
import type { StreamDefinition } from "../../src/streams/types.js";
import { captureLogger } from "../records/log-capture.js";

const TOKEN = {
  token: "5b89bf4b0a49",
  name: "tap-mode x",
  access_key: "8b6fdc0a36bf340604a3cedc",
  access_secret: "829146cb6c752f51bbbb8c85",
};

/** A transport answering list pages from a function of the requested URL; records every request. */
function fakeTransport(page: (url: URL) => JsonObject, deleteJson?: () => Promise<JsonObject>) {
  const requests: string[] = [];
  const transport: DiscoveryTransport = {
    getJson: (spec: RequestSpec) => {
      const url = new URL(spec.path);
      for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      requests.push(`GET ${url.pathname}?${url.searchParams.toString()}`);
      return Promise.resolve(page(url));
    },
    postJson: () => {
      requests.push("POST");
      return Promise.resolve({ ...TOKEN });
    },
    deleteJson: () => {
      requests.push("DELETE");
      return deleteJson?.() ?? Promise.resolve({ message: "ok" });
    },
  };
  return { transport, requests };
}

function session(transport: DiscoveryTransport, closeTimeoutMs?: number) {
  const { logger, lines, warnings } = captureLogger();
  const s = new DiscoverySession({
    transport,
    baseUrl: "https://app.mode.com/api",
    workspace: "acme",
    query: { includePersonalSpaces: true },
    tokenLifetimeHours: 4,
    runStartedAt: "2026-12-02T14:00:00.000Z",
    logger,
    clock: systemClock(),
    ...(closeTimeoutMs === undefined ? {} : { closeTimeoutMs }),
  });
  return { s, lines, warnings };
}

const reports = findStream("discovery_reports") as StreamDefinition;
const items = (page: number): JsonObject[] => [{ token: `r${page}a` }, { token: `r${page}b` }];

async function keys(s: DiscoverySession): Promise<string[]> {
  const out: string[] = [];
  for await (const page of s.pages(reports)) out.push(...page.items.map((i) => String(i.token)));
  return out;
}

describe("Discovery paging", () => {
  it("stops at the last page by its counters although next_page points at itself, with no extra request", async () => {
    const { transport, requests } = fakeTransport((url) => {
      const page = Number(url.searchParams.get("page") ?? "1");
      return {
        pagination: { page, per_page: 2, count: 2, total_pages: 2, total_count: 4 },
        reports: items(page),
        _links: {
          next_page: { href: `/batch/acme/reports?page=${Math.min(page + 1, 2)}&per_page=2` },
          prev_page: { href: "/batch/acme/reports?page=1&per_page=2" },
        },
      };
    });
    const { s, warnings } = session(transport);
    expect(await keys(s)).toEqual(["r1a", "r1b", "r2a", "r2b"]);
    expect(requests).toEqual([
      "POST",
      "GET /batch/acme/reports?include_spaces=all&per_page=1000",
      // The link lacks include_spaces: it is added back.
      "GET /batch/acme/reports?page=2&per_page=2&include_spaces=all",
    ]);
    expect(warnings()).toEqual([]);
  });

  it(
    "without counters, stops on a next_page already read " +
      "instead of looping, and warns only when pages are missing",
    async () => {
      const { transport, requests } = fakeTransport((url) => {
        const page = Number(url.searchParams.get("page") ?? "1");
        return {
          reports: items(page),
          _links: {
            next_page: { href: `/batch/acme/reports?page=${Math.min(page + 1, 3)}&per_page=1000&include_spaces=all` },
          },
        };
      });
      const { s, warnings } = session(transport);
      expect(await keys(s)).toEqual(["r1a", "r1b", "r2a", "r2b", "r3a", "r3b"]);
      expect(requests.filter((r) => r.startsWith("GET"))).toHaveLength(3);
      expect(warnings()).toEqual([]);

      const truncated = fakeTransport(() => ({
        pagination: { page: 1, total_pages: 3, total_count: 6 },
        reports: items(1),
        _links: { next_page: { href: "/batch/acme/reports?include_spaces=all&per_page=1000" } },
      }));
      const second = session(truncated.transport);
      expect(await keys(second.s)).toEqual(["r1a", "r1b"]);
      expect(truncated.requests.filter((r) => r.startsWith("GET"))).toHaveLength(1);
      expect(second.warnings().join("\n")).toMatch(
        /stopped after page 1 of 3: next_page points at a page already read/,
      );
      expect(second.warnings().join("\n")).toMatch(/read 2 items but total_count says 6/);
    },
  );

  it("fails naming the endpoint when the list is missing", async () => {
    const { transport } = fakeTransport(() => ({ pagination: {}, other: [] }));
    await expect(keys(session(transport).s)).rejects.toThrow(
      'GET /batch/{workspace}/reports: malformed response: no array under "reports"',
    );
  });

  it("close() waits a bounded time for the DELETE, then warns naming the token, never its secrets", async () => {
    const { transport } = fakeTransport(
      () => ({ reports: [] }),
      () => new Promise<JsonObject>(() => undefined),
    );
    const { s, warnings, lines } = session(transport, 100);
    await keys(s);
    const started = performance.now();
    await s.close();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain(
      `could not delete signature token ${TOKEN.token} ("tap-mode x"): no answer within 100 ms`,
    );
    const text = lines.join("\n");
    for (const secret of [TOKEN.access_key, TOKEN.access_secret]) expect(text).not.toContain(secret);
  });
});
