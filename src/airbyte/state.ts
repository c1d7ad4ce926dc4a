import { isJsonObject, type JsonObject, type JsonValue } from "../json.js";
import { STATE_FORMAT_VERSION, StateError, parseState, type TapState } from "../state.js";
import type { ConfiguredStream } from "./catalog.js";

/**
 * How the tap's Singer state maps onto Airbyte's per-stream state (AirbyteStateType STREAM,
 * docs/singer-notes.md §4.2).
 *
 * Each stream's `stream_state` is
 *
 *     { "bookmark": <bookmarks.<stream> of the Singer state, absent when the stream has none>,
 *       "tap_mode": { "format_version", "currently_syncing", "sync_started_at"?, "other_bookmarks"?,
 *                     "checkpoint": { "sequence", "at" } } }
 *
 * The `tap_mode` block carries the run-wide resume fields (the sync being resumed, the phase it was in) and the
 * bookmarks of streams outside the configured catalog (parents walked to reach a selected child, e.g. `reports` when
 * only `runs` is selected). Every checkpoint writes one STATE per configured stream, all with the same block, so each
 * stream's state always holds a complete copy. The platform persists a prefix of the STATE messages, so after a
 * failure some streams may hold an older copy than others: reading takes the block with the highest `sequence`
 * (which continues across runs), and each stream's own bookmark from its own state.
 */
export interface ResumeBlock {
  readonly format_version: number;
  readonly currently_syncing: string | null;
  readonly sync_started_at?: string;
  readonly other_bookmarks?: JsonObject;
  readonly checkpoint: { readonly sequence: number; readonly at: string };
}

/** The stream states of one checkpoint: one entry per configured stream, in catalog order. */
export function streamStatesFor(
  value: JsonValue,
  streams: readonly string[],
  checkpoint: ResumeBlock["checkpoint"],
): Array<{ stream: string; state: JsonObject }> {
  const state = isJsonObject(value) ? value : {};
  const bookmarks = isJsonObject(state.bookmarks) ? state.bookmarks : {};
  const marker = isJsonObject(state.tap_mode) ? state.tap_mode : {};
  const configured = new Set(streams);
  const others = Object.fromEntries(Object.entries(bookmarks).filter(([stream]) => !configured.has(stream)));
  const block: JsonObject = {
    format_version: typeof marker.format_version === "number" ? marker.format_version : STATE_FORMAT_VERSION,
    currently_syncing: typeof state.currently_syncing === "string" ? state.currently_syncing : null,
    ...(typeof marker.sync_started_at === "string" ? { sync_started_at: marker.sync_started_at } : {}),
    ...(Object.keys(others).length > 0 ? { other_bookmarks: others } : {}),
    checkpoint: { ...checkpoint },
  };
  return streams.map((stream) => {
    const bookmark = bookmarks[stream];
    const streamState: JsonObject = isJsonObject(bookmark) ? { bookmark, tap_mode: block } : { tap_mode: block };
    return { stream, state: streamState };
  });
}

/** The Singer state an Airbyte `--state` value stands for, and where the checkpoint sequence continues. */
export interface ResumedState {
  readonly state: TapState;
  /** Highest checkpoint sequence read (0 without one): the next run's checkpoints count on from here. */
  readonly sequence: number;
}

/**
 * Reads the `--state` of `airbyte read`: a list of AirbyteStateMessage (what the platform passes), or a legacy object
 * (the CDK accepts one and treats it as the state data, docs/singer-notes.md §4.2). STREAM entries are read as written
 * by `streamStatesFor`; LEGACY entries (`data`, as base-singer wrapped a Singer tap's STATE,
 * docs/singer-notes.md §4.3) hold a Singer state. Bookmarks of `full_refresh` streams are dropped, so those streams
 * are read in full; a configured stream's bookmark comes only from its own stream state (a stream just added to the
 * connection starts from scratch). Anything else is a StateError naming the entry.
 */
