import { InputError } from "./errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./json.js";

/** Bumped when the meaning of a bookmark changes (Singer SPEC.md "Versioning": state interpretation is a contract). */
export const STATE_FORMAT_VERSION = 1;

/** A bad --state file or an unreadable state value: exit 2, one line. */
export class StateError extends InputError {
  override readonly name = "StateError";
}

/**
 * The bookmarks, per stream. Each walk strategy owns the type of its streams' bookmarks and checks it when the state
 * is loaded (src/sync/bookmarks.ts; the types are in src/sync/strategies/<walk>.ts), so here they are plain JSON.
 */
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
 * writes (`bookmarks.reports.partitions[{context, replication_key_value}]`, docs/singer-notes.md §3.8 and §3.15),
 * which is migrated to a reports watermark. Anything else is rejected with a message rather than misread.
 */
export function parseState(value: JsonValue, label: string): TapState {
  if (!isJsonObject(value))
    throw new StateError(
      `state ${label}: must be a JSON object, found ` +
        `${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`,
    );
  const state = emptyState();
  if (Object.keys(value).length === 0) return state;
  const marker = value.tap_mode;
  if (marker !== undefined) {
    if (!isJsonObject(marker) || typeof marker.format_version !== "number")
      throw new StateError(`state ${label}: "tap_mode.format_version" must be a number`);
    if (marker.format_version > STATE_FORMAT_VERSION) {
      throw new StateError(
        `state ${label}: written by a newer tap-mode (state format ${marker.format_version}, this version ` +
          `reads up to ${STATE_FORMAT_VERSION}); upgrade tap-mode or start without --state`,
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
