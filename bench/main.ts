/**
 * `npm run bench` (issue 9): runs the built tap against the Mode API simulator on loopback and prints a table of
 * figures and targets, also written as JSON to bench/results/latest.json.
 *
 *   npm run bench -- [--rate 100] [--scale 1] [--big-scale 10] [--results-mb 256 | --results-full]
 *     [--only a,b] [--seed 7]
 *
 * Scenarios (--only): full (a full sync at --rate requests per second, simulator and tap limited alike), incremental
 * (after touching 1% of the reports and adding a run to 5%), unthrottled (no rate limit anywhere), lineage
 * (bench/lineage.ts: query_tables derived from every query's SQL, queries/s next to the unthrottled sync's), big (the
 * same at --big-scale times the reports, for peak RSS), results (bench/results-memory.ts), misconfigured (the tap
 * configured 100 requests per 1 s against a simulator allowing Mode's 40 per 10 s, then configured right, on a small
 * workspace), discovery (spaces, reports, queries and charts through REST vs the Discovery API,
 * bench/discovery-requests.ts). The simulator runs in a process of
 * its own, and so does the tap (dist/src/cli.js, spawned with this Node), so CPU time and peak RSS are the tap's alone.
 */
import { stateSize } from "./state-size.js";
import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { ResultsMemoryReport } from "./results-memory.js";
import {
  checked,
  differences,
  fixed,
  formatTable,
  integer,
  megabytes,
  note,
  row,
  seconds,
  type Row,
} from "./report.js";
import { bareClientRun, type BareClientResult } from "./bare-client.js";
import { lineageBench } from "./lineage.js";
import { discoveryVsRest, MODE_REQUESTS_PER_SECOND } from "./discovery-requests.js";
import { recordPipeline, type RecordPipelineResult } from "./record-pipeline.js";
import { requestsByStream } from "./requests-by-stream.js";
import { SimulatorProcess } from "./simulator-process.js";
import { fullCatalog, runTap, type TapRunResult } from "./tap-run.js";
import { describeWorkspace, mediumWorkspace } from "./workspaces.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The project root: dist/bench/main.js lives two levels below it. */
const ROOT = join(HERE, "..", "..");
const SCENARIOS = [
  "full",
  "incremental",
  "unthrottled",
  "lineage",
  "big",
  "results",
  "misconfigured",
  "discovery",
] as const;
type Scenario = (typeof SCENARIOS)[number];

/** The final STATE's size and the bytes per remembered report child (target ≤ 40, docs/deletions.md). */
function stateRows(section: string, state: unknown): ReturnType<typeof row>[] {
  const size = stateSize(state);
  const perChild = size.children === 0 ? 0 : size.childMemoryBytes / size.children;
  return [
    row(section, "final STATE size", `${integer(size.stateBytes)} bytes`),
    row(
      section,
      "remembered children (for deletions)",
      `${integer(size.children)} in ${integer(size.childMemoryBytes)} bytes`,
    ),
    checked(section, "bytes per remembered child", fixed(perChild, 1), "≤ 40", perChild <= 40),
  ];
}

const TARGETS = {
  fullRatio: 1.0,
  incrementalRatio: 1.1,
  budgetUse: 0.9,
  bigRssBytes: 200 * 1_048_576,
  recordsPerSecond: 20_000,
  misconfiguredShare429: 0.02,
  misconfiguredBudgetUse: 0.8,
  discoveryRatio: 0.01,
  discoverySeconds: 60,
};

/**
 * Mode's documented limit, about 40 requests per 10 s per token (https://mode.com/help/articles/api-reference/), as the
 * simulator enforces it.
 */
const MODE_LIMIT = { requests: 40, windowMs: 10_000 };

interface BenchOptions {
  readonly rate: number;
  readonly scale: number;
  readonly bigScale: number;
  readonly resultsMb: number;
  readonly only: ReadonlySet<Scenario>;
  readonly seed: number;
  readonly out: string;
}

