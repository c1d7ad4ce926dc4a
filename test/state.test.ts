import { describe, expect, it } from "vitest";
import { STATE_FORMAT_VERSION, StateError, emptyState, parseState } from "../src/state.js";

describe("reading a --state value", () => {
  it("accepts {} as a first run", () => {
    expect(parseState({}, "s.json")).toEqual(emptyState());
  });

  it("keeps this tap's own bookmarks and resume markers", () => {
    const value = {
      bookmarks: {
        reports: {
          replication_key: "updated_at",
          replication_key_value: "2026-01-01T00:00:00.000Z",
          versions: { sp: { r1: "2026-01-01T00:00:00.000Z" } },
          children: ["reports"],
        },
      },
      currently_syncing: "spaces",
      tap_mode: { format_version: STATE_FORMAT_VERSION, sync_started_at: "2026-02-01T00:00:00.000Z" },
    };
    const state = parseState(value, "s.json");
    expect(state.bookmarks.reports).toEqual(value.bookmarks.reports);
    expect(state.currently_syncing).toBe("spaces");
    expect(state.tap_mode.sync_started_at).toBe("2026-02-01T00:00:00.000Z");
  });

  it("migrates a Meltano-SDK style state (franloza/tap-mode partitions per space) to a reports watermark", () => {
    const state = parseState(
      {
        bookmarks: {
          reports: {
            partitions: [
              {
                context: { space_token: "a" },
                replication_key: "updated_at",
                replication_key_value: "2024-03-01T00:00:00Z",
              },
              {
                context: { space_token: "b" },
                replication_key: "updated_at",
                replication_key_value: "2024-05-01T00:00:00Z",
              },
            ],
          },
        },
      },
      "old.json",
    );
    expect(state.bookmarks.reports).toEqual({
      replication_key: "updated_at",
      replication_key_value: "2024-05-01T00:00:00Z",
      migrated_from: "sdk-partitions:reports",
    });
  });

  it.each([
    [[], /must be a JSON object, found an array/],
    [{ bookmarks: [] }, /"bookmarks" must be an object/],
    [{ users: 2 }, /has no "bookmarks" object/],
    [{ bookmarks: {}, tap_mode: { format_version: STATE_FORMAT_VERSION + 1 } }, /written by a newer tap-mode/],
    [{ bookmarks: {}, tap_mode: { format_version: "1" } }, /"tap_mode.format_version" must be a number/],
    [
      { bookmarks: { reports: { replication_key_value: "yesterday" } }, tap_mode: { format_version: 1 } },
      /"bookmarks.reports.replication_key_value" must be an ISO 8601 timestamp/,
    ],
    [
      { bookmarks: { runs: { partitions: [] } }, tap_mode: { format_version: 1 } },
      /"bookmarks.runs.partitions" must be an object/,
    ],
    [{ bookmarks: {}, currently_syncing: 3 }, /"currently_syncing" must be a stream name or null/],
  ])("rejects %j with a one-line StateError", (value, message) => {
    expect(() => parseState(value as never, "s.json")).toThrow(StateError);
    expect(() => parseState(value as never, "s.json")).toThrow(message);
  });
});
