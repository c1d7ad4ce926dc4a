import type { JsonObject } from "../../json.js";
import type { StreamDefinition } from "../../streams/types.js";
import { completedThisSync, markCompleted, type CompletionMarkers } from "../completion.js";
import type { ParentNode, Strategy, StreamWalk, SyncContext } from "../context.js";
import { fillPath, listPages, tolerating } from "../lists.js";
import { parseFullReadBookmark, TableRead, type TableVersionFields } from "../table-versions.js";
import { visitChildren } from "./nodes.js";

/**
 * A workspace-level list read whole every sync: the resume markers of an unfinished sync, and the version of its
 * latest read (table-versions.ts).
 */
export type WorkspaceListBookmark = CompletionMarkers & TableVersionFields;

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
  fullReads: "always",
  parseBookmark: parseFullReadBookmark,
  async open(ctx, definition) {
    const children = await ctx.openChildren(definition);
    return {
      definition,
      visit: (node) => readList(ctx, definition, children, node),
      // The children end their reads in readList, inside the list's unit.
      finish: async () => undefined,
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
    for (const child of children) await child.finish(null);
    return;
  }
  const { context } = node;
  const emit = ctx.selected.has(definition.name) && !delivered;
  // Read from the start every time: a new version, begun once Mode answers (before the first record) and activated
  // with the unit below when the read completes.
  let read: TableRead | undefined;
  let begun = false;
  const begin = async (): Promise<void> => {
    if (begun || !emit) return;
    begun = true;
    read = await TableRead.begin(ctx, definition, "restart");
  };
  const unit = ctx.output.unit();
  const listed = new Set<string>();
  const take = (item: JsonObject): void => {
    if (emit) unit.add(definition.name, item, context);
    if (lookup) ctx.lookups.add(definition.name, item);
  };
  const outcome = await tolerating(ctx, definition, `workspace ${ctx.config.workspace}`, async () => {
    if (definition.kind === "object") {
      if (definition.path === null) return;
      const object = await ctx.client.getJson({
        path: fillPath(definition.path, context),
        template: definition.path,
        signal: ctx.signal,
      });
      await begin();
      take(object);
      return;
    }
    for await (const page of listPages(ctx, definition, context)) {
      await begin();
      for (const item of page.items) {
        take(item);
        if (typeof item.token === "string") listed.add(item.token);
        if (!delivered) await visitChildren(children, definition, item, context, unit);
      }
    }
  });
  const complete = outcome === undefined && !delivered;
  // The children's reads end in this unit, so their activations follow their last records (the whole list's).
  for (const child of children) await child.finish(complete ? listed : null, complete ? unit : undefined);
  if (!complete) return;
  read?.end(unit);
  markCompleted(ctx, unit, definition.name);
  await ctx.output.commit(unit);
}
