import { isoUtc, type Clock } from "../clock.js";
import type { JsonObject, JsonValue } from "../json.js";
import type { LineWriter } from "../singer/line-writer.js";
import type { MessageSink } from "../singer/output.js";
import { recordMessage, streamStateMessage } from "./messages.js";
import { streamStatesFor } from "./state.js";

export interface AirbyteOutputOptions {
  /** The configured catalog's streams, in its order: each gets a STATE at every checkpoint. */
  readonly streams: readonly string[];
  readonly clock: Clock;
  /** The checkpoint sequence read from the incoming state; this run's checkpoints count on from it. */
  readonly sequence?: number;
}

/**
 * The sync engine's output in the Airbyte protocol (docs/singer-notes.md §4.3 "Message translation", §4.2): RECORD
 * with `emitted_at` in epoch milliseconds; no SCHEMA (the schema lives in the CATALOG); each Singer STATE becomes one
 * per-stream STATE for every configured stream (see state.ts for the layout). Written through the one stdout writer.
 */
export class AirbyteOutput implements MessageSink {
  private readonly pending = new Map<string, number>();
  private lastState: string | undefined;
  private sequence: number;

  constructor(
    private readonly writer: LineWriter,
    private readonly options: AirbyteOutputOptions,
  ) {
    this.sequence = options.sequence ?? 0;
  }

  schema(_stream: string, _schema: JsonObject, _keyProperties: readonly string[]): Promise<void> {
    return Promise.resolve();
  }

  /** The table version is not part of an Airbyte RECORD (AirbyteRecordMessage has stream, data, emitted_at). */
  record(
    stream: string,
    record: Readonly<Record<string, unknown>>,
    _timeExtracted: string,
    _version?: number,
  ): Promise<void> {
    this.pending.set(stream, (this.pending.get(stream) ?? 0) + 1);
    return this.writer.writeJson(recordMessage(stream, record, this.options.clock.now()));
  }

  /**
   * Airbyte has no ACTIVATE_VERSION: a full_refresh stream's destination sync mode (overwrite) already replaces the
   * table when the sync succeeds (destination mode `overwrite`), which is what the message asks of a Singer target. It
   * is dropped (docs/deletions.md).
   */
  activateVersion(_stream: string, _version: number): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Writes a checkpoint unless nothing changed since the last one: same Singer state and no record in between (the
   * Singer writer skips a repeated STATE the same way). Records of every stream are followed by a STATE of that
   * stream, which is what lets an Airbyte destination commit them.
   */
  async state(value: JsonValue): Promise<void> {
    const text = JSON.stringify(value);
    if (text === this.lastState && this.pending.size === 0) return;
    this.lastState = text;
    this.sequence += 1;
    const checkpoint = { sequence: this.sequence, at: isoUtc(this.options.clock.now()) };
    for (const { stream, state } of streamStatesFor(value, this.options.streams, checkpoint)) {
      const count = this.pending.get(stream) ?? 0;
      this.pending.delete(stream);
      await this.writer.writeJson(streamStateMessage(stream, state, count));
    }
    // Records of a stream outside the configured catalog cannot happen (selection follows the catalog); drop counts.
    this.pending.clear();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