function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      rate: { type: "string", default: "100" },
      scale: { type: "string", default: "1" },
      "big-scale": { type: "string", default: "10" },
      "results-mb": { type: "string", default: "256" },
      "results-full": { type: "boolean", default: false },
      only: { type: "string", default: SCENARIOS.join(",") },
      seed: { type: "string", default: "7" },
      out: { type: "string", default: join(ROOT, "bench", "results", "latest.json") },
    },
  });
  const positive = (name: string, raw: string): number => {
    const n = Number(raw);
    if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`--${name} must be a positive number, got "${raw}"`);
    return n;
  };
  const only = new Set<Scenario>();
  for (const name of values.only.split(",").filter((s) => s !== "")) {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new RangeError(`--only: unknown scenario "${name}" (known: ${SCENARIOS.join(", ")})`);
    only.add(name as Scenario);
  }
  return {
    rate: Math.round(positive("rate", values.rate)),
    scale: positive("scale", values.scale),
    bigScale: positive("big-scale", values["big-scale"]),
    resultsMb: values["results-full"] ? 1024 : positive("results-mb", values["results-mb"]),
    only,
    seed: Math.round(Number(values.seed)),
    out: values.out,
  };
}

function progress(message: string): void {
  console.error(`bench: ${message}`);
}

function tapConfig(sim: SimulatorProcess, requestsPerSecond: number): Record<string, unknown> {
  return {
    api_token: sim.token,
    api_secret: sim.secret,
    workspace: sim.workspace,
    base_url: sim.baseUrl,
    // The simulator's history starts in 2019; without a start date audit logs would start 30 days back.
    start_date: "2019-01-01T00:00:00Z",
    rate_limit_requests: requestsPerSecond,
    rate_limit_window_seconds: 1,
  };
}

/** Throws with the tap's last stderr lines when the run failed. */
function assertSucceeded(label: string, run: TapRunResult): void {
  if (run.exitCode === 0) return;
  throw new Error(`${label}: the tap exited with ${run.exitCode ?? run.signal}\n${run.stderrTail.join("\n")}`);
}

const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);

interface Collected {
  readonly rows: Row[];
  readonly json: Record<string, unknown>;
  readonly failures: string[];
}

