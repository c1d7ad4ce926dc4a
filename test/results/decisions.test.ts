import { describe, expect, test } from "vitest";
import { alreadyExtracted } from "../../src/sync/results/bookmarks.js";
import { runOutcome } from "../../src/streams/run-states.js";
import { lastSuccessfulRun } from "../../src/sync/results/targets.js";

describe("decisions about runs", () => {
  test(
    "succeeded and completed runs are successes, failed and cancelled failures, every other state still in " +
      "progress",
    () => {
      expect(["succeeded", "completed"].map(runOutcome)).toEqual(["succeeded", "succeeded"]);
      expect(["failed", "cancelled"].map(runOutcome)).toEqual(["failed", "failed"]);
      expect(
        ["pending", "enqueued", "running_notebook", "running", "something_new", undefined].map(runOutcome),
      ).toEqual(Array(6).fill("in-progress"));
    },
  );

  test(
    "the latest successful run comes from last_successful_run_token, else from the last_successful_run link, " +
      "else there is none",
    () => {
      expect(
        lastSuccessfulRun({
          last_successful_run_token: "aaaaaaaaaaaa",
          _links: { last_successful_run: { href: "/api/acme/reports/r/runs/bbbbbbbbbbbb" } },
        }),
      ).toBe("aaaaaaaaaaaa");
      expect(
        lastSuccessfulRun({
          last_successful_run_token: null,
          _links: { last_successful_run: { href: "/api/acme/reports/r/runs/bbbbbbbbbbbb?embed[result]=1" } },
        }),
      ).toBe("bbbbbbbbbbbb");
      expect(lastSuccessfulRun({ last_successful_run_token: null, _links: { last_successful_run: null } })).toBeNull();
      expect(lastSuccessfulRun({})).toBeNull();
    },
  );

  test("a run is already extracted when it is the bookmarked one or completed before it", () => {
    const partition = { run_token: "bbbbbbbbbbbb", completed_at: "2026-05-01T00:00:00.000Z" };
    expect(alreadyExtracted(undefined, "bbbbbbbbbbbb", null)).toBe(false);
    expect(alreadyExtracted(partition, "bbbbbbbbbbbb", null)).toBe(true);
    expect(alreadyExtracted(partition, "aaaaaaaaaaaa", "2026-04-30T00:00:00.000Z")).toBe(true);
    expect(alreadyExtracted(partition, "cccccccccccc", "2026-05-02T00:00:00.000Z")).toBe(false);
    expect(alreadyExtracted(partition, "cccccccccccc", null)).toBe(false);
  });
});
