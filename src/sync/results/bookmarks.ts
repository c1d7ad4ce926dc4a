import { isJsonObject, type JsonObject } from "../../json.js";
import type { TapState } from "../../state.js";

/** What was last extracted for one report: `state.bookmarks.<results stream>.partitions[<report token>]`. */
export interface ResultsPartition {
  /** Token of the report run whose results were extracted. */
  readonly run_token: string;
  /** That run's `completed_at` (UTC, null when Mode gave none). */
  readonly completed_at: string | null;
  /**
   * The sync that extracted it (SyncContext.syncId). A sync resumed after an interruption keeps the interrupted one's
   * id, so with `trigger_run` it does not run again the reports that sync already extracted.
   */
  readonly sync_id?: string;
}

/** The partition of a report, if its results were ever extracted (a malformed entry counts as none). */
export function extractedRun(state: TapState, stream: string, report: string): ResultsPartition | undefined {
  const partitions = state.bookmarks[stream]?.partitions;
  if (!isJsonObject(partitions)) return undefined;
  const entry = partitions[report];
  if (!isJsonObject(entry) || typeof entry.run_token !== "string") return undefined;
  return {
    run_token: entry.run_token,
    completed_at: typeof entry.completed_at === "string" ? entry.completed_at : null,
    ...(typeof entry.sync_id === "string" ? { sync_id: entry.sync_id } : {}),
  };
}

/**
 * Whether a run is already covered by the partition: the same run, or one that completed before the extracted one
 * (runs are immutable once complete, so their results never need a second extraction).
 */
export function alreadyExtracted(
  partition: ResultsPartition | undefined,
  runToken: string,
  completedAt: string | null,
): boolean {
  if (partition === undefined) return false;
  if (partition.run_token === runToken) return true;
  return completedAt !== null && partition.completed_at !== null && completedAt < partition.completed_at;
}

/** Records that a run's results were extracted (applied at the commit of the report's last unit). */
export function markExtracted(state: TapState, stream: string, report: string, partition: ResultsPartition): void {
  const bookmark = (state.bookmarks[stream] ??= {});
  if (!isJsonObject(bookmark.partitions)) bookmark.partitions = {};
  (bookmark.partitions as JsonObject)[report] = {
    run_token: partition.run_token,
    completed_at: partition.completed_at,
    ...(partition.sync_id === undefined ? {} : { sync_id: partition.sync_id }),
  };
}