/** Full sync at the scaled-up rate limit, then the incremental one on the same simulator. */
async function throttled(options: BenchOptions, dir: string, out: Collected): Promise<void> {
  const size = mediumWorkspace(options.scale);
  const rate = options.rate;
  const section = `Full sync, ${describeWorkspace(size)}, rate limit ${rate} requests/s on both sides`;
  const sim = await SimulatorProcess.start({ seed: options.seed, size, rateLimit: { requests: rate, windowMs: 1000 } });
  try {
    const minimal = await sim.call("minimalRequests");
    const truth = await sim.call("truthCounts");
    const config = tapConfig(sim, rate);
    const catalog = fullCatalog();
    progress(
      `full sync: ${integer(minimal.total)} requests at least, so about ${Math.ceil((minimal.total / rate) * 1.05)} ` +
        `s at ${rate}/s`,
    );
    await sim.call("resetStats");
    const full = await runTap({ dir, label: "full", config, catalog });
    const stats = await sim.call("stats");
    assertSucceeded("full sync", full);
    const ratio = stats.requests / minimal.total;
    const budgetUse = stats.requests / rate / full.wallSeconds;
    const byStream = requestsByStream(stats.byRoute);
    const missingRecords = Object.entries(truth)
      .filter(([stream, n]) => (full.records[stream] ?? 0) !== n)
      .map(([stream, n]) => `${stream} ${full.records[stream] ?? 0} of ${n}`);
    const untracked = Object.entries(full.records)
      .filter(([stream]) => truth[stream] === undefined)
      .map(([stream, n]) => `${stream} ${n}`);
    out.rows.push(
      row(section, "requests made", integer(stats.requests)),
      row(section, "minimal requests (model.minimalRequests())", integer(minimal.total)),
      checked(
        section,
        "requests ÷ minimal",
        `${fixed(ratio, 2)} (${fixed(ratio, 4)})`,
        "= 1.00",
        ratio < TARGETS.fullRatio + 0.005,
      ),
      ...differences(byStream, minimal.byStream).map((d) => note(section, `by stream: ${d}`)),
      checked(section, "429s received", integer(stats.rateLimited), "0", stats.rateLimited === 0),
      row(section, "wall time", seconds(full.wallSeconds)),
      checked(
        section,
        "budget use = (requests ÷ allowed rate) ÷ wall time",
        fixed(budgetUse, 3),
        "≥ 0.90",
        budgetUse >= TARGETS.budgetUse,
      ),
      row(section, "records", integer(full.totalRecords)),
      row(section, "records/s", integer(full.totalRecords / full.wallSeconds)),
      checked(
        section,
        "records equal to the simulator's truth, stream by stream",
        missingRecords.length === 0 ? "yes" : "no",
        "yes",
        missingRecords.length === 0,
      ),
      ...missingRecords.map((m) => note(section, `differs: ${m}`)),
      ...(untracked.length > 0 ? [note(section, `streams the truth does not list: ${untracked.join(", ")}`)] : []),
      row(section, "tap CPU time (user + system)", seconds(full.userCpuSeconds + full.systemCpuSeconds)),
      ...rssRows(section, "tap peak RSS", full),
    );
    out.json.full = {
      workspace: size,
      rate,
      minimal,
      requests: stats.requests,
      requestsByStream: byStream,
      rateLimited: stats.rateLimited,
      ratio,
      budgetUse,
      run: summaryOf(full),
      truth,
    };
    if (!options.only.has("incremental")) return;

    const reports =
      size.spaces !== undefined && size.reportsPerSpace !== undefined ? size.spaces * size.reportsPerSpace : 0;
    const mutation = {
      touchReports: Math.max(1, Math.round(reports * 0.01)),
      addRunsToReports: Math.max(1, Math.round(reports * 0.05)),
      runsEach: 1,
    };
    const incSection =
      `Incremental sync after touching ${mutation.touchReports} reports (1%) and adding a run to ` +
      `${mutation.addRunsToReports} (5%)`;
    const change = await sim.call("mutate", mutation);
    await sim.call("resetStats");
    progress(`incremental sync: ${change.result.summary}`);
    const inc = await runTap({ dir, label: "incremental", config, catalog, state: full.lastState });
    const incStats = await sim.call("stats");
    assertSucceeded("incremental sync", inc);
    const incRatio = incStats.requests / change.minimal.total;
    const incByStream = requestsByStream(incStats.byRoute);
    out.rows.push(
      row(incSection, "requests made", integer(incStats.requests)),
      row(incSection, "minimal requests (bench/incremental-minimal.ts)", integer(change.minimal.total)),
      checked(incSection, "requests ÷ minimal", fixed(incRatio, 2), "≤ 1.10", incRatio <= TARGETS.incrementalRatio),
      ...differences(incByStream, change.minimal.byStream).map((d) => note(incSection, `by stream: ${d}`)),
      checked(incSection, "429s received", integer(incStats.rateLimited), "0", incStats.rateLimited === 0),
      row(incSection, "wall time", seconds(inc.wallSeconds)),
      row(incSection, "records", integer(inc.totalRecords)),
      note(
        incSection,
        Object.entries(inc.records)
          .map(([s, n]) => `${s} ${n}`)
          .join(", "),
      ),
    );
    out.json.incremental = {
      mutation,
      change: change.result.summary,
      minimal: change.minimal,
      requests: incStats.requests,
      requestsByStream: incByStream,
      rateLimited: incStats.rateLimited,
      ratio: incRatio,
      run: summaryOf(inc),
    };
  } finally {
    await sim.stop();
  }
}

