import type { JsonObject } from "../../json.js";
import type { StreamDefinition } from "../../streams/types.js";
import { completedThisSync, markCompleted, parseCompletion, type CompletionMarkers } from "../completion.js";
import type { ParentNode, Strategy, StreamWalk, SyncContext } from "../context.js";
import { fillPath, listPages, tolerating } from "../lists.js";
import { visitChildren } from "./nodes.js";

/** A workspace-level list read whole every sync: nothing but the resume markers of an unfinished sync. */
export type WorkspaceListBookmark = CompletionMarkers;

/**
 * `workspace-list`: the small workspace-level lists (and the workspace object itself, `kind: "object"`), read in full
 * every sync and committed as one unit with their children (a group with its memberships). A lookup stream (one a
 * selected derived stream reads) keeps its records for the run, and is read even when the interrupted sync this one
 * resumes already delivered it (then without emitting).
 */
export const workspaceList: Strategy<WorkspaceListBookmark> = {
  kind: "workspace-list",
  placement: { at: "root", phase: () => "workspace", order: 1 },
  followsParentVersion: false,
  parseBookmark: parseCompletion,
  async open(ctx, definition) {
    const children = await ctx.openChildren(definition);
    return {
      definition,
      visit: (node) => readList(ctx, definition, children, node),
      finish: async () => {
        for (const child of children) await child.finish(null);
      },
    };
  },
};

async function readList(
  ctx: SyncContext,
  definition: StreamDefinition,
  children: readonly StreamWalk[],
  node: ParentNode,
): Promise<void> {
  const lookup = ctx.plan.lookups.has(definition.name);
  const delivered = completedThisSync(ctx, definition.name);
  if (delivered && !lookup) {
    ctx.logger.info(`stream ${definition.name}: already completed by the interrupted sync this run resumes; skipped`);
    return;
  }
  const { context } = node;
  const unit = ctx.output.unit();
  const emit = ctx.selected.has(definition.name) && !delivered;
  const take = (item: JsonObject): void => {
    if (emit) unit.add(definition.name, item, context);
    if (lookup) ctx.lookups.add(definition.name, item);
  };
  const outcome = await tolerating(ctx, definition, `workspace ${ctx.config.workspace}`, async () => {
    if (definition.kind === "object") {
      if (definition.path === null) return;
      take(
        await ctx.client.getJson({
          path: fillPath(definition.path, context),
          template: definition.path,
          signal: ctx.signal,
        }),
      );
      return;
    }
    for await (const page of listPages(ctx, definition, context)) {
      for (const item of page.items) {
        take(item);
        if (!delivered) await visitChildren(children, definition, item, context, unit);
      }
    }
  });
  if (outcome !== undefined || delivered) return;
  markCompleted(ctx, unit, definition.name);
  await ctx.output.commit(unit);
}
