import { isNeeded, type SyncContext } from "./context.js";
import { tokenOf } from "../streams/tokens.js";
import { listPages, tolerating } from "./lists.js";
import { TaskPool } from "./task-pool.js";
import { VersionedParents } from "./versioned-parents.js";
import { neededChildren } from "./children.js";
import { fullTableDone, markFullTableDone } from "./full-table.js";

/** Space-level children walked in full every sync (no timestamps to compare: mode-api notes §3.2). */
const VERSIONED = new Set(["reports", "datasets"]);

/**
 * The hierarchy walk: spaces -> (reports | datasets) -> children and runs, plus space memberships. Spaces are listed
 * once; each space's report and dataset pages are read in turn while a pool of report tasks fetches children
 * concurrently, so the client's rate limiter always has queued work and the budget is used fully.
 */
export async function walkSpaces(ctx: SyncContext): Promise<void> {
  const spaces = ctx.definitions.get("spaces");
  if (!spaces || !isNeeded(ctx, "spaces")) return;
  const parents = neededChildren(ctx, "spaces")
    .filter((d) => VERSIONED.has(d.name))
    .map((d) => new VersionedParents(ctx, d));
  const others = neededChildren(ctx, "spaces").filter((d) => !VERSIONED.has(d.name));
  const emitSpaces = ctx.selected.has("spaces") && !fullTableDone(ctx, "spaces");
  const spacePool = new TaskPool(2);
  const parentPool = new TaskPool(Math.max(2, ctx.config.maxConcurrency * 2));
  const listed = new Set<string>();
  let spacesComplete = false;

  const walkOneSpace = async (spaceToken: string): Promise<void> => {
    const context = { workspace: ctx.config.workspace, space: spaceToken };
    for (const definition of others) {
      if (fullTableDone(ctx, definition.name, spaceToken)) continue;
      const unit = ctx.output.unit();
      const outcome = await tolerating(ctx, definition, `space ${spaceToken}`, async () => {
        for await (const page of listPages(ctx, definition, context))
          for (const item of page.items)
            if (ctx.selected.has(definition.name)) unit.add(definition.name, item, context);
      });
      if (outcome === undefined) {
        markFullTableDone(ctx, unit, definition.name, spaceToken);
        await ctx.output.commit(unit);
      }
    }
    for (const parent of parents) {
      const outcome = await tolerating(ctx, parent.definition, `space ${spaceToken}`, async () => {
        for await (const page of listPages(ctx, parent.definition, context)) {
          if (page.pageNumber === 1 && page.totalCount !== undefined)
            ctx.progress.addExpected(parent.definition.name, page.totalCount);
          for (const item of page.items) {
            const token = tokenOf(item, "token", parent.definition.name);
            await parentPool.run(() => parent.sync(item, token, spaceToken, context));
          }
        }
      });
      if (outcome === undefined) parent.spaceListed(spaceToken);
    }
    ctx.progress.done("spaces");
  };

  let outcome;
  try {
    outcome = await tolerating(ctx, spaces, "the spaces list", async () => {
      for await (const page of listPages(ctx, spaces, { workspace: ctx.config.workspace })) {
        if (page.pageNumber === 1) ctx.progress.addExpected("spaces", page.totalCount ?? page.items.length);
        else if (page.totalCount === undefined) ctx.progress.addExpected("spaces", page.items.length);
        const unit = ctx.output.unit();
        const tokens = page.items.map((item) => tokenOf(item, "token", "spaces"));
        for (const token of tokens) listed.add(token);
        if (emitSpaces) for (const item of page.items) unit.add("spaces", item, { workspace: ctx.config.workspace });
        if (unit.records.length > 0) await ctx.output.commit(unit);
        for (const token of tokens) await spacePool.run(() => walkOneSpace(token));
      }
      spacesComplete = true;
    });
    await spacePool.drain();
    await parentPool.drain();
  } catch (error) {
    // Stop the tasks still in flight before reporting the failure, so no request outlives the sync.
    ctx.abort(error);
    await Promise.allSettled([spacePool.drain(), parentPool.drain()]);
    throw error;
  }
  if (outcome === undefined && emitSpaces) {
    const unit = ctx.output.unit();
    markFullTableDone(ctx, unit, "spaces");
    await ctx.output.commit(unit);
  }
  for (const parent of parents) {
    await parent.reportDeletions(spacesComplete ? listed : null);
    await parent.finish();
  }
}
