import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StateError, STATE_FORMAT_VERSION } from "../src/state.js";
import { readStateFile } from "../src/state-input.js";
import { streamDefinitions } from "../src/streams/registry.js";
import { tempFiles } from "./support/run-cli.js";
import { SimHarness, catalogSelecting } from "./support/sim-harness.js";

const STREAMS = streamDefinitions().map((d) => d.name);
const own = {
  bookmarks: { audit_logs: { replication_key: "timestamp", replication_key_value: "2026-01-01T00:00:00.000Z" } },
  currently_syncing: null,
  tap_mode: { format_version: STATE_FORMAT_VERSION },
};

function read(content: unknown): ReturnType<typeof readStateFile> & { path: string } {
  const files = tempFiles({ "s.json": content });
  return { ...readStateFile(files.path("s.json"), STREAMS), path: files.path("s.json") };
}

describe("reading a --state file as people have them", () => {
  it("reads the tap's own state without a word", () => {
    const input = read(own);
    expect(input.state.bookmarks).toEqual(own.bookmarks);
    expect([...input.info, ...input.warnings]).toEqual([]);
  });

  it("unwraps Meltano's {singer_state} with one INFO line", () => {
    const input = read({ singer_state: own });
    expect(input.state.bookmarks).toEqual(own.bookmarks);
    expect(input.info).toEqual([
      `state ${input.path}: read the "singer_state" of Meltano's state ({"singer_state": ...})`,
    ]);
    expect(input.warnings).toEqual([]);
  });

  it("unwraps a STATE message line (tail -1 of a tap's output) with one INFO line", () => {
    const input = read(`${JSON.stringify({ type: "STATE", value: own })}\n`);
    expect(input.state.bookmarks).toEqual(own.bookmarks);
    expect(input.info).toEqual([
      `state ${input.path}: read the "value" of a STATE message ({"type": "STATE", "value": ...})`,
    ]);
  });

  it("unwraps both, outermost first, in one line", () => {
    const input = read({ type: "STATE", value: { singer_state: own } });
    expect(input.state.bookmarks).toEqual(own.bookmarks);
    expect(input.info).toHaveLength(1);
    expect(input.info[0]).toMatch(/read the "value" of a STATE message .*, then the "singer_state" of Meltano's state/);
  });

  it("says which Singer message it got when it is not a STATE", () => {
    expect(() => read({ type: "RECORD", stream: "spaces", record: {} })).toThrow(StateError);
    expect(() => read({ type: "RECORD", stream: "spaces", record: {} })).toThrow(
      /is a Singer RECORD message, not a state; pass the "value" of the last STATE message/,
    );
    expect(() => read({ type: "STATE" })).toThrow(/is a STATE message without a "value"/);
  });

  it("names the bookmarks of streams tap-mode does not have, in one WARNING, and keeps them", () => {
    const input = read({
      ...own,
      bookmarks: { ...own.bookmarks, report: { replication_key_value: null }, tap_github_commits: {} },
    });
    expect(input.warnings).toEqual([
      `state ${input.path}: bookmarks for streams tap-mode does not have are not used: "report" (did you ` +
        `mean "reports"?), "tap_github_commits"`,
    ]);
    expect(Object.keys(input.state.bookmarks)).toContain("tap_github_commits");
  });

  it("says in one INFO line that a Meltano-SDK-style bookmark was migrated, and to what", () => {
    const input = read({
      singer_state: {
        bookmarks: {
          reports: {
            partitions: [
              { context: { space: "a" }, replication_key: "updated_at", replication_key_value: "2024-05-01T00:00:00Z" },
              { context: { space: "b" }, replication_key: "updated_at", replication_key_value: "2024-06-01T00:00:00Z" },
            ],
          },
        },
      },
    });
    expect(input.info).toHaveLength(2);
    expect(input.info[1]).toBe(
      `state ${input.path}: Meltano-SDK-style bookmarks migrated (reports: partitions -> updated_at >= ` +
        `2024-06-01T00:00:00Z)`,
    );
    expect(input.state.bookmarks.reports?.replication_key_value).toBe("2024-06-01T00:00:00Z");
  });
});

describe("a sync resumed from a wrapped state (the built command against the simulator)", () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await SimHarness.start({ seed: 5, size: { spaces: 1, reportsPerSpace: 2, runsPerReport: 1 } });
  });
  afterAll(() => h.stop());

  it(
    "logs the unwrapping and the unknown stream once " + "each and syncs incrementally from the unwrapped state",
    async () => {
      const catalog = catalogSelecting((s) => s === "spaces" || s === "reports");
      const first = await h.tap({ catalog });
      expect(first.code, first.stderr).toBe(0);
      const last = first.output.lastState as { bookmarks: Record<string, unknown> };
      const wrapped = { singer_state: { ...last, bookmarks: { ...last.bookmarks, gone_stream: {} } } };
      const again = await h.tap({ catalog, state: wrapped });
      expect(again.code, again.stderr).toBe(0);
      const lines = again.stderr.split("\n");
      expect(lines.filter((l) => l.includes(`read the "singer_state" of Meltano's state`))).toHaveLength(1);
      expect(lines.filter((l) => /^WARN.*not used: "gone_stream"$/.test(l))).toHaveLength(1);
      // The reports bookmark was read: nothing changed, so no report is emitted again.
      expect(first.output.records.get("reports")?.length).toBeGreaterThan(0);
      expect(again.output.records.get("reports") ?? []).toEqual([]);
    },
  );
});
