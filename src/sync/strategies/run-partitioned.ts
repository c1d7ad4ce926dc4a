import { isJsonObject, type JsonObject } from "../../json.js";
import type { TapState } from "../../state.js";
import { runInProgress } from "../../streams/run-states.js";
import { tokenOf } from "../../streams/tokens.js";
import type { StreamDefinition } from "../../streams/types.js";
import { bad, optionalObject, optionalString, isTimestamp } from "../bookmark-fields.js";
import { parseCompletion, type CompletionMarkers } from "../completion.js";
import type { ParentNode, Strategy, StreamWalk, SyncContext } from "../context.js";
import { listPages, timestampOf, tolerating } from "../lists.js";
import {
  alreadyRead,
  emitsRun,
  EMPTY_TALLY,
  nextPartition,
  planRunListing,
  tallyRun,
  type RunConsumer,
  type RunsPartition,
  type RunTally,
} from "../run-plan.js";
import { childNode } from "./nodes.js";

/** Bookmark of a run stream, and of each of its children: one partition per parent (report or dataset) token. */
export interface RunPartitionsBookmark extends CompletionMarkers {
  readonly replication_key?: string;
  readonly partitions?: Readonly<Record<string, RunsPartition>>;
}

export function parseRunPartitions(raw: JsonObject, field: string): RunPartitionsBookmark {
  parseCompletion(raw, field);
  optionalString(raw, "replication_key", field);
  for (const [parent, p] of Object.entries(optionalObject(raw, "partitions", field) ?? {})) {
    const at = `${field}.partitions.${parent}`;
    if (!isJsonObject(p)) bad(at, "an object");
    if (!isTimestamp(p.value)) bad(`${at}.value`, "an ISO 8601 timestamp");
    if (p.last_run_at !== null && !isTimestamp(p.last_run_at))
      bad(`${at}.last_run_at`, "an ISO 8601 timestamp or null");
    if (p.open !== undefined && typeof p.open !== "boolean") bad(`${at}.open`, "true or false");
    if (p.open_from !== undefined && !isTimestamp(p.open_from)) bad(`${at}.open_from`, "an ISO 8601 timestamp");
    if (p.at_value !== undefined && (!Array.isArray(p.at_value) || !p.at_value.every((t) => typeof t === "string")))
      bad(`${at}.at_value`, "an array of run tokens");
  }
  return raw as RunPartitionsBookmark;
}

/** The default replication key of run streams: updated_at catches a run's later state changes, created_at does not. */
const DEFAULT_RUN_KEY = "updated_at";

/** A consumer's partition for one parent, as it stands; reading never creates it. */
function partitionOf(state: TapState, stream: string, parentToken: string): RunsPartition | undefined {
  return (state.bookmarks[stream] as RunPartitionsBookmark | undefined)?.partitions?.[parentToken];
}

/** The partitions to change: only inside a commit. */
function writablePartitions(state: TapState, stream: string): Record<string, RunsPartition> {
  const bookmark = (state.bookmarks[stream] ??= {});
  if (!isJsonObject(bookmark.partitions)) bookmark.partitions = {};
  return bookmark.partitions as unknown as Record<string, RunsPartition>;
}

/**
 * `run-partitioned`: the runs of each parent (report or dataset), listed newest first and paged only down to the
 * bookmark (docs/mode-api.md §3.6: run lists take `order`/`order_by`; descending order is safe with offset paging
 * because new runs push older ones to later pages, which can repeat a run but never skip one). The decisions are the
 * pure plan in run-plan.ts; this applies them. Consumers are the run stream and its children (query runs): each keeps
 * its own partition per parent, so selecting query runs later still fetches every run's query runs once. The walk
 * ignores the parent's version (`changedFor`): its own partitions say what is new.
 */