/**
 * The tap configured far above the server's real limit (100 requests per 1 s against Mode's 40 per 10 s, a leaky bucket
 * that sends `Retry-After`), then configured right, on a workspace of about 500 requests (about two minutes each at 4
 * per second). Budget use leaves out the bucket's first 40 (an empty bucket takes them at once): the requests
 * answered beyond them ÷ (4 per second × the tap's wall time).
 */
async function misconfiguredRate(options: BenchOptions, dir: string, out: Collected): Promise<void> {
  const size = { ...mediumWorkspace(), spaces: 2, reportsPerSpace: 10 };
  const perSecond = MODE_LIMIT.requests / (MODE_LIMIT.windowMs / 1000);
  const runs = [
    { label: "misconfigured", requests: 100, windowSeconds: 1 },
    { label: "configured right", requests: MODE_LIMIT.requests, windowSeconds: MODE_LIMIT.windowMs / 1000 },
  ];
  const json: Record<string, unknown> = {};
  for (const run of runs) {
    const sim = await SimulatorProcess.start({ seed: options.seed, size, rateLimit: MODE_LIMIT });
    try {
      const minimal = await sim.call("minimalRequests");
      const truth = await sim.call("truthCounts");
      progress(
        `${run.label} rate limit: tap ${run.requests} per ${run.windowSeconds} s against the simulator's 40 per 10 ` +
          `s, ${integer(minimal.total)} requests at least (about ${Math.ceil(minimal.total / perSecond)} s)`,
      );
      const config = {
        ...tapConfig(sim, run.requests),
        rate_limit_requests: run.requests,
        rate_limit_window_seconds: run.windowSeconds,
      };
      const result = await runTap({ dir, label: `rate-${run.requests}`, config, catalog: fullCatalog() });
      const stats = await sim.call("stats");
      assertSucceeded(`${run.label} rate limit`, result);
      const share429 = stats.rateLimited / stats.requests;
      const answered = stats.requests - stats.rateLimited;
      // The sync's own duration from its summary line: the process's wall time also holds a few seconds of start-up
      // and exit that no rate limiter can use.
      const syncSeconds = summarySeconds(result.summary) ?? result.wallSeconds;
      const budgetUse = (answered - MODE_LIMIT.requests) / (perSecond * syncSeconds);
      const wallBudgetUse = answered / (perSecond * result.wallSeconds);
      const complete = Object.entries(truth).every(([stream, n]) => (result.records[stream] ?? 0) === n);
      const section =
        `Rate limit ${run.label}: tap ${run.requests} requests per ${run.windowSeconds} s, simulator ` +
        `40 per 10 s (leaky bucket, Retry-After), ${describeWorkspace(size)}`;
      const misconfigured = run.requests !== MODE_LIMIT.requests;
      out.rows.push(
        row(section, "requests made (minimal)", `${integer(stats.requests)} (${integer(minimal.total)})`),
        misconfigured
          ? checked(
              section,
              "requests answered 429",
              `${integer(stats.rateLimited)} (${fixed(share429 * 100, 2)}%)`,
              "≤ 2%",
              share429 <= TARGETS.misconfiguredShare429,
            )
          : checked(section, "requests answered 429", integer(stats.rateLimited), "0", stats.rateLimited === 0),
        row(section, "wall time (the sync's own duration)", `${seconds(result.wallSeconds)} (${seconds(syncSeconds)})`),
        checked(
          section,
          "budget use = (answered requests − the bucket's first 40) ÷ (4/s × sync duration)",
          fixed(budgetUse, 3),
          misconfigured ? "≥ 0.80" : "≥ 0.90",
          budgetUse >= (misconfigured ? TARGETS.misconfiguredBudgetUse : TARGETS.budgetUse),
        ),
        note(
          section,
          `as the full-sync section counts it, answered requests ÷ (4/s × wall time): ${fixed(wallBudgetUse, 3)}`,
        ),
        checked(section, "records equal to the simulator's truth", complete ? "yes" : "no", "yes", complete),
      );
      json[run.label] = {
        tap: { requests: run.requests, windowSeconds: run.windowSeconds },
        server: MODE_LIMIT,
        minimal: minimal.total,
        requests: stats.requests,
        rateLimited: stats.rateLimited,
        share429,
        syncSeconds,
        budgetUse,
        wallBudgetUse,
        run: summaryOf(result),
      };
    } finally {
      await sim.stop();
    }
  }
  out.json.misconfigured = json;
}

