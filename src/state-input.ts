import { readJsonObjectFile } from "./config.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./json.js";
import { StateError, parseState, type TapState } from "./state.js";
import { closestName } from "./suggest.js";

/** A --state file as read, with what is worth telling about it (one line each, logged once the run's logger exists). */
export interface StateInput {
  readonly state: TapState;
  readonly info: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Reads a --state file as people have them, not only as this tap writes them (the value of the last STATE message):
 * - Meltano's `{"singer_state": {...}}`, what `meltano state get` prints
 *   (https://docs.meltano.com/reference/command-line-interface#state);
 * - a whole STATE message line, `{"type": "STATE", "value": {...}}`, what `tail -1` of a tap's or target's output gives
 *   (https://github.com/singer-io/getting-started/blob/master/docs/SPEC.md#state-message).
 * Each is unwrapped with one INFO line; the rest is parseState's (src/state.ts).
 */
export function readStateFile(path: string, streams: readonly string[]): StateInput {
  const { value, unwrapped } = unwrapState(readJsonObjectFile(path, "state", StateError), path);
  const state = parseState(value, path);
  const info = unwrapped.length > 0 ? [`state ${path}: read ${unwrapped.join(", then ")}`] : [];
  const migrated = Object.entries(state.bookmarks).filter(([, b]) => typeof b.migrated_from === "string");
  if (migrated.length > 0)
    info.push(
      `state ${path}: Meltano-SDK-style bookmarks migrated (${migrated
        .map(([stream, b]) => `${stream}: ${describeWatermark(b)}`)
        .join("; ")})`,
    );
  return { state, info, warnings: unknownStreams(state, path, streams) };
}

/** Peels the wrappers a state value comes in, outermost first, naming each one it peeled. */
export function unwrapState(value: JsonObject, label: string): { value: JsonValue; unwrapped: string[] } {
  const unwrapped: string[] = [];
  let current: JsonValue = value;
  for (;;) {
    if (!isJsonObject(current) || current.bookmarks !== undefined) return { value: current, unwrapped };
    if (typeof current.type === "string") {
      if (current.type !== "STATE")
        throw new StateError(
          `state ${label}: is a Singer ${current.type} message, not a state; pass the "value" of the last ` +
            `STATE message`,
        );
      if (current.value === undefined) throw new StateError(`state ${label}: is a STATE message without a "value"`);
      unwrapped.push('the "value" of a STATE message ({"type": "STATE", "value": ...})');
      current = current.value;
    } else if (current.singer_state !== undefined) {
      unwrapped.push(`the "singer_state" of Meltano's state ({"singer_state": ...})`);
      current = current.singer_state;
    } else return { value: current, unwrapped };
  }
}

function describeWatermark(bookmark: JsonObject): string {
  const key = typeof bookmark.replication_key === "string" ? bookmark.replication_key : "updated_at";
  return typeof bookmark.replication_key_value === "string"
    ? `partitions -> ${key} >= ${bookmark.replication_key_value}`
    : "partitions without a value -> a full sync";
}

/** One warning naming the bookmarks no stream of this tap reads (kept in the state as they are, but unused). */
function unknownStreams(state: TapState, label: string, streams: readonly string[]): string[] {
  const known = new Set(streams);
  const unknown = Object.keys(state.bookmarks).filter((stream) => !known.has(stream));
  if (unknown.length === 0) return [];
  const names = unknown.map((stream) => {
    const suggestion = closestName(stream, streams);
    return suggestion === undefined ? `"${stream}"` : `"${stream}" (did you mean "${suggestion}"?)`;
  });
  return [`state ${label}: bookmarks for streams tap-mode does not have are not used: ${names.join(", ")}`];
}
