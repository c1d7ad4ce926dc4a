import type { JsonObject, JsonValue } from "../json.js";
import type { LineWriter } from "./line-writer.js";
import { activateVersionMessage, recordMessage, schemaMessage, stateMessage } from "./messages.js";

/**
 * What the sync engine emits, independent of the wire protocol: the Singer output below, or the Airbyte protocol
 * adapter. Each method resolves when the message is written (or buffered within the pipe's limit).
 */
export interface MessageSink {
  schema(
    stream: string,
    schema: JsonObject,
    keyProperties: readonly string[],
    bookmarkProperties?: readonly string[],
  ): Promise<void>;
  /** `version` is set on the records of a versioned FULL_TABLE read (docs/deletions.md), absent otherwise. */
  record(
    stream: string,
    record: Readonly<Record<string, unknown>>,
    timeExtracted: string,
    version?: number,
  ): Promise<void>;
  /** Sent once after the last record of a complete versioned read, never after an interrupted one. */
  activateVersion(stream: string, version: number): Promise<void>;
  state(value: JsonValue): Promise<void>;
  flush(): Promise<void>;
}

/** Singer wire format: SCHEMA / RECORD / ACTIVATE_VERSION / STATE lines, one JSON object per line (Singer SPEC.md). */
export class SingerOutput implements MessageSink {
  private lastState: string | undefined;

  constructor(private readonly writer: LineWriter) {}

  schema(
    stream: string,
    schema: JsonObject,
    keyProperties: readonly string[],
    bookmarkProperties?: readonly string[],
  ): Promise<void> {
    return this.writer.writeJson(schemaMessage(stream, schema, keyProperties, bookmarkProperties));
  }

  record(
    stream: string,
    record: Readonly<Record<string, unknown>>,
    timeExtracted: string,
    version?: number,
  ): Promise<void> {
    return this.writer.writeJson(recordMessage(stream, record, timeExtracted, version));
  }

  activateVersion(stream: string, version: number): Promise<void> {
    return this.writer.writeJson(activateVersionMessage(stream, version));
  }

  /**
   * Skips a STATE equal to the previous one, as the Meltano SDK's StateWriter does (docs/singer-notes.md §3.8 item 6).
   */
  state(value: JsonValue): Promise<void> {
    const line = JSON.stringify(stateMessage(value));
    if (line === this.lastState) return Promise.resolve();
    this.lastState = line;
    return this.writer.writeLine(line);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
