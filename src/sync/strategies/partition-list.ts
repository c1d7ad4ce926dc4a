import { tokenOf } from "../../streams/tokens.js";
import type { StreamDefinition } from "../../streams/types.js";
import { completedThisSync, markCompleted, type CompletionMarkers } from "../completion.js";
import type { ParentNode, Strategy, StreamWalk, SyncContext } from "../context.js";
import { listPages, tolerating } from "../lists.js";
import { TaskPool } from "../task-pool.js";
import { parseFullReadBookmark, TableRead, type TableVersionFields } from "../table-versions.js";
import { childNode } from "./nodes.js";

/** The list itself is read in full every sync: the resume marker of an unfinished sync and its read's version. */
export type PartitionListBookmark = CompletionMarkers & TableVersionFields;

/** Partitions walked at once; each holds one page listing of its children at a time. */
const PARTITION_CONCURRENCY = 2;

/**
 * `partition-list`: a workspace-level list whose items partition the workspace (spaces: reports and datasets live in
 * them). Its pages are committed as they come; each item's children are then walked, a few items at a time, each
 * child committing units of its own, while one pool shared by every partition runs the per-item work of the children
 * (a report and its children), so the client's rate limiter always has queued work and the budget is used fully.
 * Children learn at the end which partitions were listed, when the list was read to its end (deletions).
 */
export const partitionList: Strategy<PartitionListBookmark> = {
  kind: "partition-list",
  placement: { at: "root", phase: (definition) => definition.name, order: 0 },
  followsParentVersion: false,
  fullReads: "always",
  parseBookmark: parseFullReadBookmark,
  async open(ctx, definition) {
    const children = await ctx.openChildren(definition);
    return {
      definition,
      visit: (node) => walkPartitions(ctx, definition, children, node),
      finish: async () => undefined,
    };
  },
};

async function walkPartitions(
  ctx: SyncContext,
  definition: StreamDefinition,
  children: readonly StreamWalk[],
  root: ParentNode,
): Promise<void> {
  const emit = ctx.selected.has(definition.name) && !completedThisSync(ctx, definition.name);
  // Pages are committed as they come, so a resumed sync reads the list again from its start: a new version, begun
  // when the first page arrives.
  let read: TableRead | undefined;
  const partitionPool = new TaskPool(PARTITION_CONCURRENCY);
  const itemPool = new TaskPool(Math.max(2, ctx.config.maxConcurrency * 2));
  const listed = new Set<string>();
  let complete = false;

  const walkOne = async (item: Readonly<Record<string, unknown>>): Promise<void> => {
    const node = childNode(definition, item, root.context, undefined, () => true, itemPool);
    for (const child of children) await child.visit(node);
    ctx.progress.done(definition.name);
  };

  let outcome;
  try {
    outcome = await tolerating(ctx, definition, `the ${definition.name} list`, async () => {
      for await (const page of listPages(ctx, definition, root.context)) {
        if (page.pageNumber === 1 && emit) read = await TableRead.begin(ctx, definition, "restart");
        if (page.pageNumber === 1) ctx.progress.addExpected(definition.name, page.totalCount ?? page.items.length);
        else if (page.totalCount === undefined) ctx.progress.addExpected(definition.name, page.items.length);
        const unit = ctx.output.unit();
        const tokens = page.items.map((item) => tokenOf(item, "token", definition.name));
        for (const token of tokens) listed.add(token);
        if (emit) for (const item of page.items) unit.add(definition.name, item, root.context);
        if (unit.records.length > 0) await ctx.output.commit(unit);
        for (const item of page.items) await partitionPool.run(() => walkOne(item));
      }
      complete = true;
    });
    await partitionPool.drain();
    await itemPool.drain();
  } catch (error) {
    // Stop the tasks still in flight before reporting the failure, so no request outlives the sync.
    ctx.abort(error);
    await Promise.allSettled([partitionPool.drain(), itemPool.drain()]);
    throw error;
  }
  if (outcome === undefined && emit) {
    const unit = ctx.output.unit();
    read?.end(unit);
    markCompleted(ctx, unit, definition.name);
    await ctx.output.commit(unit);
  }
  for (const child of children) await child.finish(complete ? listed : null);
}
