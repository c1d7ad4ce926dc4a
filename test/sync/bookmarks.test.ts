import { describe, expect, it } from "vitest";
import { emptyState, StateError, type TapState } from "../../src/state.js";
import { streamDefinitions } from "../../src/streams/registry.js";
import { checkBookmarks } from "../../src/sync/bookmarks.js";
import { strategyOf } from "../../src/sync/strategies/index.js";
import type { JsonObject } from "../../src/json.js";

/** Each strategy's bookmark type is checked when the state is loaded: one line naming the state and the field. */
function check(bookmarks: Record<string, JsonObject>): void {
  const state: TapState = { ...emptyState(), bookmarks };
  checkBookmarks(state, streamDefinitions(), strategyOf, "state.json");
}

describe("bookmarks checked at load", () => {
  it("accepts the bookmarks a sync writes, and leaves unknown streams alone", () => {
    const before = {
      reports: {
        replication_key: "updated_at",
        replication_key_value: null,
        versions: { s1: { r1: "2026-01-01T00:00:00.000Z" } },
        children: ["reports"],
      },
      runs: {
        replication_key: "updated_at",
        partitions: { r1: { value: "2026-01-01T00:00:00.000Z", last_run_at: null, at_value: ["x"] } },
      },
      query_runs: {
        partitions: {
          r1: {
            value: "2026-01-01T00:00:00.000Z",
            last_run_at: "2026-01-01T00:00:00.000Z",
            open: true,
            open_from: "2026-01-01T00:00:00.000Z",
          },
        },
      },
      audit_logs: { replication_key: "timestamp", replication_key_value: "2026-01-01T00:00:00.000Z" },
      spaces: { completed_sync: "2026-01-01T00:00:00.000Z" },
      space_memberships: { completed_parents: { s1: "2026-01-01T00:00:00.000Z" } },
      query_results: { partitions: { r1: { run_token: "x", completed_at: null } } },
      gone_stream: { anything: [1, 2] },
    };
    const copy = structuredClone(before);
    expect(() => check(copy)).not.toThrow();
    expect(copy).toEqual(before); // reading never writes
  });

  it.each([
    [
      { runs: { partitions: { r1: { value: 3, last_run_at: null } } } },
      '"bookmarks.runs.partitions.r1.value" must be an ISO 8601 timestamp',
    ],
    [
      { query_runs: { partitions: { r1: { value: "2026-01-01T00:00:00Z", last_run_at: null, open: "yes" } } } },
      '"bookmarks.query_runs.partitions.r1.open" must be true or false',
    ],
    [{ reports: { versions: { s1: { r1: 5 } } } }, '"bookmarks.reports.versions.s1.r1" must be a string'],
    [{ datasets: { children: "datasets" } }, '"bookmarks.datasets.children" must be an array of stream names'],
    [
      { audit_logs: { replication_key_value: "yesterday" } },
      '"bookmarks.audit_logs.replication_key_value" must be an ISO 8601 timestamp',
    ],
    [
      { space_memberships: { completed_parents: { s1: 1 } } },
      '"bookmarks.space_memberships.completed_parents.s1" must be a string',
    ],
    [{ query_results: { partitions: [] } }, '"bookmarks.query_results.partitions" must be an object'],
  ] as Array<[Record<string, JsonObject>, string]>)("rejects %j", (bookmarks, message) => {
    let thrown: unknown;
    try {
      check(bookmarks);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StateError);
    expect((thrown as Error).message).toBe(`state state.json: ${message}`);
  });
});
