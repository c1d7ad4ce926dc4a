import { describe, expect, it } from "vitest";
import {
  ChildMemoryError,
  childCount,
  childDeletions,
  decodeChildMemory,
  deletionRecord,
  encodeChildMemory,
  encodedBytes,
  rememberChildren,
  type RememberedChild,
} from "../../src/deletions/child-memory.js";

/** 12 lowercase hex characters, as Mode's tokens are. */
const tok = (n: number): string => (0x1a2b3c000000 + n * 7919).toString(16).padStart(12, "0");

/** A report as the bench's workspaces shape it: 3 queries with 2 charts each, 1 filter, 1 schedule, 1 subscription. */
function typicalReport(base: number): RememberedChild[] {
  const children: RememberedChild[] = [];
  for (let q = 0; q < 3; q++) {
    const query = tok(base + q);
    children.push({ stream: "queries", token: query });
    for (let c = 0; c < 2; c++) children.push({ stream: "charts", token: tok(base + 10 + q * 2 + c), under: query });
  }
  children.push({ stream: "report_filters", token: tok(base + 20) });
  children.push({ stream: "report_schedules", token: tok(base + 21) });
  children.push({ stream: "report_subscriptions", token: tok(base + 22) });
  return children;
}

describe("child memory encoding", () => {
  it("writes one string per child stream, charts grouped under their query, streams without children left out", () => {
    const memory = rememberChildren([
      { stream: "queries", token: "aaaaaaaaaaa1" },
      { stream: "queries", token: "aaaaaaaaaaa2" },
      { stream: "charts", token: "ccccccccccc1", under: "aaaaaaaaaaa1" },
      { stream: "charts", token: "ccccccccccc2", under: "aaaaaaaaaaa1" },
      { stream: "charts", token: "ccccccccccc3", under: "aaaaaaaaaaa2" },
    ]);
    expect(encodeChildMemory(memory)).toEqual({
      charts: "aaaaaaaaaaa1:ccccccccccc1,ccccccccccc2;aaaaaaaaaaa2:ccccccccccc3",
      queries: "aaaaaaaaaaa1,aaaaaaaaaaa2",
    });
  });

  it("reads back exactly what it wrote", () => {
    const memory = rememberChildren(typicalReport(0));
    const decoded = decodeChildMemory(JSON.parse(JSON.stringify(encodeChildMemory(memory))), "x");
    expect(decoded).toEqual(memory);
    expect(childCount(decoded)).toBe(12);
  });

  it.each([
    [[], "state field bookmarks.reports.children.r1 must be an object of child stream -> tokens"],
    ["q1,q2", "state field bookmarks.reports.children.r1 must be an object of child stream -> tokens"],
    [{ queries: 5 }, "state field bookmarks.reports.children.r1.queries must be a non-empty string of tokens"],
    [{ queries: "" }, "state field bookmarks.reports.children.r1.queries must be a non-empty string of tokens"],
    [{ queries: "a,,b" }, 'state field bookmarks.reports.children.r1.queries has a malformed token list "a,,b"'],
    [{ charts: "q1:c1;c2" }, 'state field bookmarks.reports.children.r1.charts has a malformed group "c2"'],
    [{ charts: "q1:" }, 'state field bookmarks.reports.children.r1.charts has a malformed token list ""'],
  ])("rejects the malformed value %j with one message naming the field", (value, message) => {
    expect(() => decodeChildMemory(value, "bookmarks.reports.children.r1")).toThrow(new ChildMemoryError(message));
  });

  it("refuses a token that would clash with the separators, naming the stream", () => {
    expect(() => rememberChildren([{ stream: "queries", token: "a,b" }])).toThrow(
      new ChildMemoryError('queries: token "a,b" cannot be remembered'),
    );
  });
});

describe("child deletions", () => {
  const previous = rememberChildren([
    { stream: "queries", token: "q1" },
    { stream: "queries", token: "q2" },
    { stream: "charts", token: "c1", under: "q1" },
    { stream: "charts", token: "c2", under: "q2" },
    { stream: "report_filters", token: "f1" },
    { stream: "report_subscriptions", token: "s1" },
  ]);
  const all = new Set(["queries", "charts", "report_filters", "report_schedules", "report_subscriptions"]);

  it("finds the children no longer listed, a deleted query's charts with it, and remembers what was seen", () => {
    const seen = rememberChildren([
      { stream: "queries", token: "q1" },
      { stream: "queries", token: "q3" },
      { stream: "charts", token: "c1", under: "q1" },
      { stream: "report_filters", token: "f1" },
    ]);
    const { gone, next } = childDeletions(previous, { seen, complete: all });
    expect(gone).toEqual([
      { stream: "charts", token: "c2", under: "q2" },
      { stream: "queries", token: "q2" },
      { stream: "report_subscriptions", token: "s1" },
    ]);
    expect(encodeChildMemory(next)).toEqual({ charts: "q1:c1", queries: "q1,q3", report_filters: "f1" });
  });

  it("deletes nothing from a stream whose listing did not complete, and keeps its memory", () => {
    const seen = rememberChildren([{ stream: "queries", token: "q1" }]);
    const { gone, next } = childDeletions(previous, { seen, complete: new Set(["queries"]) });
    expect(gone).toEqual([{ stream: "queries", token: "q2" }]);
    expect(encodeChildMemory(next)).toEqual({
      charts: "q1:c1;q2:c2",
      queries: "q1",
      report_filters: "f1",
      report_subscriptions: "s1",
    });
  });

  it("finds nothing when everything is still there", () => {
    expect(childDeletions(previous, { seen: previous, complete: all }).gone).toEqual([]);
  });

  it("builds the deletion record the engine completes with the parent keys", () => {
    expect(deletionRecord("c2", "2026-07-01T00:00:00.000Z")).toEqual({
      token: "c2",
      _sdc_deleted_at: "2026-07-01T00:00:00.000Z",
    });
  });
});

describe("child memory size", () => {
  it("stays under 40 bytes per remembered child for a typical report (12 children) and for one of 30 queries", () => {
    const typical = encodeChildMemory(rememberChildren(typicalReport(0)));
    const typicalBytes = encodedBytes(tok(999), typical);
    // 12 tokens of 13 bytes plus the report key and five stream names: measured, not estimated.
    expect(typicalBytes).toBe(Buffer.byteLength(`"${tok(999)}":${JSON.stringify(typical)},`, "utf8"));
    expect(typicalBytes / 12).toBeLessThanOrEqual(40);
    expect(typicalBytes / 12).toBeGreaterThan(13);

    const big: RememberedChild[] = [];
    for (let q = 0; q < 30; q++) {
      big.push({ stream: "queries", token: tok(q) });
      for (let c = 0; c < 4; c++) big.push({ stream: "charts", token: tok(1000 + q * 4 + c), under: tok(q) });
    }
    const bigBytes = encodedBytes(tok(999), encodeChildMemory(rememberChildren(big)));
    expect(bigBytes / big.length).toBeLessThanOrEqual(17);
  });
});
