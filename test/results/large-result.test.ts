import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, expect, test } from "vitest";
import type { JsonObject, JsonValue } from "../../src/json.js";
import type { MessageSink } from "../../src/singer/output.js";
import type { RunningSimulator } from "../../src/simulator/index.js";
import { SMALL, reportsWhere, scaledClock, startSmall, syncResults } from "./support.js";

// A full collection before each heap sample measures live memory rather than garbage not yet collected.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** Counts query_results records, checks their order, sums the size of their rows and samples the live heap. */
class MeasuringSink implements MessageSink {
  records = 0;
  rowBytes = 0;
  outOfOrder = 0;
  peakHeap = 0;
  private lastRow = 0;

  constructor(
    private readonly baseline: number,
    private readonly sampleEvery: number,
  ) {}

  schema(): Promise<void> {
    return Promise.resolve();
  }

  record(stream: string, record: Readonly<Record<string, unknown>>): Promise<void> {
    if (stream !== "query_results") return Promise.resolve();
    this.records++;
    const rowNumber = record.row_number as number;
    if (rowNumber !== this.lastRow + 1) this.outOfOrder++;
    this.lastRow = rowNumber;
    this.rowBytes += JSON.stringify(record.row).length;
    if (this.records % this.sampleEvery === 0) {
      gc();
      this.peakHeap = Math.max(this.peakHeap, process.memoryUsage().heapUsed - this.baseline);
    }
    return Promise.resolve();
  }

  activateVersion(): Promise<void> {
    return Promise.resolve();
  }

  state(_value: JsonValue | JsonObject): Promise<void> {
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}

test(
  "a result of tens of megabytes is streamed: every row is emitted in order while the live heap grows by a " +
    "small fraction of its size",
  async () => {
    const rows = 200_000;
    const clock = scaledClock(1);
    sim = await startSmall(clock, {
      size: { ...SMALL, spaces: 1, reportsPerSpace: 1, queriesPerReport: 1, runsPerReport: 1, resultRows: rows },
    });
    const [report] = reportsWhere(sim, (r) => r.latestSuccess !== null);
    if (!report) throw new Error("no report");
    gc();
    const sink = new MeasuringSink(process.memoryUsage().heapUsed, 20_000);
    const result = await syncResults({ sim, clock, reportResults: { reports: [report.token] }, sink });

    expect(result.error).toBeUndefined();
    expect(sink.records).toBe(rows);
    expect(sink.outOfOrder).toBe(0);
    expect(sink.rowBytes).toBeGreaterThan(15_000_000);
    // Measured around 1-3 MB for a ~20 MB result: one 500-row chunk, stream buffers and the record processor's plans.
    expect(sink.peakHeap).toBeLessThan(sink.rowBytes / 5);
    console.log(
      `large result: ${rows} rows, ${(sink.rowBytes / 1e6).toFixed(1)} MB of rows, peak live heap growth ` +
        `${(sink.peakHeap / 1e6).toFixed(2)} MB`,
    );
  },
);
