import { describe, expect, it } from "vitest";
import type { ConfiguredStream } from "../../src/airbyte/catalog.js";
import { resumeFromAirbyteState, streamStatesFor } from "../../src/airbyte/state.js";
import type { JsonObject, JsonValue } from "../../src/json.js";
import { StateError } from "../../src/state.js";

const configured = (streams: Record<string, "full_refresh" | "incremental">): ConfiguredStream[] =>
  Object.entries(streams).map(([name, syncMode]) => ({ name, syncMode, jsonSchema: {}, cursorField: [] }));

const reportsBookmark: JsonObject = {
  replication_key: "updated_at",
  replication_key_value: "2025-01-02T00:00:00.000Z",
  versions: { sp1: { r1: "2025-01-02T00:00:00.000Z" } },
  children: ["reports"],
};
const runsBookmark: JsonObject = {
  replication_key: "updated_at",
  partitions: { r1: { value: "2025-01-03T00:00:00.000Z", last_run_at: "2025-01-03T00:00:00.000Z" } },
};

const midSync: JsonObject = {
  bookmarks: { reports: reportsBookmark, runs: runsBookmark, spaces: { completed_sync: "2025-02-01T00:00:00.000Z" } },
  currently_syncing: "workspace",
  tap_mode: { format_version: 1, sync_started_at: "2025-02-01T00:00:00.000Z" },
};

/** STREAM state messages as the platform stores and passes them back. */
function asMessages(states: Array<{ stream: string; state: JsonObject }>): JsonValue {
  return states.map(({ stream, state }) => ({
    type: "STREAM",
    stream: { stream_descriptor: { name: stream }, stream_state: state },
  }));
}

