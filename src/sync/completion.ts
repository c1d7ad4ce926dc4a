import type { JsonObject } from "../json.js";
import { optionalString, optionalStringMap } from "./bookmark-fields.js";
import type { SyncContext } from "./context.js";
import type { Unit } from "./output.js";

/**
 * "Completed in this sync" markers. Streams read in full have no bookmark to resume from, so while a sync is
 * unfinished each records which sync completed it (`completed_sync`, or `completed_parents` keyed by parent token where
 * the list is read per parent). A run resumed from a mid-sync STATE skips what the interrupted run already delivered
 * instead of emitting it twice; the final STATE drops these markers. Any strategy's bookmark may carry them.
 */
export interface CompletionMarkers {
  readonly completed_sync?: string;
  readonly completed_parents?: Readonly<Record<string, string>>;
}

export function parseCompletion(raw: JsonObject, field: string): CompletionMarkers {
  const completedSync = optionalString(raw, "completed_sync", field);
  const completedParents = optionalStringMap(raw, "completed_parents", field);
  return {
    ...(completedSync === undefined ? {} : { completed_sync: completedSync }),
    ...(completedParents === undefined ? {} : { completed_parents: completedParents }),
  };
}

/** Whether this sync (or the one it resumes) already completed `stream` (for one parent, with `parentToken`). */
export function completedThisSync(ctx: SyncContext, stream: string, parentToken?: string): boolean {
  const bookmark = ctx.output.state.bookmarks[stream] as CompletionMarkers | undefined;
  if (bookmark === undefined) return false;
  if (parentToken === undefined) return bookmark.completed_sync === ctx.syncId;
  return bookmark.completed_parents?.[parentToken] === ctx.syncId;
}

/** Adds the "completed in this sync" marker to a unit's commit. */
export function markCompleted(ctx: SyncContext, unit: Unit, stream: string, parentToken?: string): void {
  unit.onCommit((state) => {
    const bookmark = (state.bookmarks[stream] ??= {});
    if (parentToken === undefined) {
      bookmark.completed_sync = ctx.syncId;
      return;
    }
    const parents = (bookmark.completed_parents ??= {}) as Record<string, string>;
    parents[parentToken] = ctx.syncId;
  });
}

/** The final STATE carries no resume markers: the next sync is a new one and reads every full-table stream again. */
export function clearCompletionMarkers(ctx: SyncContext): Promise<void> {
  return ctx.output.update((state) => {
    for (const bookmark of Object.values(state.bookmarks)) {
      delete bookmark.completed_sync;
      delete bookmark.completed_parents;
    }
  });
}
