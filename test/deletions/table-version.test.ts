import { describe, expect, it } from "vitest";
import {
  ACTIVATE_BEFORE_FIRST_READ,
  TableVersionError,
  activationViolations,
  beginRead,
  decodeVersionBookmark,
  encodeVersionBookmark,
  finishRead,
  nextTableVersion,
} from "../../src/deletions/table-version.js";

const T = Date.parse("2026-07-01T00:00:00.000Z");

describe("table versions", () => {
  it("are the read's start in seconds since the epoch", () => {
    expect(nextTableVersion(T + 999)).toBe(T / 1000);
  });

  it("strictly increase across reads started in the same second or after the clock stepped back", () => {
    const first = nextTableVersion(T);
    const second = nextTableVersion(T + 10, first);
    const third = nextTableVersion(T - 60_000, second);
    expect([first, second, third]).toEqual([T / 1000, T / 1000 + 1, T / 1000 + 2]);
    expect(nextTableVersion(T + 3_600_000, third)).toBe(T / 1000 + 3600);
  });

  it("are not activated before the first-ever read", () => {
    expect(ACTIVATE_BEFORE_FIRST_READ).toBe(false);
  });
});

describe("reads and activation", () => {
  it("activates a complete read once, after its records, and remembers it as finished", () => {
    const read = beginRead(undefined, T, "restart");
    expect(read).toEqual({ version: T / 1000, inProgress: true });
    expect(finishRead(read, "complete")).toEqual({
      activate: true,
      bookmark: { version: T / 1000, inProgress: false },
    });
  });

  it("never activates an interrupted read; a restarted read takes a newer version, so the partial one never is", () => {
    const interrupted = beginRead(undefined, T, "restart");
    const end = finishRead(interrupted, "interrupted");
    expect(end).toEqual({ activate: false, bookmark: { version: T / 1000, inProgress: true } });
    const again = beginRead(end.bookmark, T + 200, "restart");
    expect(again.version).toBeGreaterThan(interrupted.version);
    expect(finishRead(again, "complete").activate).toBe(true);
  });

  it("a resumed read keeps the interrupted version and activates it only when the resumed read completes", () => {
    const interrupted = finishRead(beginRead(undefined, T, "restart"), "interrupted").bookmark;
    const resumed = beginRead(interrupted, T + 60_000, "resume");
    expect(resumed.version).toBe(interrupted.version);
    expect(finishRead(resumed, "interrupted").activate).toBe(false);
    expect(finishRead(resumed, "complete").activate).toBe(true);
  });

  it("a resume after a completed read starts a new version (there is nothing to resume)", () => {
    const done = finishRead(beginRead(undefined, T, "restart"), "complete").bookmark;
    expect(beginRead(done, T + 1000, "resume")).toEqual({ version: T / 1000 + 1, inProgress: true });
  });
});

describe("the version bookmark in the state", () => {
  it("round-trips, with in_progress only while a read is unfinished", () => {
    expect(encodeVersionBookmark({ version: 5, inProgress: false })).toEqual({ version: 5 });
    expect(encodeVersionBookmark({ version: 5, inProgress: true })).toEqual({ version: 5, in_progress: true });
    expect(decodeVersionBookmark({ version: 5, in_progress: true }, "f")).toEqual({ version: 5, inProgress: true });
    expect(decodeVersionBookmark({ version: 5 }, "f")).toEqual({ version: 5, inProgress: false });
  });

  it.each([
    [null, 'state field bookmarks.groups.table_version must be an object with a "version"'],
    [{ version: "5" }, "state field bookmarks.groups.table_version.version must be a non-negative integer"],
    [{ version: 1.5 }, "state field bookmarks.groups.table_version.version must be a non-negative integer"],
    [{ version: 5, in_progress: "yes" }, "state field bookmarks.groups.table_version.in_progress must be a boolean"],
  ])("rejects %j with one message naming the field", (value, message) => {
    expect(() => decodeVersionBookmark(value, "bookmarks.groups.table_version")).toThrow(
      new TableVersionError(message),
    );
  });
});

describe("the ordering check for engine tests", () => {
  it("accepts records then their activation, an empty complete read, and a later read", () => {
    expect(
      activationViolations([
        { type: "RECORD", stream: "groups", version: 1 },
        { type: "RECORD", stream: "groups", version: 1 },
        { type: "ACTIVATE_VERSION", stream: "groups", version: 1 },
        { type: "ACTIVATE_VERSION", stream: "data_sources", version: 1 },
        { type: "STATE" },
        { type: "RECORD", stream: "groups", version: 2 },
        { type: "ACTIVATE_VERSION", stream: "groups", version: 2 },
      ]),
    ).toEqual([]);
  });

  it("reports a record after its version's activation, a repeated activation and an older version", () => {
    expect(
      activationViolations([
        { type: "RECORD", stream: "groups", version: 2 },
        { type: "ACTIVATE_VERSION", stream: "groups", version: 2 },
        { type: "RECORD", stream: "groups", version: 2 },
        { type: "ACTIVATE_VERSION", stream: "groups", version: 2 },
        { type: "RECORD", stream: "groups", version: 1 },
      ]),
    ).toEqual([
      "message 3: groups RECORD of version 2 after its activation",
      "message 4: groups version 2 activated after version 2",
      "message 5: groups RECORD of older version 1",
      "message 5: groups RECORD of version 1 after its activation",
    ]);
  });
});
