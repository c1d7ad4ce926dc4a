import type { JsonObject, JsonValue } from "../json.js";
import type { MessageSink } from "../singer/output.js";
import { StreamMapper, type MappedStream, type SourceStream, type StreamMapSettings } from "./stream-maps.js";

/**
 * A MessageSink that applies stream maps and flattening on the way to another sink, as the Meltano SDK applies them
 * to a tap's SCHEMA and RECORD messages after all other tap logic. STATE passes through unchanged: bookmarks stay keyed
 * by the tap's own stream names, so a state written with one set of maps resumes with another.
 *
 * Any other per-stream message goes to every stream its source is written as (see `eachStream`): none for a dropped
 * stream, the alias for an aliased one, each copy for `__source__` copies.
 */
export class MappedSink implements MessageSink {
  private readonly streams = new Map<string, readonly MappedStream[]>();

  constructor(
    private readonly inner: MessageSink,
    private readonly mapper: StreamMapper,
  ) {}

  async schema(
    stream: string,
    schema: JsonObject,
    keyProperties: readonly string[],
    bookmarkProperties?: readonly string[],
  ): Promise<void> {
    const mapped = this.mapper.streamsFor({ name: stream, schema, keyProperties });
    this.streams.set(stream, mapped);
    for (const out of mapped) {
      const properties = out.schema.properties as JsonObject | undefined;
      const bookmarks = bookmarkProperties?.filter((p) => properties !== undefined && Object.hasOwn(properties, p));
      await this.inner.schema(
        out.name,
        out.schema,
        out.keyProperties,
        bookmarks !== undefined && bookmarks.length > 0 ? bookmarks : undefined,
      );
    }
  }

  async record(
    stream: string,
    record: Readonly<Record<string, unknown>>,
    timeExtracted: string,
    version?: number,
  ): Promise<void> {
    const mapped = this.streams.get(stream);
    if (mapped === undefined) return this.inner.record(stream, record, timeExtracted, version);
    for (const out of mapped) {
      const result = out.map(record);
      if (result !== null) await this.inner.record(out.name, result, timeExtracted, version);
    }
  }

  activateVersion(stream: string, version: number): Promise<void> {
    return this.eachStream(stream, (name) => this.inner.activateVersion(name, version));
  }

  state(value: JsonValue): Promise<void> {
    return this.inner.state(value);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  /**
   * Sends a per-stream message the maps do not transform (e.g. ACTIVATE_VERSION) once per stream the source is written
   * as, under that stream's name; a stream that never had a SCHEMA passes under its own name.
   */
  protected async eachStream(stream: string, send: (name: string) => Promise<void>): Promise<void> {
    const mapped = this.streams.get(stream);
    if (mapped === undefined) return send(stream);
    for (const out of mapped) await send(out.name);
  }
}

/**
 * The sink with the config's stream maps and flattening applied (the sink itself when they change nothing), and the
 * check to run on the selected streams before the sync writes anything. Throws ConfigError on an expression it cannot
 * evaluate.
 */
export function withStreamMaps(
  inner: MessageSink,
  settings: StreamMapSettings,
): { sink: MessageSink; check: (streams: readonly SourceStream[]) => void } {
  const mapper = new StreamMapper(settings);
  return {
    sink: mapper.isIdentity ? inner : new MappedSink(inner, mapper),
    check: (streams) => mapper.check(streams),
  };
}
