import type { StreamDefinition } from "../../streams/types.js";
import { completedThisSync, markCompleted, parseCompletion, type CompletionMarkers } from "../completion.js";
import type { ParentNode, Strategy, StreamWalk, SyncContext } from "../context.js";
import { listPages, tolerating } from "../lists.js";
import type { Unit } from "../output.js";
import { describeContext, visitChildren } from "./nodes.js";

/**
 * A child list read whole for each parent: it has no bookmark of its own (its parent's decides when it is read),
 * only the per-parent resume markers when it commits units of its own. Under a run-partitioned parent the run walk
 * keeps its partitions instead (run-partitioned.ts owns its descendants' bookmarks).
 */
export type WithParentBookmark = CompletionMarkers;

/**
 * `with-parent`: a list read for each item of its parent whenever the parent changed for it (`node.changedFor`),
 * recursing into its own children (queries -> charts). Inside the parent's unit when the parent has one (a report with
 * its queries); otherwise as a unit per parent item with a "completed in this sync" marker (a space's memberships).
 */
export const withParent: Strategy<WithParentBookmark> = {
  kind: "with-parent",
  placement: { at: "child" },
  followsParentVersion: true,
  parseBookmark: parseCompletion,
  async open(ctx, definition) {
    const children = await ctx.openChildren(definition);
    return {
      definition,
      async visit(node) {
        if (!node.changedFor(definition)) return;
        if (node.unit !== undefined) {
          await readInto(ctx, definition, children, node, node.unit);
          return;
        }
        if (completedThisSync(ctx, definition.name, node.token)) return;
        const unit = ctx.output.unit();
        if ((await readInto(ctx, definition, children, node, unit)) !== undefined) return;
        markCompleted(ctx, unit, definition.name, node.token);
        await ctx.output.commit(unit);
      },
      finish: async () => {
        for (const child of children) await child.finish(null);
      },
    };
  },
};

/**
 * Lists the stream for one parent item into `unit`. A skippable error (a 404: the parent deleted between listing and
 * fetching, mode-api notes §7.12) skips this list with a warning and keeps the rest of the unit; a deleted parent is
 * then reported by the next sync, when its list no longer names it.
 */
function readInto(
  ctx: SyncContext,
  definition: StreamDefinition,
  children: readonly StreamWalk[],
  node: ParentNode,
  unit: Unit,
): Promise<unknown> {
  const parentName = node.parent?.name ?? "workspace";
  return tolerating(
    ctx,
    definition,
    () => `${parentName.replace(/s$/, "")} ${describeContext(node.context)}`,
    async () => {
      for await (const page of listPages(ctx, definition, node.context)) {
        for (const item of page.items) {
          if (ctx.selected.has(definition.name)) unit.add(definition.name, item, node.context);
          await visitChildren(children, definition, item, node.context, unit);
        }
      }
    },
  );
}
