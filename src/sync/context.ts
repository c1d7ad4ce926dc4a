import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { ModeClient } from "../http/client.js";
import type { Logger } from "../log.js";
import type { StreamDefinition, ReplicationMethod } from "../streams/types.js";
import type { SyncOutput } from "./output.js";

/** What the sync knows of one selected stream. */
export interface StreamPlan {
  readonly definition: StreamDefinition;
  readonly replicationMethod: ReplicationMethod;
  readonly replicationKey?: string;
}

/** Everything a walker needs, built once per run and passed down (house style §8: no singletons). */
export interface SyncContext {
  readonly config: Config;
  readonly client: ModeClient;
  readonly output: SyncOutput;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Selected streams by name: these emit records. */
  readonly selected: ReadonlyMap<string, StreamPlan>;
  /** Every stream definition by name (selected or not: unselected parents are walked, not emitted). */
  readonly definitions: ReadonlyMap<string, StreamDefinition>;
  /** Per stream, the child lists the walk must read (planWalk): computed once, read per parent item. */
  readonly walk: ReadonlyMap<string, readonly StreamDefinition[]>;
  /** The sync's signpost: bookmarks never move past it (singer.md §1.5 "Signpost state keeping"). */
  readonly startedAt: string;
  /** Identifies this sync (or the interrupted one it resumes) in bookmarks of completed full-table streams. */
  readonly syncId: string;
  readonly progress: ProgressTracker;
  /** Stops every request in flight (a fatal error elsewhere, or a signal). */
  abort(reason: unknown): void;
  /** Warns once per key (schema drift, tolerated 403s, ...). */
  warnOnce(key: string, message: string): void;
}

/** Counters the progress reporter reads. */
export interface ProgressTracker {
  /** Adds to the known total of parents of a kind (from Mode's pagination.total_count), for the estimate. */
  addExpected(kind: string, count: number): void;
  /** Counts one parent of a kind done. */
  done(kind: string): void;
  /** Counts a deleted parent. */
  deleted(kind: string, count: number): void;
  /** Counts a parent skipped because it had not changed. */
  unchanged(kind: string): void;
}

/**
 * The walk, planned once per sync: for each stream, its child lists that must be read because they, or one of their
 * descendants read by the walk, are selected (query_results rows come from the report-results phase, not from walking
 * query runs).
 */
export function planWalk(
  definitions: readonly StreamDefinition[],
  selected: ReadonlySet<string>,
): Map<string, readonly StreamDefinition[]> {
  const needed = (stream: string): boolean =>
    selected.has(stream) || definitions.some((d) => d.parent === stream && d.kind !== "results" && needed(d.name));
  return new Map(
    definitions.map(
      (p) => [p.name, definitions.filter((d) => d.parent === p.name && d.kind === "list" && needed(d.name))] as const,
    ),
  );
}

/** Whether a stream must be walked: it is selected, or one of its descendants read by the walk is. */
export function isNeeded(ctx: SyncContext, stream: string): boolean {
  return ctx.selected.has(stream) || (ctx.walk.get(stream)?.length ?? 0) > 0;
}
