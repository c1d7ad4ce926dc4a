import { isJsonObject, type JsonObject } from "../json.js";
import type { RunsPartition, TapState } from "../state.js";
import type { StreamContext, StreamDefinition } from "../streams/types.js";
import { neededChildren, syncChildren } from "./children.js";
import type { SyncContext } from "./context.js";
import { tokenOf } from "../streams/tokens.js";
import { listPages, timestampOf, tolerating } from "./lists.js";
import type { Unit } from "./output.js";

/** Run states that will still change (mode-api notes §4: everything but succeeded/completed/failed/cancelled). */
const IN_PROGRESS = new Set(["pending", "enqueued", "running_notebook", "running"]);

/** The default replication key of run streams: updated_at catches a run's later state changes, created_at does not. */
const DEFAULT_RUN_KEY = "updated_at";

function partitionsOf(state: TapState, stream: string): Record<string, RunsPartition> {
  const bookmark = (state.bookmarks[stream] ??= {});
  if (!isJsonObject(bookmark.partitions)) bookmark.partitions = {};
  return bookmark.partitions as unknown as Record<string, RunsPartition>;
}

/** The replication key a run stream uses this sync (the catalog may choose created_at). */
export function runKey(ctx: SyncContext, stream: string): string {
  return ctx.selected.get(stream)?.replicationKey ?? DEFAULT_RUN_KEY;
}

/**
 * Lists the runs of one report (or dataset) newest first and stops paging at the bookmark (mode-api notes §3.6: run
 * lists take `order`/`order_by`; descending order is safe with offset paging because new runs push older ones to later
 * pages, which can repeat a run but never skip one). Runs are listed only when the parent's `last_run_at` moved past the
 * partition's, when a run emitted last time was still in progress, or on the first sync of the parent. Records sharing
 * the bookmark's timestamp are emitted again (compare with >=, Singer CONFIG_AND_STATE.md).
 *
 * Consumers are the run stream itself and its children (query_runs): each keeps its own partition, so selecting
 * query_runs later still fetches every run's query runs once.
 */
