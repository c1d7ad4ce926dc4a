import { describe, expect, it } from "vitest";
import {
  alreadyRead,
  emitsRun,
  EMPTY_TALLY,
  nextPartition,
  planRunListing,
  tallyRun,
  type RunConsumer,
  type RunsPartition,
} from "../../src/sync/run-plan.js";

/** The run walk's decisions, without HTTP: what to list, what each consumer emits, what the partition becomes. */
const T = (hour: number): string => `2026-01-01T${String(hour).padStart(2, "0")}:00:00.000Z`;
const START = T(23);

function consumer(name: string, previous?: RunsPartition, fullTable = false): RunConsumer {
  return { name, fullTable, previous };
}

describe("planRunListing", () => {
  it("lists nothing when the parent's last_run_at did not move past any consumer's partition", () => {
    const p: RunsPartition = { value: T(5), last_run_at: T(5) };
    expect(
      planRunListing({ consumers: [consumer("runs", p)], lastRunAt: T(5), lastRunKnown: true, startDate: null }),
    ).toBeNull();
  });

  it("lists nothing for a parent that never ran and that no consumer has seen", () => {
    expect(
      planRunListing({ consumers: [consumer("runs")], lastRunAt: null, lastRunKnown: true, startDate: null }),
    ).toBeNull();
  });

  it("lists down to the lowest floor when last_run_at moved; each consumer keeps its own floor", () => {
    const listing = planRunListing({
      consumers: [
        consumer("runs", { value: T(5), last_run_at: T(5) }),
        consumer("query_runs", { value: T(3), last_run_at: T(3) }),
      ],
      lastRunAt: T(7),
      lastRunKnown: true,
      startDate: null,
    });
    expect(listing?.walkFloor).toBe(T(3));
    expect(listing && emitsRun(listing, "runs", T(4))).toBe(false);
    expect(listing && emitsRun(listing, "query_runs", T(4))).toBe(true);
    expect(listing && emitsRun(listing, "runs", T(5))).toBe(true); // >=: the bookmark's own run again
  });

  it("reaches back to the oldest run still open, and reads everything when the open run's value is unknown", () => {
    const open = planRunListing({
      consumers: [consumer("runs", { value: T(9), last_run_at: T(9), open: true, open_from: T(2) })],
      lastRunAt: T(9),
      lastRunKnown: true,
      startDate: null,
    });
    expect(open?.walkFloor).toBe(T(2));
    const unknown = planRunListing({
      consumers: [consumer("runs", { value: T(9), last_run_at: T(9), open: true })],
      lastRunAt: T(9),
      lastRunKnown: true,
      startDate: null,
    });
    expect(unknown?.walkFloor).toBeNull();
  });

  it(
    "always lists for FULL_TABLE, and when the parent does " + "not carry last_run_at; start_date floors a first sync",
    () => {
      const full = planRunListing({
        consumers: [consumer("runs", { value: T(5), last_run_at: T(5) }, true)],
        lastRunAt: T(5),
        lastRunKnown: true,
        startDate: null,
      });
      expect(full?.walkFloor).toBeNull();
      const first = planRunListing({
        consumers: [consumer("runs")],
        lastRunAt: null,
        lastRunKnown: false,
        startDate: T(1),
      });
      expect(first?.walkFloor).toBe(T(1));
    },
  );
});

describe("alreadyRead", () => {
  const p: RunsPartition = { value: T(5), last_run_at: T(5), at_value: ["r1"] };
  it("is true only for a finished run at the bookmark whose token was recorded there", () => {
    expect(alreadyRead(consumer("query_runs", p), T(5), "r1", false)).toBe(true);
    expect(alreadyRead(consumer("query_runs", p), T(5), "r2", false)).toBe(false);
    expect(alreadyRead(consumer("query_runs", p), T(5), "r1", true)).toBe(false);
    expect(alreadyRead(consumer("query_runs", p), T(6), "r1", false)).toBe(false);
    expect(alreadyRead(consumer("query_runs", p, true), T(5), "r1", false)).toBe(false);
  });
});

describe("tallyRun and nextPartition", () => {
  it("keeps the newest value, its finished runs and the oldest open run", () => {
    let tally = EMPTY_TALLY;
    tally = tallyRun(tally, T(9), "open", true);
    tally = tallyRun(tally, T(8), "a", false);
    tally = tallyRun(tally, T(7), "b", false);
    expect(tally).toEqual({ newest: T(9), openFrom: T(9), atNewest: [] });
    tally = tallyRun(EMPTY_TALLY, T(8), "a", false);
    tally = tallyRun(tally, T(8), "b", false);
    tally = tallyRun(tally, T(6), "c", true);
    expect(tally).toEqual({ newest: T(8), openFrom: T(6), atNewest: ["a", "b"] });
    expect(nextPartition(undefined, tally, T(8), START, null)).toEqual({
      value: T(8),
      last_run_at: T(8),
      at_value: ["a", "b"],
      open: true,
      open_from: T(6),
    });
  });

  it("never moves back, caps at the sync's start, and keeps the old boundary when nothing newer came", () => {
    const old: RunsPartition = { value: T(8), last_run_at: T(8), at_value: ["a"] };
    expect(nextPartition(old, tallyRun(EMPTY_TALLY, T(4), "x", false), T(9), START, null)).toEqual({
      value: T(8),
      last_run_at: T(9),
      at_value: ["a"],
    });
    expect(nextPartition(old, tallyRun(EMPTY_TALLY, T(8), "b", false), T(9), START, null).at_value).toEqual(["a", "b"]);
    const future = "2027-01-01T00:00:00.000Z";
    expect(nextPartition(undefined, tallyRun(EMPTY_TALLY, future, "f", false), future, START, null)).toEqual({
      value: START,
      last_run_at: future,
    });
    expect(nextPartition(undefined, EMPTY_TALLY, null, START, T(1)).value).toBe(T(1));
  });
});
