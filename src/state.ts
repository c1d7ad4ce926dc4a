import { InputError } from "./errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./json.js";

/** Bumped when the meaning of a bookmark changes (Singer SPEC.md "Versioning": state interpretation is a contract). */
export const STATE_FORMAT_VERSION = 1;

/** A bad --state file or an unreadable state value: exit 2, one line. */
export class StateError extends InputError {
  override readonly name = "StateError";
}

/** Per-report (or per-dataset) bookmark of the runs stream: a partition keyed by the parent token. */
export interface RunsPartition {
  /** Newest replication-key value emitted for this parent (compared with >=). */
  value: string;
  /** The parent's `last_run_at` when its runs were last listed: runs are listed again only when it moves. */
  last_run_at: string | null;
  /** A run was still in progress (enqueued/pending/running_notebook): list again until it ends. */
  open?: boolean;
  /** The oldest replication-key value among those open runs: the next listing reaches back to it. */
  open_from?: string;
  /** Finished runs whose key equals `value`: re-emitted next time (>=) without fetching their query runs again. */
  at_value?: string[];
}

/** Bookmark of a versioned parent stream (reports, datasets): which version of each parent has been fully synced. */
export interface VersionedBookmark {
  replication_key: string;
  /** Highest updated_at among fully synced parents, capped at the sync start (the signpost, singer.md §1.5). */
  replication_key_value: string | null;
  /** space token -> parent token -> updated_at of the version whose children were synced. */
  versions: Record<string, Record<string, string>>;
  /** The child streams that were synced with these versions; a change of selection re-syncs every parent once. */
  children: string[];
}

export interface TapState {
  bookmarks: Record<string, JsonObject>;
  currently_syncing: string | null;
  tap_mode: {
    format_version: number;
    /** Present only while a sync is unfinished: lets a resumed run skip full-table streams it already completed. */
    sync_started_at?: string;
  };
}

export function emptyState(): TapState {
  return { bookmarks: {}, currently_syncing: null, tap_mode: { format_version: STATE_FORMAT_VERSION } };
}

/**
 * Reads a --state value. Accepts this tap's own format, `{}`, and a Meltano-SDK style state such as franloza/tap-mode
 * writes (`bookmarks.reports.partitions[{context, replication_key_value}]`, singer.md §3.8 and §3.15), which is migrated
 * to a reports watermark. Anything else is rejected with a message rather than misread.
 */
export function parseState(value: JsonValue, label: string): TapState {
  if (!isJsonObject(value))
    throw new StateError(
      `state ${label}: must be a JSON object, found ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`,
    );
  const state = emptyState();
  if (Object.keys(value).length === 0) return state;
  const marker = value.tap_mode;
  if (marker !== undefined) {
    if (!isJsonObject(marker) || typeof marker.format_version !== "number")
      throw new StateError(`state ${label}: "tap_mode.format_version" must be a number`);
    if (marker.format_version > STATE_FORMAT_VERSION) {
      throw new StateError(
        `state ${label}: written by a newer tap-mode (state format ${marker.format_version}, this version reads up to ${STATE_FORMAT_VERSION}); upgrade tap-mode or start without --state`,
      );
    }
    if (typeof marker.sync_started_at === "string") state.tap_mode.sync_started_at = marker.sync_started_at;
  }
  const bookmarks = value.bookmarks;
  if (bookmarks === undefined) {
    throw new StateError(
      `state ${label}: has no "bookmarks" object (expected {"bookmarks": {...}, "currently_syncing": ...})`,
    );
  }
  if (!isJsonObject(bookmarks)) throw new StateError(`state ${label}: "bookmarks" must be an object`);
  for (const [stream, bookmark] of Object.entries(bookmarks)) {
    if (!isJsonObject(bookmark)) throw new StateError(`state ${label}: "bookmarks.${stream}" must be an object`);
    state.bookmarks[stream] = marker === undefined ? migrateSdkBookmark(stream, bookmark) : bookmark;
  }
  const syncing = value.currently_syncing;
  if (syncing !== undefined && syncing !== null && typeof syncing !== "string")
    throw new StateError(`state ${label}: "currently_syncing" must be a stream name or null`);
  state.currently_syncing = typeof syncing === "string" ? syncing : null;
  validateOwnBookmarks(state, label);
  return state;
}

/** SDK partitions carry one replication_key_value per context; the highest becomes our watermark. */
function migrateSdkBookmark(stream: string, bookmark: JsonObject): JsonObject {
  const partitions = bookmark.partitions;
  if (!Array.isArray(partitions)) return bookmark;
  let max: string | null = null;
  for (const partition of partitions) {
    if (isJsonObject(partition) && typeof partition.replication_key_value === "string") {
      if (max === null || partition.replication_key_value > max) max = partition.replication_key_value;
    }
  }
  const key = partitions.find((p) => isJsonObject(p) && typeof p.replication_key === "string");
  return {
    replication_key: isJsonObject(key) ? (key.replication_key as string) : "updated_at",
    replication_key_value: max,
    migrated_from: `sdk-partitions:${stream}`,
  };
}

function validateOwnBookmarks(state: TapState, label: string): void {
  for (const [stream, bookmark] of Object.entries(state.bookmarks)) {
    const rkv = bookmark.replication_key_value;
    if (rkv !== undefined && rkv !== null && (typeof rkv !== "string" || Number.isNaN(Date.parse(rkv)))) {
      throw new StateError(`state ${label}: "bookmarks.${stream}.replication_key_value" must be an ISO 8601 timestamp`);
    }
    if (bookmark.versions !== undefined && !isJsonObject(bookmark.versions))
      throw new StateError(`state ${label}: "bookmarks.${stream}.versions" must be an object`);
    if (bookmark.partitions !== undefined && !isJsonObject(bookmark.partitions))
      throw new StateError(`state ${label}: "bookmarks.${stream}.partitions" must be an object`);
  }
}