export async function syncRuns(
  ctx: SyncContext,
  unit: Unit,
  runs: StreamDefinition,
  parent: Readonly<Record<string, unknown>>,
  parentToken: string,
  context: StreamContext,
): Promise<void> {
  const consumers = [runs.name, ...neededChildren(ctx, runs.name).map((d) => d.name)].filter((name) =>
    ctx.selected.has(name),
  );
  if (consumers.length === 0) return;
  const key = runKey(ctx, runs.name);
  const state = ctx.output.state;
  const lastRunAt = timestampOf(parent, "last_run_at");
  const lastRunKnown = parent.last_run_at !== undefined;
  const previous = new Map(consumers.map((c) => [c, partitionsOf(state, c)[parentToken]] as const));
  const fullTable = (c: string): boolean => ctx.selected.get(c)?.replicationMethod === "FULL_TABLE";

  const needsListing = consumers.some((c) => {
    const p = previous.get(c);
    if (fullTable(c) || !lastRunKnown) return true;
    if (p === undefined) return lastRunAt !== null; // a never-run report has no runs to list
    return p.open === true || (lastRunAt !== null && (p.last_run_at === null || lastRunAt > p.last_run_at));
  });
  if (!needsListing) return;

  // Lower bound per consumer: its bookmark (or start_date), lowered to the oldest run still open last time.
  const floorOf = (c: string): string | null => {
    if (fullTable(c)) return null;
    const p = previous.get(c);
    const value = p?.value ?? ctx.config.startDate ?? null;
    const open = p?.open === true ? (p.open_from ?? null) : null;
    if (p?.open === true && open === null) return null;
    return open !== null && value !== null && open < value ? open : value;
  };
  const floors = new Map(consumers.map((c) => [c, floorOf(c)] as const));
  const walkFloor =
    [...floors.values()].reduce<string | null | undefined>(
      (min, f) => (min === undefined ? f : min === null || f === null ? null : f < min ? f : min),
      undefined,
    ) ?? null;

  let newest: string | null = null;
  let openFrom: string | null = null;
  /** Finished runs whose key equals `newest`: the boundary the next sync re-emits (>=) without refetching children. */
  let atNewest: string[] = [];
  const queryRunsNeeded = neededChildren(ctx, runs.name);
  const outcome = await tolerating(ctx, runs, `runs of ${parentToken}`, async () => {
    for await (const page of listPages(ctx, runs, context, { order: "desc", order_by: key })) {
      let passedFloor = false;
      for (const item of page.items) {
        const value = timestampOf(item, key);
        if (walkFloor !== null && value !== null && value < walkFloor) {
          passedFloor = true;
          break;
        }
        const runToken = tokenOf(item, "token", runs.name); // a run without a token is a malformed response
        const stateName = typeof item.state === "string" ? item.state : "";
        const inProgress = IN_PROGRESS.has(stateName);
        if (value !== null && (newest === null || value > newest)) {
          newest = value;
          atNewest = [];
        }
        if (value !== null && value === newest && !inProgress) atNewest.push(runToken);
        if (inProgress && value !== null && (openFrom === null || value < openFrom)) openFrom = value;
        const emits = (c: string): boolean => {
          const floor = floors.get(c) ?? null;
          return floor === null || value === null || value >= floor;
        };
        // The run at the bookmark is emitted again (>=), but its children were read with it, unchanged since: a
        // finished run with the same key value and token as last time needs no second query_runs request.
        const alreadyRead = (c: string): boolean => {
          const p = previous.get(c);
          return (
            !fullTable(c) &&
            p !== undefined &&
            value !== null &&
            value === p.value &&
            (p.at_value ?? []).includes(runToken) &&
            !inProgress
          );
        };
        if (ctx.selected.has(runs.name) && emits(runs.name)) unit.add(runs.name, item, context);
        if (queryRunsNeeded.length > 0 && runs.childContext) {
          const childContext = { ...context, ...runs.childContext(item as JsonObject) };
          await syncChildren(
            ctx,
            unit,
            runs.name,
            childContext,
            (child) => emits(child.name) && !alreadyRead(child.name),
          );
        }
      }
      if (passedFloor) break;
    }
  });
  // Runs not listed (404: the parent went away meanwhile): no partition, so the next sync lists them again.
  if (outcome !== undefined) return;

  unit.onCommit((s) => {
    for (const c of consumers) {
      const partitions = partitionsOf(s, c);
      const old = partitions[parentToken];
      const value =
        newest !== null && (old?.value === undefined || newest > old.value)
          ? newest
          : (old?.value ?? newest ?? ctx.config.startDate ?? "1970-01-01T00:00:00.000Z");
      const capped = value > ctx.startedAt ? ctx.startedAt : value;
      const next: RunsPartition = { value: capped, last_run_at: lastRunAt };
      const boundary =
        newest === capped
          ? [...new Set([...(old?.value === capped ? (old.at_value ?? []) : []), ...atNewest])]
          : old?.value === capped
            ? (old.at_value ?? [])
            : [];
      if (boundary.length > 0) next.at_value = boundary;
      if (openFrom !== null) {
        next.open = true;
        next.open_from = openFrom;
      }
      partitions[parentToken] = next;
    }
    const bookmark = s.bookmarks[runs.name];
    if (bookmark && ctx.selected.has(runs.name)) bookmark.replication_key = key;
  });
}

/** Removes the run partitions of deleted parents. */
export function forgetRunPartitions(state: TapState, streams: readonly string[], parentToken: string): void {
  for (const stream of streams) {
    const partitions = state.bookmarks[stream]?.partitions;
    if (isJsonObject(partitions)) delete partitions[parentToken];
  }
}