describe("Airbyte per-stream state", () => {
  it("gives every configured stream its own bookmark and the same run-wide block", () => {
    const states = streamStatesFor(midSync, ["reports", "runs", "spaces", "groups"], {
      sequence: 4,
      at: "2025-02-01T00:01:00.000Z",
    });
    expect(states.map((s) => s.stream)).toEqual(["reports", "runs", "spaces", "groups"]);
    expect(states[0]?.state.bookmark).toEqual(reportsBookmark);
    expect(states[3]?.state).toEqual({
      tap_mode: {
        format_version: 1,
        currently_syncing: "workspace",
        sync_started_at: "2025-02-01T00:00:00.000Z",
        checkpoint: { sequence: 4, at: "2025-02-01T00:01:00.000Z" },
      },
    });
    for (const s of states) expect(s.state.tap_mode).toEqual(states[0]?.state.tap_mode);
  });

  it("keeps bookmarks of streams outside the configured catalog in the run-wide block", () => {
    const [only] = streamStatesFor(midSync, ["runs"], { sequence: 1, at: "2025-02-01T00:01:00.000Z" });
    expect(only?.state.bookmark).toEqual(runsBookmark);
    expect((only?.state.tap_mode as JsonObject).other_bookmarks).toEqual({
      reports: reportsBookmark,
      spaces: { completed_sync: "2025-02-01T00:00:00.000Z" },
    });
  });

  it("round-trips the Singer state through the stream states the platform passes back", () => {
    const streams = configured({ reports: "incremental", runs: "incremental", spaces: "incremental" });
    const written = streamStatesFor(
      midSync,
      streams.map((s) => s.name),
      { sequence: 7, at: "2025-02-01T00:01:00.000Z" },
    );
    const resumed = resumeFromAirbyteState(asMessages(written), "state.json", streams);
    expect(resumed.sequence).toBe(7);
    expect(resumed.state).toEqual(midSync);
  });

  it("round-trips the bookmarks of unconfigured parents through the run-wide block", () => {
    const streams = configured({ runs: "incremental" });
    const written = streamStatesFor(midSync, ["runs"], { sequence: 2, at: "2025-02-01T00:01:00.000Z" });
    const resumed = resumeFromAirbyteState(asMessages(written), "state.json", streams);
    expect(resumed.state.bookmarks).toEqual(midSync.bookmarks);
    expect(resumed.state.currently_syncing).toBe("workspace");
    expect(resumed.state.tap_mode.sync_started_at).toBe("2025-02-01T00:00:00.000Z");
  });

  it("takes the run-wide fields from the newest checkpoint when the platform kept only part of the last one", () => {
    const streams = configured({ reports: "incremental", runs: "incremental" });
    const finished: JsonObject = {
      bookmarks: { reports: reportsBookmark, runs: { ...runsBookmark, replication_key: "created_at" } },
      currently_syncing: null,
      tap_mode: { format_version: 1 },
    };
    const older = streamStatesFor(midSync, ["reports", "runs"], { sequence: 3, at: "2025-02-01T00:01:00.000Z" });
    const newer = streamStatesFor(finished, ["reports", "runs"], { sequence: 4, at: "2025-02-01T00:02:00.000Z" });
    // The platform persisted the newer STATE of reports but not yet the one of runs.
    const resumed = resumeFromAirbyteState(asMessages([newer[0]!, older[1]!]), "state.json", streams);
    expect(resumed.sequence).toBe(4);
    expect(resumed.state.currently_syncing).toBeNull();
    expect(resumed.state.tap_mode.sync_started_at).toBeUndefined();
    expect(resumed.state.bookmarks.runs).toEqual(runsBookmark);
  });

  it("drops the bookmark of a stream configured as full_refresh so it is read in full", () => {
    const streams = configured({ reports: "full_refresh", runs: "incremental" });
    const written = streamStatesFor(midSync, ["reports", "runs"], { sequence: 1, at: "2025-02-01T00:01:00.000Z" });
    const resumed = resumeFromAirbyteState(asMessages(written), "state.json", streams);
    expect(Object.keys(resumed.state.bookmarks).sort()).toEqual(["runs", "spaces"]);
  });

  it("does not hand a newly configured stream the bookmark it had as an unconfigured parent", () => {
    const written = streamStatesFor(midSync, ["runs"], { sequence: 1, at: "2025-02-01T00:01:00.000Z" });
    const resumed = resumeFromAirbyteState(
      asMessages(written),
      "state.json",
      configured({ runs: "incremental", reports: "incremental" }),
    );
    expect(resumed.state.bookmarks.reports).toBeUndefined();
    expect(resumed.state.bookmarks.runs).toEqual(runsBookmark);
  });

  it("reads an empty list and an empty legacy object as no state", () => {
    const streams = configured({ reports: "incremental" });
    expect(resumeFromAirbyteState([], "s.json", streams).state).toEqual({
      bookmarks: {},
      currently_syncing: null,
      tap_mode: { format_version: 1 },
    });
    expect(resumeFromAirbyteState({}, "s.json", streams).state.bookmarks).toEqual({});
  });

  it("reads a LEGACY state holding a Singer state, as base-singer wrapped one", () => {
    const resumed = resumeFromAirbyteState(
      [{ type: "LEGACY", data: midSync }],
      "s.json",
      configured({ reports: "incremental" }),
    );
    expect(resumed.state.bookmarks.reports).toEqual(reportsBookmark);
    expect(resumed.state.currently_syncing).toBe("workspace");
  });

  it.each([
    [
      [{ type: "GLOBAL", global: { stream_states: [] } }],
      "GLOBAL state; tap-mode writes per-stream (STREAM) state only",
    ],
    [
      [
        {
          type: "STREAM",
          stream: { stream_descriptor: { name: "reports" }, stream_state: { updated_at: "2025-01-01" } },
        },
      ],
      'stream_state was not written by tap-mode (unexpected "updated_at")',
    ],
    [[{ type: "STREAM", stream: { stream_state: {} } }], "without stream.stream_descriptor.name"],
    [
      [
        { type: "LEGACY", data: {} },
        { type: "STREAM", stream: { stream_descriptor: { name: "reports" } } },
      ],
      "mixes LEGACY and STREAM states",
    ],
    [
      [
        {
          type: "STREAM",
          stream: {
            stream_descriptor: { name: "reports" },
            stream_state: { tap_mode: { format_version: 99, currently_syncing: null } },
          },
        },
      ],
      "written by a newer tap-mode",
    ],
    ["reports", "must hold a list of Airbyte state messages"],
    [{ type: "STREAM", stream: { stream_descriptor: { name: "reports" } } }, "must be wrapped in a list"],
  ])("rejects a state it cannot read with a StateError naming the problem (%#)", (value, message) => {
    const read = (): unknown =>
      resumeFromAirbyteState(value as JsonValue, "s.json", configured({ reports: "incremental" }));
    expect(read).toThrow(StateError);
    expect(read).toThrow(message);
  });
});
