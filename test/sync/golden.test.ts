import { activationViolations, type VersionedMessage } from "../../src/deletions/table-version.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.js";
import { LineWriter } from "../../src/singer/line-writer.js";
import { SingerOutput } from "../../src/singer/output.js";
import { createRuntime, syncWith } from "../../src/runtime.js";
import { SimHarness, catalogSelecting } from "../support/sim-harness.js";
import { PROJECT_ROOT } from "../support/run-cli.js";

/** Fixed time: 2026-07-01T00:00:00Z for time_extracted and the sync's signpost; sleeps are real (and short). */
const FIXED = Date.parse("2026-07-01T00:00:00.000Z");
const fixedClock: Clock = { now: () => FIXED, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** A stream that keeps every byte written to it: what the LineWriter hands to stdout. */
class ByteCollector extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    callback();
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/**
 * The end-of-run summary on stderr: the record_count metrics (sorted: streams finish in an order concurrency decides)
 * and the "sync finished" line, with the stream list sorted and the time queued on the rate limit (real time, however
 * fixed the clock) blanked.
 */
function summaryLines(stderr: string): string[] {
  const lines = stderr.split("\n");
  const metrics = lines.filter((l) => l.includes('"metric":"record_count"')).sort();
  const finished = lines.filter((l) => l.includes("sync finished in"));
  expect(finished.length).toBe(1);
  const normalized = (finished[0] ?? "")
    .replace(/\(([^()]*)\); /, (_m, list: string) => `(${list.split(", ").sort().join(", ")}); `)
    .replace(/[\d.]+s queued on the rate limit/, "(time) queued on the rate limit");
  return [...metrics, normalized];
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

/**
 * Golden JSONL of a whole sync (docs/singer-notes.md §3.13, docs/house-style.md §9): a small seeded simulator, a
 * fixed clock, every stream but query_results, written by the real Singer output and LineWriter into a stream whose
 * bytes are kept. Units of different reports interleave with concurrency, so the snapshot lists SCHEMA messages in
 * order, then the records sorted, then the final STATE (keys sorted), then the stderr summary; the exact bytes of every
 * line are compared. Regenerate with UPDATE_SNAPSHOTS=1 after a deliberate change, and review the diff.
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
    let stderr = "";
    const runtime = createRuntime([h.path("config.json")], {
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
      onDebug: () => undefined,
    });
    const stdout = new ByteCollector();
    const writer = new LineWriter(stdout);
    try {
      await syncWith(runtime, new SingerOutput(writer), {
        catalogFile,
        stateFile: undefined,
        signal: new AbortController().signal,
        clock: fixedClock,
      });
      await writer.flush();
    } finally {
      await runtime.client.close();
    }
    const written = stdout.text;
    expect(written.endsWith("\n")).toBe(true);
    const messages = written.trimEnd().split("\n");
    const schemas = messages.filter((l) => l.startsWith('{"type":"SCHEMA"'));
    const records = messages.filter((l) => l.startsWith('{"type":"RECORD"')).sort();
    const activations = messages.filter((l) => l.startsWith('{"type":"ACTIVATE_VERSION"')).sort();
    const last = messages.at(-1) ?? "";
    expect(last.startsWith('{"type":"STATE"')).toBe(true);
    expect(
      schemas.length +
        records.length +
        activations.length +
        messages.filter((l) => l.startsWith('{"type":"STATE"')).length,
    ).toBe(messages.length);
    expect(activationViolations(messages.map((l) => JSON.parse(l) as VersionedMessage))).toEqual([]);
    const finalState = canonical(JSON.parse(last));
    const summary = summaryLines(stderr);
    const text = `${[...schemas, ...records, ...activations, finalState, ...summary].join("\n")}\n`;
    const file = join(PROJECT_ROOT, "test", "snapshots", "sync-golden.jsonl");
    if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(file)) writeFileSync(file, text);
    const golden = readFileSync(file, "utf8");
    const goldenLines = golden.trimEnd().split("\n");
    const lines = text.trimEnd().split("\n");
    expect(lines.length).toBe(goldenLines.length);
    lines.forEach((line, i) => expect(line, `line ${i + 1}`).toBe(goldenLines[i]));
  });
});
