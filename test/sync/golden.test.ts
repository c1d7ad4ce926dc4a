import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.js";
import type { JsonObject, JsonValue } from "../../src/json.js";
import type { MessageSink } from "../../src/singer/output.js";
import { createRuntime, syncWith } from "../../src/tap.js";
import { SimHarness, catalogSelecting } from "../support/sim-harness.js";
import { PROJECT_ROOT } from "../support/run-cli.js";

/** Fixed time: 2026-07-01T00:00:00Z for time_extracted and the sync's signpost; sleeps are real (and short). */
const FIXED = Date.parse("2026-07-01T00:00:00.000Z");
const fixedClock: Clock = { now: () => FIXED, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

class CollectingSink implements MessageSink {
  readonly lines: string[] = [];
  schema(
    stream: string,
    schema: JsonObject,
    key_properties: readonly string[],
    bookmark_properties?: readonly string[],
  ): Promise<void> {
    this.lines.push(
      JSON.stringify({
        type: "SCHEMA",
        stream,
        schema,
        key_properties,
        ...(bookmark_properties ? { bookmark_properties } : {}),
      }),
    );
    return Promise.resolve();
  }
  record(
    stream: string,
    record: Readonly<Record<string, unknown>>,
    time_extracted: string,
    version?: number,
  ): Promise<void> {
    this.lines.push(JSON.stringify({ type: "RECORD", stream, record, version, time_extracted }));
    return Promise.resolve();
  }
  activateVersion(stream: string, version: number): Promise<void> {
    this.lines.push(JSON.stringify({ type: "ACTIVATE_VERSION", stream, version }));
    return Promise.resolve();
  }
  state(value: JsonValue): Promise<void> {
    this.lines.push(JSON.stringify({ type: "STATE", value }));
    return Promise.resolve();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}

/** JSON with object keys sorted: the state's maps fill in commit order, which concurrency makes vary. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const silent = new Writable({ write: (_c, _e, cb) => cb() });

/**
 * Golden JSONL of a whole sync (singer.md §3.13, house style practice 9): a small seeded simulator, a fixed clock, every
 * stream but query_results. Units of different reports interleave with concurrency, so the snapshot lists SCHEMA
 * messages in order, then the records sorted, then the final STATE; the exact bytes of every record are compared.
 * Regenerate with UPDATE_SNAPSHOTS=1 after a deliberate change, and review the diff.
 */
describe("golden output of a sync with a fixed clock", () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await SimHarness.start({
      seed: 2,
      size: {
        spaces: 2,
        personalSpaces: 1,
        emptySpaces: 0,
        reportsPerSpace: 3,
        queriesPerReport: 1,
        chartsPerQuery: 1,
        runsPerReport: 2,
        datasetsPerSpace: 1,
        members: 2,
        groups: 1,
        dataSources: 1,
        definitions: 1,
        auditLogs: 3,
      },
    });
  });
  afterAll(() => h.stop());

  it("matches test/snapshots/sync-golden.jsonl", async () => {
    const catalogFile = h.write("catalog.json", catalogSelecting());
    const runtime = createRuntime([h.path("config.json")], { stderr: silent, env: {}, onDebug: () => undefined });
    const sink = new CollectingSink();
    try {
      await syncWith(runtime, sink, {
        catalogFile,
        stateFile: undefined,
        signal: new AbortController().signal,
        clock: fixedClock,
      });
    } finally {
      await runtime.client.close();
    }
    const schemas = sink.lines.filter((l) => l.startsWith('{"type":"SCHEMA"'));
    const records = sink.lines.filter((l) => l.startsWith('{"type":"RECORD"')).sort();
    const last = sink.lines.at(-1) ?? "";
    expect(last.startsWith('{"type":"STATE"')).toBe(true);
    const finalState = canonical(JSON.parse(last));
    const text = `${[...schemas, ...records, finalState].join("\n")}\n`;
    const file = join(PROJECT_ROOT, "test", "snapshots", "sync-golden.jsonl");
    if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(file)) writeFileSync(file, text);
    const golden = readFileSync(file, "utf8");
    const goldenLines = golden.trimEnd().split("\n");
    const lines = text.trimEnd().split("\n");
    expect(lines.length).toBe(goldenLines.length);
    lines.forEach((line, i) => expect(line, `line ${i + 1}`).toBe(goldenLines[i]));
  });
});
