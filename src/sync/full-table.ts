import { isJsonObject } from "../json.js";
import type { SyncContext } from "./context.js";
import type { Unit } from "./output.js";

/**
 * Full-table streams have no bookmark to resume from, so while a sync is unfinished each records which sync completed
 * it (`completed_sync`, keyed per parent where the list is per parent). A run resumed from a mid-sync STATE skips what
 * the interrupted run already delivered instead of emitting it twice; the final STATE drops these markers.
 */
export function fullTableDone(ctx: SyncContext, stream: string, parentToken?: string): boolean {
  const bookmark = ctx.output.state.bookmarks[stream];
  if (!bookmark) return false;
  if (parentToken === undefined) return bookmark.completed_sync === ctx.syncId;
  const done = bookmark.completed_parents;
  return isJsonObject(done) && done[parentToken] === ctx.syncId;
}

/** Adds the "completed in this sync" marker to a unit's commit. */
export function markFullTableDone(ctx: SyncContext, unit: Unit, stream: string, parentToken?: string): void {
  unit.onCommit((state) => {
    const bookmark = (state.bookmarks[stream] ??= {});
    if (parentToken === undefined) {
      bookmark.completed_sync = ctx.syncId;
      return;
    }
    if (!isJsonObject(bookmark.completed_parents)) bookmark.completed_parents = {};
    (bookmark.completed_parents as Record<string, string>)[parentToken] = ctx.syncId;
  });
}

/** The final STATE carries no resume markers: the next sync is a new one and reads every full-table stream again. */
export function clearFullTableMarkers(ctx: SyncContext): Promise<void> {
  return ctx.output.update((state) => {
    for (const bookmark of Object.values(state.bookmarks)) {
      delete bookmark.completed_sync;
      delete bookmark.completed_parents;
    }
  });
}
