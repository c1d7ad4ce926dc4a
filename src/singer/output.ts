import type { JsonObject, JsonValue } from "../json.js";
import type { LineWriter } from "./line-writer.js";
import { recordMessage, schemaMessage, stateMessage } from "./messages.js";

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
  record(stream: string, record: Readonly<Record<string, unknown>>, timeExtracted: string): Promise<void>;
  state(value: JsonValue): Promise<void>;
  flush(): Promise<void>;
}

/** Singer wire format: SCHEMA / RECORD / STATE lines, one JSON object per line (Singer SPEC.md). */
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

  record(stream: string, record: Readonly<Record<string, unknown>>, timeExtracted: string): Promise<void> {
    return this.writer.writeJson(recordMessage(stream, record, timeExtracted));
  }

  /** Skips a STATE equal to the previous one, as the Meltano SDK's StateWriter does (singer.md §3.8 item 6). */
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
