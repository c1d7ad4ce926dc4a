import type { JsonObject, JsonValue } from "../json.js";

/**
 * Singer messages, field for field as singer-python writes them (Singer SPEC.md; singer-python `messages.py`):
 * upper-case `type`, `key_properties` always present on SCHEMA, `bookmark_properties` only when there is one,
 * `time_extracted` RFC 3339 UTC, `version` only for versioned (ACTIVATE_VERSION) streams.
 */
export interface SchemaMessage {
  readonly type: "SCHEMA";
  readonly stream: string;
  readonly schema: JsonObject;
  readonly key_properties: readonly string[];
  readonly bookmark_properties?: readonly string[];
}

export interface RecordMessage {
  readonly type: "RECORD";
  readonly stream: string;
  readonly record: Readonly<Record<string, unknown>>;
  readonly time_extracted?: string;
  readonly version?: number;
}

export interface StateMessage {
  readonly type: "STATE";
  readonly value: JsonValue;
}

export interface ActivateVersionMessage {
  readonly type: "ACTIVATE_VERSION";
  readonly stream: string;
  readonly version: number;
}

export type SingerMessage = SchemaMessage | RecordMessage | StateMessage | ActivateVersionMessage;

export const SINGER_MESSAGE_TYPES: ReadonlySet<string> = new Set(["SCHEMA", "RECORD", "STATE", "ACTIVATE_VERSION"]);

export function schemaMessage(
  stream: string,
  schema: JsonObject,
  keyProperties: readonly string[],
  bookmarkProperties?: readonly string[],
): SchemaMessage {
  return bookmarkProperties && bookmarkProperties.length > 0
    ? { type: "SCHEMA", stream, schema, key_properties: keyProperties, bookmark_properties: bookmarkProperties }
    : { type: "SCHEMA", stream, schema, key_properties: keyProperties };
}

/**
 * RECORD with its keys in singer-python's order: type, stream, record, version (only on a versioned read), then
 * time_extracted (singer-python `RecordMessage.asdict`).
 */
export function recordMessage(
  stream: string,
  record: Readonly<Record<string, unknown>>,
  timeExtracted?: string,
  version?: number,
): RecordMessage {
  if (version === undefined) {
    return timeExtracted === undefined
      ? { type: "RECORD", stream, record }
      : { type: "RECORD", stream, record, time_extracted: timeExtracted };
  }
  return timeExtracted === undefined
    ? { type: "RECORD", stream, record, version }
    : { type: "RECORD", stream, record, version, time_extracted: timeExtracted };
}

/**
 * ACTIVATE_VERSION: {"type", "stream", "version"} as singer-python writes it. It tells the target that the read which
 * tagged its RECORDs with `version` is complete, so rows of older versions can be deleted (docs/deletions.md).
 */
export function activateVersionMessage(stream: string, version: number): ActivateVersionMessage {
  return { type: "ACTIVATE_VERSION", stream, version };
}

export function stateMessage(value: JsonValue): StateMessage {
  return { type: "STATE", value };
}
