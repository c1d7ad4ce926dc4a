import type { StreamDefinition } from "../../streams/types.js";
import { completedThisSync, markCompleted, type CompletionMarkers } from "../completion.js";
import type { ParentNode, Strategy, StreamWalk, SyncContext } from "../context.js";
import { listPages, tolerating } from "../lists.js";
import type { Unit } from "../output.js";
import { parseFullReadBookmark, readStart, TableRead, type TableVersionFields } from "../table-versions.js";
import { describeContext, visitChildren } from "./nodes.js";

/**
 * A child list read whole for each parent: it has no bookmark of its own (its parent's decides when it is read),
 * only the per-parent resume markers when it commits units of its own. Under a run-partitioned parent the run walk
 * keeps its partitions instead (run-partitioned.ts owns its descendants' bookmarks).
 */
export type WithParentBookmark = CompletionMarkers & TableVersionFields;

/**
 * `with-parent`: a list read for each item of its parent whenever the parent changed for it (`node.changedFor`),
 * recursing into its own children (queries -> charts). Inside the parent's unit when the parent has one (a report with
 * its queries); otherwise as a unit per parent item with a "completed in this sync" marker (a space's memberships).
 */
export const withParent: Strategy<WithParentBookmark> = {
  kind: "with-parent",
  placement: { at: "child" },
  followsParentVersion: true,
  fullReads: "when-parent-is",
  parseBookmark: parseFullReadBookmark,
  async open(ctx, definition) {
    const children = await ctx.openChildren(definition);
    // A versioned read (the parent's reads are full: group memberships) spans every parent item; begun on first use.
    let read: TableRead | undefined;
    let begun = false;
    const ensureRead = async (): Promise<void> => {
      if (begun) return;
      begun = true;
      read = await TableRead.begin(ctx, definition, readStart(ctx, definition.name));
    };
    // Tokens listed, handed to the children when the read completes (kept only when there are children).
    const listed = children.length > 0 ? new Set<string>() : undefined;
    let failed = false;
    return {
      definition,
      async visit(node) {
        if (!node.changedFor(definition)) return;
        await ensureRead();
        if (node.unit !== undefined) {
          if ((await readInto(ctx, definition, children, node, node.unit, listed)) !== undefined) {
            node.unit.incomplete.add(definition.name);
            failed = true;
            read?.fail();
          }
          return;
        }
        if (completedThisSync(ctx, definition.name, node.token)) return;
        const unit = ctx.output.unit();
        if ((await readInto(ctx, definition, children, node, unit, listed)) !== undefined) {
          failed = true;
          read?.fail();
          return;
        }
        markCompleted(ctx, unit, definition.name, node.token);
        await ctx.output.commit(unit);
      },
      async finish(listedParents, parentUnit) {
        // Every parent listed and each one's list read: the read is complete (an empty parent list too).
        if (listedParents !== null) await ensureRead();
        const complete = listedParents !== null && !failed;
        for (const child of children) await child.finish(complete ? (listed ?? new Set()) : null, parentUnit);
        if (read === undefined || listedParents === null) return;
        if (parentUnit !== undefined) {
          read.end(parentUnit);
          return;
        }
        const unit = ctx.output.unit();
        read.end(unit);
        if (unit.activations.length > 0) await ctx.output.commit(unit);
      },
    };
  },
};

/**
 * Lists the stream for one parent item into `unit`. A skippable error (a 404: the parent deleted between listing and
 * fetching, docs/mode-api.md §7.12) skips this list with a warning and keeps the rest of the unit; a deleted parent is
 * then reported by the next sync, when its list no longer names it.
 */
function readInto(
  ctx: SyncContext,
  definition: StreamDefinition,
  children: readonly StreamWalk[],
  node: ParentNode,
  unit: Unit,
  listed: Set<string> | undefined,
): Promise<unknown> {
  const parentName = node.parent?.name ?? "workspace";
  return tolerating(
    ctx,
    definition,
    () => `${parentName.replace(/s$/, "")} ${describeContext(node.context)}`,
    async () => {
      for await (const page of listPages(ctx, definition, node.context)) {
        for (const item of page.items) {
          if (ctx.selected.has(definition.name)) {
            unit.add(definition.name, item, node.context);
            if (typeof item.token === "string")
              unit.listed.push({ stream: definition.name, token: item.token, parent: node.token });
          }
          if (typeof item.token === "string") listed?.add(item.token);
          await visitChildren(children, definition, item, node.context, unit);
        }
      }
    },
  );
}
