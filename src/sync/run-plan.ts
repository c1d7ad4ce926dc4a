/**
 * The decisions of the run walk (strategies/run-partitioned.ts), as pure functions of the bookmark and what Mode
 * listed: whether a parent's runs are listed at all, how far back, which runs each consumer emits, whether a run's
 * children must be read again, and the partition each consumer keeps afterwards. No request and no state here: the
 * strategy applies these decisions.
 */

/** Per-parent bookmark of a run stream and of each of its consumers (its child streams). */
export interface RunsPartition {
  /** Newest replication-key value emitted for this parent (compared with >=). */
  readonly value: string;
  /** The parent's `last_run_at` when its runs were last listed: runs are listed again only when it moves. */
  readonly last_run_at: string | null;
  /** A run was still in progress: list again until it ends. */
  readonly open?: boolean;
  /** The oldest replication-key value among those open runs: the next listing reaches back to it. */
  readonly open_from?: string;
  /** Finished runs whose key equals `value`: re-emitted next time (>=) without fetching their children again. */
  readonly at_value?: readonly string[];
}

/** One stream reading the runs of a parent: the run stream itself, or a child of it (query runs). */
export interface RunConsumer {
  readonly name: string;
  /** FULL_TABLE: every run, every time. */
  readonly fullTable: boolean;
  /** The consumer's partition for this parent, if it has one. */
  readonly previous: RunsPartition | undefined;
}

export interface RunListingInput {
  readonly consumers: readonly RunConsumer[];
  /** The parent's `last_run_at` (canonical), null when it never ran or the field is null. */
  readonly lastRunAt: string | null;
  /** Whether the parent item carries `last_run_at` at all (when not, its runs are always listed). */
  readonly lastRunKnown: boolean;
  readonly startDate: string | null;
}

/** What to read of one parent's runs. */
export interface RunListing {
  readonly consumers: readonly RunConsumer[];
  /** Per consumer, the oldest key value it emits (null: every run). */
  readonly floors: ReadonlyMap<string, string | null>;
  /** Paging (newest first) stops below this value: the lowest floor (null: read to the end). */
  readonly walkFloor: string | null;
}

/**
 * Whether and how far to list one parent's runs: only when its `last_run_at` moved past a consumer's partition, when
 * a run emitted last time was still in progress, or on a consumer's first sync of the parent (a never-run parent has
 * no runs to list). Each consumer's floor is its bookmark (or start_date), lowered to the oldest run still open.
 */
export function planRunListing(input: RunListingInput): RunListing | null {
  const { consumers, lastRunAt, lastRunKnown, startDate } = input;
  const needsListing = consumers.some((c) => {
    const p = c.previous;
    if (c.fullTable || !lastRunKnown) return true;
    if (p === undefined) return lastRunAt !== null;
    return p.open === true || (lastRunAt !== null && (p.last_run_at === null || lastRunAt > p.last_run_at));
  });
  if (!needsListing) return null;
  const floorOf = (c: RunConsumer): string | null => {
    if (c.fullTable) return null;
    const p = c.previous;
    const value = p?.value ?? startDate;
    if (p?.open === true) {
      const open = p.open_from ?? null;
      if (open === null) return null;
      return value !== null && open < value ? open : value;
    }
    return value;
  };
  const floors = new Map(consumers.map((c) => [c.name, floorOf(c)] as const));
  let walkFloor: string | null | undefined;
  for (const floor of floors.values()) {
    if (walkFloor === undefined) walkFloor = floor;
    else if (walkFloor === null || floor === null) walkFloor = null;
    else if (floor < walkFloor) walkFloor = floor;
  }
  return { consumers, floors, walkFloor: walkFloor ?? null };
}

/** Whether a run (by its key value) is at or above a consumer's floor: the consumer emits it (>=). */
export function emitsRun(listing: RunListing, consumer: string, value: string | null): boolean {
  const floor = listing.floors.get(consumer) ?? null;
  return floor === null || value === null || value >= floor;
}

/**
 * Whether a consumer already read this run's children: the run at the bookmark is emitted again (>=), but a finished
 * run with the same key value and token as last time is unchanged since, so its children need no second request.
 */
export function alreadyRead(
  consumer: RunConsumer,
  value: string | null,
  runToken: string,
  inProgress: boolean,
): boolean {
  const p = consumer.previous;
  return (
    !consumer.fullTable &&
    p !== undefined &&
    value !== null &&
    value === p.value &&
    (p.at_value ?? []).includes(runToken) &&
    !inProgress
  );
}

/** What the listing of one parent's runs found, run by run (newest first). */
export interface RunTally {
  /** Newest key value listed. */
  readonly newest: string | null;
  /** Oldest key value among runs still in progress. */
  readonly openFrom: string | null;
  /** Finished runs whose key equals `newest`: the boundary the next sync re-emits without refetching children. */
  readonly atNewest: readonly string[];
}

export const EMPTY_TALLY: RunTally = { newest: null, openFrom: null, atNewest: [] };

/** The tally after one more listed run. */
export function tallyRun(tally: RunTally, value: string | null, runToken: string, inProgress: boolean): RunTally {
  let { newest, openFrom, atNewest } = tally;
  if (value !== null && (newest === null || value > newest)) {
    newest = value;
    atNewest = [];
  }
  if (value !== null && value === newest && !inProgress) atNewest = [...atNewest, runToken];
  if (inProgress && value !== null && (openFrom === null || value < openFrom)) openFrom = value;
  return { newest, openFrom, atNewest };
}

/**
 * A consumer's partition after a complete listing: the newest value seen (never lower than before, capped at the
 * sync's start), the parent's last_run_at, the boundary runs, and the open marker while a run is in progress.
 */
export function nextPartition(
  old: RunsPartition | undefined,
  tally: RunTally,
  lastRunAt: string | null,
  startedAt: string,
  startDate: string | null,
): RunsPartition {
  const { newest, openFrom, atNewest } = tally;
  const value =
    newest !== null && (old?.value === undefined || newest > old.value)
      ? newest
      : (old?.value ?? newest ?? startDate ?? "1970-01-01T00:00:00.000Z");
  const capped = value > startedAt ? startedAt : value;
  const boundary =
    newest === capped
      ? [...new Set([...(old?.value === capped ? (old.at_value ?? []) : []), ...atNewest])]
      : old?.value === capped
        ? [...(old.at_value ?? [])]
        : [];
  return {
    value: capped,
    last_run_at: lastRunAt,
    ...(boundary.length > 0 ? { at_value: boundary } : {}),
    ...(openFrom !== null ? { open: true, open_from: openFrom } : {}),
  };
}
