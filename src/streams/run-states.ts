/**
 * Mode's report-run states, the one definition the sync (run bookmarks) and the report results (waiting for a run)
 * share (docs/mode-api.md §4): `succeeded` (and `completed`, which ends notebook reports) is a success, `failed` and
 * `cancelled` are failures, and `pending`, `enqueued`, `running`, `running_notebook` are in progress.
 *
 * A state Mode may add later (or none at all) counts as in progress. That is the safe side for both users: a run
 * bookmark keeps an in-progress run "open" and lists the parent's runs again next sync until the run reaches a known
 * final state, so a final state is never missed (the cost is one listing per sync); guessing it final instead would
 * freeze the record at whatever the new state was. Waiting for a run polls until the timeout rather than reading the
 * results of a run that may not have any.
 */
export type RunOutcome = "succeeded" | "failed" | "in-progress";

const SUCCEEDED: ReadonlySet<string> = new Set(["succeeded", "completed"]);
const FAILED: ReadonlySet<string> = new Set(["failed", "cancelled"]);

/** What a run's (or query run's) `state` means. */
export function runOutcome(state: unknown): RunOutcome {
  if (typeof state !== "string") return "in-progress";
  if (SUCCEEDED.has(state)) return "succeeded";
  if (FAILED.has(state)) return "failed";
  return "in-progress";
}

/** Whether a run may still change (its final state is not known yet). */
export function runInProgress(state: unknown): boolean {
  return runOutcome(state) === "in-progress";
}