/** Seconds of `sync finished in 2m04s` / `12.3s` / `1h02m` (src/sync/progress.ts formatSeconds), if present. */
function summarySeconds(summary: string | undefined): number | undefined {
  const match = /sync finished in (?:(\d+)h)?(?:(\d+)m)?(?:([\d.]+)s)?:/.exec(summary ?? "");
  if (match === null || match[0] === "sync finished in :") return undefined;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** A sync with no rate limit on either side: throughput, CPU time per record and peak RSS. */
async function unthrottled(
  options: BenchOptions,
  dir: string,
  scale: number,
  label: string,
  withFloor = false,
): Promise<{ run: TapRunResult; requests: number; truthRecords: number; floor?: BareClientResult }> {
  const size = mediumWorkspace(scale);
  const sim = await SimulatorProcess.start({ seed: options.seed, size, rateLimit: false });
  try {
    const truthRecords = sum(await sim.call("truthCounts"));
    progress(`${label}: unthrottled sync of ${describeWorkspace(size)}`);
    // The tap's limiter set far above anything it can reach: the rate limit is off, concurrency stays the default.
    const run = await runTap({ dir, label, config: tapConfig(sim, 1_000_000), catalog: fullCatalog() });
    const stats = await sim.call("stats");
    assertSucceeded(label, run);
    if (!withFloor) return { run, requests: stats.requests, truthRecords };
    progress(`${label}: the same report tree fetched by a bare client (fetch and parse only)`);
    const floor = await bareClientRun(sim);
    return { run, requests: stats.requests, truthRecords, floor };
  } finally {
    await sim.stop();
  }
}

/**
 * What fetching and parsing alone cost (bench/bare-client.ts), and the per-record work alone
 * (bench/record-pipeline.ts).
 */
function floorRows(
  section: string,
  run: TapRunResult,
  requests: number,
  floor: BareClientResult,
  pipeline: RecordPipelineResult,
): Row[] {
  const tapCpuPerRequest = ((run.userCpuSeconds + run.systemCpuSeconds) / requests) * 1e6;
  const floorCpuPerRequest = (floor.cpuSeconds / floor.requests) * 1e6;
  return [
    row(section, "bare client (fetch + JSON.parse only): requests/s", integer(floor.requests / floor.wallSeconds)),
    note(
      section,
      `${integer(floor.requests)} requests of the same report tree, ${integer(floor.items)} items, ` +
        `${seconds(floor.wallSeconds)}; as records/s at the tap's records per request: ` +
        `${integer((floor.requests / floor.wallSeconds) * (run.totalRecords / requests))}`,
    ),
    row(
      section,
      "bare client CPU time per request",
      `${fixed(floorCpuPerRequest, 0)} µs (the tap: ${fixed(tapCpuPerRequest, 0)} µs)`,
    ),
    row(
      section,
      "record pipeline alone (normalise + validate + RECORD line), records/s",
      Object.entries(pipeline.perSecond)
        .map(([stream, n]) => `${stream} ${integer(n)}`)
        .join(", "),
    ),
    row(
      section,
      "record pipeline with flattening (flattening_max_depth 2), records/s",
      Object.entries(pipeline.flattenedPerSecond)
        .map(([stream, n]) => `${stream} ${integer(n)}`)
        .join(", "),
    ),
  ];
}

function throughputRows(section: string, run: TapRunResult, requests: number, truthRecords: number): Row[] {
  const cpu = run.userCpuSeconds + run.systemCpuSeconds;
  return [
    row(section, "records (simulator's truth)", `${integer(run.totalRecords)} (${integer(truthRecords)})`),
    row(section, "requests", integer(requests)),
    row(section, "wall time", seconds(run.wallSeconds)),
    row(section, "requests/s", integer(requests / run.wallSeconds)),
    row(section, "records per request", fixed(run.totalRecords / requests, 2)),
    row(
      section,
      "tap CPU time (user + system)",
      `${seconds(cpu)} (${fixed((100 * cpu) / run.wallSeconds, 0)}% of one core)`,
    ),
    row(section, "tap CPU time per record", `${fixed((cpu / run.totalRecords) * 1e6, 1)} µs`),
    row(section, "tap CPU time per request", `${fixed((cpu / requests) * 1e6, 0)} µs`),
    note(
      section,
      `the benchmark's own process used ${seconds(run.readerCpuSeconds)} of CPU meanwhile (reading the tap's ` +
        `output); the simulator runs in a third process`,
    ),
  ];
}

/** Peak RSS with what the V8 heap took of it. */
function rssRows(section: string, figure: string, run: TapRunResult, target?: { text: string; met: boolean }): Row[] {
  const value = megabytes(run.peakRssBytes);
  return [
    target === undefined ? row(section, figure, value) : checked(section, figure, value, target.text, target.met),
    note(
      section,
      `V8 heap at most ${megabytes(run.peakHeapTotalBytes)} committed, ${megabytes(run.peakHeapUsedBytes)} in use ` +
        `(live data plus garbage not yet collected); outside the heap at most ${megabytes(run.peakExternalBytes)}; ` +
        `the rest is the Node binary, code and malloc`,
    ),
  ];
}

function summaryOf(run: TapRunResult): Record<string, unknown> {
  return {
    exitCode: run.exitCode,
    wallSeconds: run.wallSeconds,
    records: run.records,
    totalRecords: run.totalRecords,
    userCpuSeconds: run.userCpuSeconds,
    systemCpuSeconds: run.systemCpuSeconds,
    peakRssBytes: run.peakRssBytes,
    peakHeapTotalBytes: run.peakHeapTotalBytes,
    peakHeapUsedBytes: run.peakHeapUsedBytes,
    peakExternalBytes: run.peakExternalBytes,
    readerCpuSeconds: run.readerCpuSeconds,
    summary: run.summary,
  };
}

/** bench/results-memory.ts in a process of its own (its peak RSS is that process's). */
function resultsMemory(megabytes: number): Promise<ResultsMemoryReport> {
  const child = fork(join(HERE, "results-memory.js"), ["--mb", String(megabytes), "--json"], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  let stdout = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => (stdout += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`results-memory exited with ${code}`));
      try {
        resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as ResultsMemoryReport);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

async function attempt(out: Collected, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    out.failures.push(`${name}: ${message}`);
    out.rows.push({
      section: `Scenario ${name}`,
      figure: "failed",
      value: message.split("\n")[0] ?? "",
      target: "",
      status: "MISSED",
    });
    progress(`${name} failed: ${message}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseOptions(argv);
  const command = `node dist/bench/main.js${argv.length > 0 ? ` ${argv.join(" ")}` : ""}`;
  const dir = mkdtempSync(join(tmpdir(), "tap-mode-bench-"));
  const out: Collected = { rows: [], json: {}, failures: [] };
  const started = performance.now();
  // The unthrottled sync's rates, which the lineage section compares its own with.
  let syncRates: { records: number; queries: number } | undefined;
  try {
    if (options.only.has("full") || options.only.has("incremental"))
      await attempt(out, "full", () => throttled(options, dir, out));
    if (options.only.has("unthrottled")) {
      await attempt(out, "unthrottled", async () => {
        const { run, requests, truthRecords, floor } = await unthrottled(
          options,
          dir,
          options.scale,
          "unthrottled",
          true,
        );
        const section =
          `Unthrottled sync (no rate limit, max_concurrency 8, validation on), ` +
          `${describeWorkspace(mediumWorkspace(options.scale))}`;
        const perSecond = run.totalRecords / run.wallSeconds;
        syncRates = {
          records: perSecond,
          queries: ((run.records.queries ?? 0) + (run.records.dataset_queries ?? 0)) / run.wallSeconds,
        };
        const pipeline = recordPipeline(ROOT);
        out.rows.push(
          checked(section, "records/s", integer(perSecond), "≥ 20,000", perSecond >= TARGETS.recordsPerSecond),
          ...throughputRows(section, run, requests, truthRecords),
        );
        out.rows.push(...rssRows(section, `tap peak RSS (${options.scale}×)`, run));
        out.rows.push(...stateRows(section, run.lastState));
        if (floor !== undefined) out.rows.push(...floorRows(section, run, requests, floor, pipeline));
        out.json.unthrottled = {
          scale: options.scale,
          requests,
          truthRecords,
          recordsPerSecond: perSecond,
          run: summaryOf(run),
          bareClient: floor,
          recordPipeline: pipeline.perSecond,
          recordPipelineFlattened: pipeline.flattenedPerSecond,
        };
      });
    }
    if (options.only.has("lineage")) {
      await attempt(out, "lineage", () => {
        const size = mediumWorkspace(options.scale);
        progress(`lineage: query_tables derived from every query of ${describeWorkspace(size)}`);
        const result = lineageBench(options.seed, size);
        const section =
          `Lineage (bench/lineage.ts): query_tables derived in-process from every query's SQL, ` +
          `${describeWorkspace(size)}`;
        const rates = syncRates;
        out.rows.push(
          row(section, "queries (distinct SQL texts)", `${integer(result.queries)} (${integer(result.distinctSql)})`),
          row(
            section,
            "records derived (parse-error records)",
            `${integer(result.records)} (${integer(result.parseErrors)})`,
          ),
          rates === undefined
            ? row(section, "queries/s, every query parsed", integer(result.perSecond))
            : checked(
                section,
                "queries/s, every query parsed",
                integer(result.perSecond),
                `> the unthrottled sync's ${integer(rates.queries)} queries/s`,
                result.perSecond > rates.queries,
              ),
          row(section, "queries per CPU second, every query parsed", integer(result.perCpuSecond)),
          row(
            section,
            "queries/s with the parse cache (copies of one SQL parsed once)",
            integer(result.perSecondCached),
          ),
          ...(rates === undefined
            ? [note(section, "run the unthrottled scenario too for the sync's records/s and queries/s")]
            : [
                row(
                  section,
                  "unthrottled sync: records/s (queries/s)",
                  `${integer(rates.records)} (${integer(rates.queries)})`,
                ),
              ]),
        );
        out.json.lineage = { ...result, sync: rates };
        return Promise.resolve();
      });
    }
    if (options.only.has("big")) {
      await attempt(out, "big", async () => {
        const { run, requests, truthRecords } = await unthrottled(options, dir, options.bigScale, "big");
        const section =
          `Peak RSS at ${options.bigScale}× the medium workspace (unthrottled), ` +
          `${describeWorkspace(mediumWorkspace(options.bigScale))}`;
        out.rows.push(
          ...rssRows(section, "tap peak RSS", run, {
            text: "≤ 200 " + "MB",
            met: run.peakRssBytes <= TARGETS.bigRssBytes,
          }),
          ...stateRows(section, run.lastState),
          row(section, "records/s", integer(run.totalRecords / run.wallSeconds)),
          ...throughputRows(section, run, requests, truthRecords),
        );
        out.json.big = { scale: options.bigScale, requests, truthRecords, run: summaryOf(run) };
      });
    }
    if (options.only.has("misconfigured"))
      await attempt(out, "misconfigured", () => misconfiguredRate(options, dir, out));
    if (options.only.has("results")) {
      await attempt(out, "results", async () => {
        progress(`results-memory: one ${options.resultsMb} MB query result`);
        const report = await resultsMemory(options.resultsMb);
        const section =
          `Report results (bench/results-memory.ts): one query result of ` +
          `~${integer(report.resultBytes / 1_048_576)} MB ` +
          `JSON${options.resultsMb < 1024 ? " (--results-full for 1 GB)" : ""}`;
        out.rows.push(
          row(section, "rows extracted", `${integer(report.records)} of ${integer(report.rows)}`),
          row(section, "wall time", seconds(report.seconds)),
          row(section, "rows/s", integer(report.records / report.seconds)),
          row(
            section,
            "peak RSS (baseline before the sync)",
            `${megabytes(report.peakRssBytes)} (${megabytes(report.baselineRssBytes)})`,
          ),
          row(section, "peak heap used", megabytes(report.peakHeapBytes)),
        );
        out.json.results = report;
      });
    }
    if (options.only.has("discovery")) {
      await attempt(out, "discovery", async () => {
        progress("discovery: spaces, reports, queries and charts of 5,000 reports through REST and the Discovery API");
        const f = await discoveryVsRest(options.seed);
        const section = `Discovery API vs REST: spaces + reports + queries + charts, ${describeWorkspace(f.workspace)}`;
        const same = Object.values(f.records).every((r) => r.rest === r.discovery);
        out.rows.push(
          row(section, "REST requests (model.minimalRequests())", integer(f.restRequests)),
          note(
            section,
            Object.entries(f.restByStream)
              .map(([s, n]) => `${s} ${integer(n)}`)
              .join(", "),
          ),
          row(
            section,
            "Discovery requests (paged on the simulator, token created and deleted)",
            integer(f.discoveryRequests),
          ),
          note(
            section,
            Object.entries(f.discoveryByRoute)
              .map(([r, n]) => `${r} ${n}`)
              .join(", "),
          ),
          checked(
            section,
            "Discovery ÷ REST requests",
            `${fixed(f.ratio * 100, 2)}%`,
            "≤ 1%",
            f.ratio <= TARGETS.discoveryRatio,
          ),
          row(section, `REST wall time at ${MODE_REQUESTS_PER_SECOND} requests/s`, seconds(f.restSecondsAt4)),
          checked(
            section,
            `Discovery wall time at ${MODE_REQUESTS_PER_SECOND} requests/s`,
            seconds(f.discoverySecondsAt4),
            "≤ 60 s",
            f.discoverySecondsAt4 <= TARGETS.discoverySeconds,
          ),
          checked(section, "same records each way", same ? "yes" : "no", "yes", same),
          note(
            section,
            Object.entries(f.records)
              .map(([s, r]) => `${s} ${integer(r.discovery)}`)
              .join(", "),
          ),
        );
        out.json.discovery = f;
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}`;
  const header = [
    `tap-mode benchmark: ${command}   (npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""})`,
    `machine: ${machine}; finished ${new Date().toISOString()} after ${seconds(totalSeconds)}`,
  ];
  console.log(`${header.join("\n")}\n\n${formatTable(out.rows)}`);
  mkdirSync(dirname(options.out), { recursive: true });
  const written = {
    command,
    machine,
    finishedAt: new Date().toISOString(),
    totalSeconds,
    options: { ...options, only: [...options.only] },
    rows: out.rows,
    scenarios: out.json,
    failures: out.failures,
  };
  writeFileSync(options.out, `${JSON.stringify(written, null, 2)}\n`);
  console.log(`\n(written to ${options.out})`);
  return out.failures.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 2;
    },
  );
}