export const runPartitioned: Strategy<RunPartitionsBookmark> = {
  kind: "run-partitioned",
  placement: { at: "child" },
  followsParentVersion: false,
  ownsDescendantBookmarks: true,
  parseBookmark: parseRunPartitions,
  async open(ctx, definition) {
    const children = await ctx.openChildren(definition);
    const consumers = [definition, ...children.map((c) => c.definition)]
      .map((d) => d.name)
      .filter((name) => ctx.selected.has(name));
    const everyPartitioned = [definition.name, ...children.map((c) => c.definition.name)];
    return {
      definition,
      visit: (node) => readRuns(ctx, definition, children, consumers, node),
      finish: async () => {
        for (const child of children) await child.finish(null);
      },
      forgetParent(state, parentToken) {
        for (const stream of everyPartitioned) {
          const partitions = state.bookmarks[stream]?.partitions;
          if (isJsonObject(partitions)) delete partitions[parentToken];
        }
      },
    };
  },
};

async function readRuns(
  ctx: SyncContext,
  runs: StreamDefinition,
  children: readonly StreamWalk[],
  consumerNames: readonly string[],
  node: ParentNode,
): Promise<void> {
  if (consumerNames.length === 0) return;
  const parentToken = node.token;
  const key = ctx.selected.get(runs.name)?.replicationKey ?? DEFAULT_RUN_KEY;
  const lastRunAt = timestampOf(node.item, "last_run_at");
  const startDate = ctx.config.startDate ?? null;
  const consumers: RunConsumer[] = consumerNames.map((name) => ({
    name,
    fullTable: ctx.selected.get(name)?.replicationMethod === "FULL_TABLE",
    previous: partitionOf(ctx.output.state, name, parentToken),
  }));
  const listing = planRunListing({
    consumers,
    lastRunAt,
    lastRunKnown: node.item.last_run_at !== undefined,
    startDate,
  });
  if (listing === null) {
    ctx.progress.listSkipped(runs.name);
    return;
  }

  const unit = node.unit ?? ctx.output.unit();
  const consumerOf = new Map(consumers.map((c) => [c.name, c] as const));
  let tally: RunTally = EMPTY_TALLY;
  const outcome = await tolerating(ctx, runs, `${runs.name} of ${parentToken}`, async () => {
    for await (const page of listPages(ctx, runs, node.context, { order: "desc", order_by: key })) {
      let passedFloor = false;
      for (const [index, item] of page.items.entries()) {
        const value = timestampOf(item, key);
        if (listing.walkFloor !== null && value !== null && value < listing.walkFloor) {
          passedFloor = true;
          // Listed, but older than every consumer's bookmark: nothing is read under them (the time estimate).
          ctx.progress.notRead(runs.name, page.items.length - index);
          break;
        }
        const runToken = tokenOf(item, "token", runs.name); // a run without a token is a malformed response
        const inProgress = runInProgress(item.state);
        tally = tallyRun(tally, value, runToken, inProgress);
        if (ctx.selected.has(runs.name) && emitsRun(listing, runs.name, value)) unit.add(runs.name, item, node.context);
        if (children.length > 0) {
          const readAgain = (child: StreamDefinition): boolean => {
            const consumer = consumerOf.get(child.name);
            return (
              emitsRun(listing, child.name, value) &&
              !(consumer !== undefined && alreadyRead(consumer, value, runToken, inProgress))
            );
          };
          const runNode = childNode(runs, item, node.context, unit, readAgain);
          if (!children.some((child) => readAgain(child.definition))) ctx.progress.notRead(runs.name, 1);
          for (const child of children) await child.visit(runNode);
        }
      }
      if (passedFloor) break;
    }
  });
  // Runs not listed (404: the parent went away meanwhile): no partition, so the next sync lists them again.
  if (outcome !== undefined) return;

  const found = tally;
  unit.onCommit((state) => {
    for (const name of consumerNames) {
      const partitions = writablePartitions(state, name);
      partitions[parentToken] = nextPartition(partitions[parentToken], found, lastRunAt, ctx.startedAt, startDate);
    }
    const bookmark = state.bookmarks[runs.name];
    if (bookmark && ctx.selected.has(runs.name)) bookmark.replication_key = key;
  });
  if (node.unit === undefined) await ctx.output.commit(unit);
}
