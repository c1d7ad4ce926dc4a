/**
 * The tap's per-record work alone, without HTTP: normalise, validate and serialise as a RECORD line, on the record
 * fixtures of the streams that make up most of a sync (test/fixtures/records: captured and Swagger-shaped items).
 * Printed by `npm run bench` next to the unthrottled sync; a figure, not a test (tests check behaviour, not time).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isJsonObject, parseJsonLossless, type JsonObject } from "../src/json.js";
import { createLogger } from "../src/log.js";
import { createRecordProcessor } from "../src/records/processor.js";
import { loadSchemaRegistry } from "../src/schemas.js";
import { recordMessage } from "../src/singer/messages.js";
import { StreamMapper } from "../src/maps/stream-maps.js";

export interface RecordPipelineResult {
  /** Records per second through process() and JSON.stringify, by stream. */
  readonly perSecond: Readonly<Record<string, number>>;
  /** The same with flattening on (flattening_max_depth 2, src/maps/flatten.ts) between process() and the line. */
  readonly flattenedPerSecond: Readonly<Record<string, number>>;
}

const STREAMS = ["query_runs", "runs", "charts", "queries", "reports"] as const;

function fixture(root: string, stream: string): { items: JsonObject[]; context: Record<string, string> } {
  const value = parseJsonLossless(readFileSync(join(root, "test", "fixtures", "records", `${stream}.json`), "utf8"));
  if (!isJsonObject(value) || !Array.isArray(value.items) || !isJsonObject(value.context))
    throw new Error(`test/fixtures/records/${stream}.json: expected {about, context, items}`);
  return { items: value.items.filter(isJsonObject), context: value.context as Record<string, string> };
}

/** Runs each stream's fixture items through the pipeline for about `seconds` and returns records/s. */
export function recordPipeline(root: string, seconds = 1): RecordPipelineResult {
  const processor = createRecordProcessor({ schemas: loadSchemaRegistry(), logger: createLogger({ level: "silent" }) });
  const schemas = loadSchemaRegistry();
  const flattening = new StreamMapper({
    streamMaps: {},
    streamMapConfig: {},
    flatteningEnabled: true,
    flatteningMaxDepth: 2,
  });
  const perSecond: Record<string, number> = {};
  const flattenedPerSecond: Record<string, number> = {};
  let sink = 0;
  for (const stream of STREAMS) {
    const { items, context } = fixture(root, stream);
    // Distinct tokens, as a sync sees them; warm up first (plans, validators, JIT).
    const batch = Array.from({ length: 1_000 }, (_, i) => ({
      ...(items[i % items.length] as JsonObject),
      token: `t${i}`,
    }));
    const [flat] = flattening.streamsFor({
      name: stream,
      schema: schemas.schema(stream) as JsonObject,
      keyProperties: [],
    });
    const measure = (map: (record: Record<string, unknown>) => Record<string, unknown> | null): number => {
      const once = (): void => {
        for (const item of batch)
          sink += JSON.stringify(
            recordMessage(
              stream,
              map(processor.process(stream, item, context) ?? {}) ?? {},
              "2026-01-01T00:00:00.000Z",
            ),
          ).length;
      };
      once();
      let records = 0;
      const started = performance.now();
      while (performance.now() - started < seconds * 1000) {
        once();
        records += batch.length;
      }
      return records / ((performance.now() - started) / 1000);
    };
    perSecond[stream] = measure((record) => record);
    if (flat !== undefined) flattenedPerSecond[stream] = measure((record) => flat.map(record));
  }
  if (sink === 0) throw new Error("record pipeline produced nothing");
  return { perSecond, flattenedPerSecond };
}
