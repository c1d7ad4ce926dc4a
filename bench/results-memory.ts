/**
 * Memory benchmark of report-results extraction (issue 7): extracts one ~1 GB query result from the Mode API simulator
 * into a sink that discards every message and prints the tap's peak RSS. The simulator runs in a child process, so the
 * figures are the tap's alone.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/results-memory.js [--mb 1024] [--json]
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { discoverCatalog } from "../src/catalog.js";
import { systemClock } from "../src/clock.js";
import type { JsonValue } from "../src/json.js";
import type { MessageSink } from "../src/singer/output.js";
import { startSimulator } from "../src/simulator/index.js";
import { jsonChunks } from "../src/simulator/results.js";
import { findRun, queryRunAt } from "../src/simulator/runs.js";
import type { WorkspaceSize } from "../src/simulator/types.js";
import { createRuntime, syncWith } from "../src/runtime.js";

export interface ResultsMemoryOptions {
  /** Size of the result to extract, in MB of JSON (default 1024). */
  readonly megabytes?: number;
}

export interface ResultsMemoryReport {
  readonly rows: number;
  /** Size of the JSON result body, estimated from the first 10,000 rows. */
  readonly resultBytes: number;
  readonly records: number;
  readonly seconds: number;
  /** RSS of this process before the sync started. */
  readonly baselineRssBytes: number;
  /** Peak RSS of this process over its whole life (getrusage maxrss). */
  readonly peakRssBytes: number;
  /** Highest heapUsed seen while sampling every 100 ms. */
  readonly peakHeapBytes: number;
  readonly wireBytes: number;
}

/** One report, one query, one run: the whole workspace is the result. */
const SIZE: Partial<WorkspaceSize> = {
  spaces: 1,
  personalSpaces: 0,
  emptySpaces: 0,
  reportsPerSpace: 1,
  datasetsPerSpace: 0,
  queriesPerReport: 1,
  runsPerReport: 1,
  resultRows: 1,
};
const SAMPLE_ROWS = 10_000;

interface Served {
  readonly baseUrl: string;
  readonly workspace: string;
  readonly token: string;
  readonly secret: string;
  readonly report: string;
  readonly rows: number;
  readonly resultBytes: number;
}

/** Child side: sizes the result from a sample, starts the simulator and reports where it listens. */
async function serve(megabytes: number): Promise<void> {
  const probe = await startSimulator({ size: SIZE, rateLimit: false });
  const report = probe.model.world.state.spaces[0]?.reports[0];
  const success = report?.latestSuccess;
  if (!report || !success) throw new Error("the benchmark workspace has no successful run");
  const run = findRun(probe.model.world, report, success.token);
  if (!run) throw new Error("run not found");
  let sampleBytes = 0;
  for (const chunk of jsonChunks(probe.model.world, queryRunAt(probe.model.world, run, 0), SAMPLE_ROWS))
    sampleBytes += Buffer.byteLength(chunk);
  await probe.stop();
  const perRow = sampleBytes / SAMPLE_ROWS;
  const rows = Math.max(1, Math.round((megabytes * 1024 * 1024) / perRow));
  const sim = await startSimulator({ size: { ...SIZE, resultRows: rows }, rateLimit: false });
  const served: Served = {
    baseUrl: sim.baseUrl,
    workspace: sim.workspace,
    token: sim.token,
    secret: sim.secret,
    report: report.token,
    rows,
    resultBytes: Math.round(perRow * rows),
  };
  process.send?.(served);
  process.on("disconnect", () => void sim.stop().then(() => process.exit(0)));
}

/** A sink that drops every message (the cost of stdout is not what is measured). */
class DiscardingSink implements MessageSink {
  records = 0;
  schema(): Promise<void> {
    return Promise.resolve();
  }
  record(): Promise<void> {
    this.records++;
    return Promise.resolve();
  }
  activateVersion(): Promise<void> {
    return Promise.resolve();
  }
  state(_value: JsonValue): Promise<void> {
    return Promise.resolve();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}

function startServer(megabytes: number): Promise<{ child: ChildProcess; served: Served }> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", String(megabytes)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message) => resolve({ child, served: message as Served }));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the simulator process exited early (code ${code})`)));
  });
}

/** Runs the benchmark and returns its figures. */
export async function runResultsMemoryBench(options: ResultsMemoryOptions = {}): Promise<ResultsMemoryReport> {
  const megabytes = options.megabytes ?? 1024;
  const { child, served } = await startServer(megabytes);
  const dir = mkdtempSync(join(tmpdir(), "tap-mode-bench-"));
  try {
    const discovered = discoverCatalog();
    const catalog = {
      streams: discovered.streams.map((entry) => ({
        ...entry,
        metadata: (entry.metadata ?? []).map((m) =>
          m.breadcrumb.length === 0
            ? { ...m, metadata: { ...m.metadata, selected: entry.tap_stream_id === "query_results" } }
            : m,
        ),
      })),
    };
    writeFileSync(join(dir, "catalog.json"), JSON.stringify(catalog));
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({
        api_token: served.token,
        api_secret: served.secret,
        workspace: served.workspace,
        base_url: served.baseUrl,
        log_level: "warn",
        report_results: { reports: [served.report] },
      }),
    );
    const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const clock = systemClock();
    const runtime = createRuntime([join(dir, "config.json")], {
      stderr: quiet,
      env: {},
      onDebug: () => undefined,
      clock,
    });
    const sink = new DiscardingSink();
    global.gc?.();
    const baselineRssBytes = process.memoryUsage().rss;
    let peakHeapBytes = 0;
    const sampler = setInterval(() => {
      peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
    }, 100);
    const started = performance.now();
    try {
      await syncWith(runtime, sink, {
        catalogFile: join(dir, "catalog.json"),
        stateFile: undefined,
        signal: new AbortController().signal,
        clock,
      });
    } finally {
      clearInterval(sampler);
      await runtime.client.close();
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      rows: served.rows,
      resultBytes: served.resultBytes,
      records: sink.records,
      seconds,
      baselineRssBytes,
      // ru_maxrss is in kilobytes on Linux.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      peakHeapBytes,
      wireBytes: runtime.client.stats().bytes,
    };
  } finally {
    child.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

const MB = 1024 * 1024;

/** The report as printed lines. */
export function formatResultsMemoryReport(report: ResultsMemoryReport): string {
  const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;
  return [
    `results-memory: extracted ${report.records.toLocaleString("en")} of ` +
      `${report.rows.toLocaleString("en")} rows, ~${mb(report.resultBytes)} of JSON, in ` +
      `${report.seconds.toFixed(1)} s ` +
      (`(${(report.resultBytes / MB / report.seconds).toFixed(1)} MB/s, ` +
        `${Math.round(report.records / report.seconds).toLocaleString("en")} rows/s; ${mb(report.wireBytes)} ` +
        `gzip on the wire)`),
    `results-memory: peak RSS ${mb(report.peakRssBytes)} (baseline ${mb(report.baselineRssBytes)} before ` +
      `the sync; +${mb(report.peakRssBytes - report.baselineRssBytes)}); peak heap used ` +
      `${mb(report.peakHeapBytes)}`,
  ].join("\n");
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === "--serve") {
    await serve(Number(argv[1]));
    return;
  }
  const at = argv.indexOf("--mb");
  const megabytes = at >= 0 ? Number(argv[at + 1]) : 1024;
  if (!(megabytes > 0)) throw new Error("--mb needs a positive number");
  const report = await runResultsMemoryBench({ megabytes });
  console.log(argv.includes("--json") ? JSON.stringify(report) : formatResultsMemoryReport(report));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