export function resumeFromAirbyteState(
  value: JsonValue,
  label: string,
  configured: readonly ConfiguredStream[],
): ResumedState {
  const fullRefresh = new Set(configured.filter((s) => s.syncMode === "full_refresh").map((s) => s.name));
  const names = new Set(configured.map((s) => s.name));
  const withoutFullRefresh = (state: TapState): TapState => {
    for (const stream of fullRefresh) delete state.bookmarks[stream];
    return state;
  };
  if (!Array.isArray(value)) {
    if (!isJsonObject(value))
      throw new StateError(`state ${label}: must hold a list of Airbyte state messages (or a legacy state object)`);
    return { state: withoutFullRefresh(parseState(legacyData(value, label), label)), sequence: 0 };
  }
  const streamEntries: Array<{ name: string; state: JsonObject }> = [];
  let legacy: JsonObject | undefined;
  value.forEach((item, index) => {
    const at = `state ${label}: [${index}]`;
    if (!isJsonObject(item)) throw new StateError(`${at} is not an Airbyte state message`);
    const type = item.type ?? (item.stream !== undefined ? "STREAM" : "LEGACY");
    if (type === "GLOBAL")
      throw new StateError(`${at} is a GLOBAL state; tap-mode writes per-stream (STREAM) state only`);
    if (type === "LEGACY") {
      if (!isJsonObject(item.data)) throw new StateError(`${at} is a LEGACY state without a "data" object`);
      legacy = item.data;
      return;
    }
    if (type !== "STREAM") throw new StateError(`${at} has an unknown state type ${JSON.stringify(type)}`);
    const stream = item.stream;
    if (
      !isJsonObject(stream) ||
      !isJsonObject(stream.stream_descriptor) ||
      typeof stream.stream_descriptor.name !== "string"
    ) {
      throw new StateError(`${at} is a STREAM state without stream.stream_descriptor.name`);
    }
    const name = stream.stream_descriptor.name;
    const streamState = stream.stream_state ?? {};
    if (!isJsonObject(streamState)) throw new StateError(`${at} ("${name}"): stream_state must be an object`);
    const foreign = Object.keys(streamState).filter((key) => key !== "bookmark" && key !== "tap_mode");
    if (foreign.length > 0)
      throw new StateError(
        `${at} ("${name}"): stream_state was not written by tap-mode (unexpected ` +
          `${foreign.map((k) => `"${k}"`).join(", ")})`,
      );
    if (streamState.bookmark !== undefined && !isJsonObject(streamState.bookmark))
      throw new StateError(`${at} ("${name}"): stream_state.bookmark must be an object`);
    if (streamState.tap_mode !== undefined && !isJsonObject(streamState.tap_mode))
      throw new StateError(`${at} ("${name}"): stream_state.tap_mode must be an object`);
    streamEntries.push({ name, state: streamState });
  });
  if (legacy !== undefined && streamEntries.length > 0)
    throw new StateError(`state ${label}: mixes LEGACY and STREAM states`);
  if (legacy !== undefined)
    return { state: withoutFullRefresh(parseState(legacyData(legacy, label), label)), sequence: 0 };

  let newest: JsonObject | undefined;
  let newestSequence = -1;
  for (const entry of streamEntries) {
    const block = entry.state.tap_mode;
    if (!isJsonObject(block)) continue;
    const sequence =
      isJsonObject(block.checkpoint) && typeof block.checkpoint.sequence === "number" ? block.checkpoint.sequence : 0;
    if (sequence > newestSequence) {
      newest = block;
      newestSequence = sequence;
    }
  }
  const bookmarks: JsonObject = {};
  if (newest !== undefined && newest.other_bookmarks !== undefined) {
    if (!isJsonObject(newest.other_bookmarks))
      throw new StateError(`state ${label}: tap_mode.other_bookmarks must be an object`);
    for (const [stream, bookmark] of Object.entries(newest.other_bookmarks))
      if (!names.has(stream)) bookmarks[stream] = bookmark;
  }
  for (const entry of streamEntries) {
    if (names.has(entry.name) && entry.state.bookmark !== undefined) bookmarks[entry.name] = entry.state.bookmark;
  }
  const singer: JsonObject = {
    bookmarks,
    currently_syncing: typeof newest?.currently_syncing === "string" ? newest.currently_syncing : null,
    tap_mode: {
      format_version: typeof newest?.format_version === "number" ? newest.format_version : STATE_FORMAT_VERSION,
      ...(typeof newest?.sync_started_at === "string" ? { sync_started_at: newest.sync_started_at } : {}),
    },
  };
  return { state: withoutFullRefresh(parseState(singer, label)), sequence: Math.max(0, newestSequence) };
}

// A legacy state is the Singer state itself; `{}` (an empty legacy state) is no state.
function legacyData(value: JsonObject, label: string): JsonObject {
  if (
    value.type !== undefined &&
    (value.stream !== undefined || value.global !== undefined || value.data !== undefined)
  ) {
    throw new StateError(`state ${label}: a single state message must be wrapped in a list`);
  }
  return value;
}
