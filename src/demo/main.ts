import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, createWriteStream } from "node:fs";
import { join, resolve } from "node:path";
import { packageRoot } from "../package-info.js";
import { startSimulator } from "../simulator/index.js";
import { discoveryComparison } from "./discovery-requests.js";

/**
 * `npm run demo`: the tap against the bundled Mode API simulator, as a user would run it. Discovery, a full sync of
 * every stream, a few changes in the workspace, then an incremental sync from the state the first run left. Singer
 * output goes to files under .tap-mode-demo/; this program's own summary goes to stderr.
 */

interface RunResult {
  readonly code: number;
  readonly seconds: number;
  readonly records: Map<string, number>;
  readonly lastState: unknown;
  readonly stderr: string;
}

const say = (line = ""): void => {
  process.stderr.write(`${line}\n`);
};

function runTap(args: readonly string[], stdoutFile: string, singer = true): Promise<RunResult> {
  const cli = join(packageRoot(), "dist", "src", "cli.js");
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const out = createWriteStream(stdoutFile);
    child.stdout.pipe(out);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      out.end(() => {
        const records = new Map<string, number>();
        let lastState: unknown = null;
        for (const line of singer ? readFileSync(stdoutFile, "utf8").split("\n") : []) {
          if (line === "") continue;
          const message = JSON.parse(line) as { type: string; stream?: string; value?: unknown };
          if (message.type === "RECORD" && message.stream)
            records.set(message.stream, (records.get(message.stream) ?? 0) + 1);
          if (message.type === "STATE") lastState = message.value;
        }
        resolvePromise({ code: code ?? 1, seconds: (Date.now() - started) / 1000, records, lastState, stderr });
      });
    });
  });
}

function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  "))
    .join("\n");
}

function requestsByStream(byRoute: Readonly<Record<string, number>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [route, count] of Object.entries(byRoute)) out.set(route, count);
  return out;
}

/**
 * What the query_tables stream found in the full sync (issue 17, docs/lineage.md): the tables the workspace's
 * queries read most, and how many queries parsed.
 */
function sayLineage(singerFile: string): void {
  const readers = new Map<string, Set<string>>();
  const parsed = new Set<string>();
  const failed = new Set<string>();
  for (const line of readFileSync(singerFile, "utf8").split("\n")) {
    if (!line.includes('"stream":"query_tables"')) continue;
    const message = JSON.parse(line) as { type: string; stream?: string; record?: Record<string, unknown> };
    if (message.type !== "RECORD" || message.stream !== "query_tables" || message.record === undefined) continue;
    const { query_token: query, parse_error: error, operation, table_as_written: table } = message.record;
    if (typeof query !== "string") continue;
    if (typeof error === "string") failed.add(query);
    else parsed.add(query);
    if (operation === "read" && typeof table === "string") {
      let queries = readers.get(table);
      if (queries === undefined) readers.set(table, (queries = new Set()));
      queries.add(query);
    }
  }
  for (const query of failed) parsed.delete(query);
  const top = [...readers.entries()].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0])).slice(0, 5);
  say(
    `query_tables (lineage parsed from each query's SQL, no extra request): ${parsed.size} queries parsed, ` +
      `${failed.size} whose SQL could not be parsed (see parse_error); ${readers.size} tables read.`,
  );
  if (top.length > 0)
    say(table([["most-read tables", "queries"], ...top.map(([name, queries]) => [name, String(queries.size)])]));
  say();
}

async function main(): Promise<number> {
  const dir = resolve(".tap-mode-demo");
  mkdirSync(dir, { recursive: true });
  say(
    "tap-mode demo: a Singer tap for the Mode Analytics API, run against the bundled Mode API simulator on loopback.",
  );
  // The simulator enforces Mode's rate limit scaled up 10x (40 requests per second instead of per 10 s), so the demo
  // takes seconds; the tap is configured to the same limit.
  const simulator = await startSimulator({ seed: 7, rateLimit: { requests: 40, windowMs: 1000 }, runDelayMs: 50 });
  try {
    const config = {
      api_token: simulator.token,
      api_secret: simulator.secret,
      workspace: simulator.workspace,
      base_url: simulator.baseUrl,
      rate_limit_requests: 40,
      rate_limit_window_seconds: 1,
      start_date: "2020-01-01T00:00:00Z",
      progress_interval_seconds: 2,
    };
    const configFile = join(dir, "config.json");
    writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
    say(`simulator at ${simulator.baseUrl} (workspace "${simulator.workspace}"); output in ${dir}`);
    say();

    const discovery = await runTap(["--config", configFile, "--discover"], join(dir, "catalog.json"), false);
    if (discovery.code !== 0) throw new Error(`discovery failed:\n${discovery.stderr}`);
    const catalog = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as {
      streams: Array<{
        tap_stream_id: string;
        metadata: Array<{ breadcrumb: string[]; metadata: Record<string, unknown> }>;
      }>;
    };
    // Select every stream except query_results (it needs report_results in the config).
    for (const stream of catalog.streams) {
      const root = stream.metadata.find((m) => m.breadcrumb.length === 0);
      if (root) root.metadata.selected = stream.tap_stream_id !== "query_results";
    }
    const catalogFile = join(dir, "catalog.selected.json");
    writeFileSync(catalogFile, `${JSON.stringify(catalog, null, 2)}\n`);
    say(
      `1. discovery: ${catalog.streams.length} streams, written to catalog.json; all but query_results selected ` +
        `(query_tables included).`,
    );

    simulator.model.resetStats();
    const full = await runTap(["--config", configFile, "--catalog", catalogFile], join(dir, "full.jsonl"));
    if (full.code !== 0) throw new Error(`full sync failed (exit ${full.code}):\n${full.stderr}`);
    const fullStats = simulator.model.stats();
    writeFileSync(join(dir, "state.json"), `${JSON.stringify(full.lastState)}\n`);
    say(
      `2. full sync: ${[...full.records.values()].reduce((a, b) => a + b, 0)} records in ${full.seconds.toFixed(1)} ` +
        `s, ${fullStats.requests} requests, ${fullStats.rateLimited} answered 429.`,
    );

    const mutation = simulator.model.mutate({
      touchReports: 3,
      addRunsToReports: 2,
      runsEach: 1,
      addReports: 1,
      deleteReports: 1,
    });
    say(`3. changes in Mode: ${mutation.summary}`);

    simulator.model.resetStats();
    const incremental = await runTap(
      ["--config", configFile, "--catalog", catalogFile, "--state", join(dir, "state.json")],
      join(dir, "incremental.jsonl"),
    );
    if (incremental.code !== 0)
      throw new Error(`incremental sync failed (exit ${incremental.code}):\n${incremental.stderr}`);
    const incStats = simulator.model.stats();
    writeFileSync(join(dir, "state.incremental.json"), `${JSON.stringify(incremental.lastState)}\n`);
    say(
      `4. incremental sync from state.json: ${[...incremental.records.values()].reduce((a, b) => a + b, 0)} records ` +
        `in ${incremental.seconds.toFixed(1)} s, ${incStats.requests} requests, ${incStats.rateLimited} answered 429.`,
    );
    say();

    const streams = [...new Set([...full.records.keys(), ...incremental.records.keys()])].sort();
    say(
      table([
        ["stream", "full", "incremental"],
        ...streams.map((s) => [s, String(full.records.get(s) ?? 0), String(incremental.records.get(s) ?? 0)]),
      ]),
    );
    say();
    const routes = [...new Set([...Object.keys(fullStats.byRoute), ...Object.keys(incStats.byRoute)])].sort();
    const fr = requestsByStream(fullStats.byRoute);
    const ir = requestsByStream(incStats.byRoute);
    say(
      table([
        ["requests by endpoint", "full", "incremental"],
        ...routes.map((r) => [r, String(fr.get(r) ?? 0), String(ir.get(r) ?? 0)]),
      ]),
    );
    say();
    sayLineage(join(dir, "full.jsonl"));
    // The Discovery API's requests next to the REST walk's, for the same four kinds of records.
    for (const line of discoveryComparison(fullStats.byRoute)) say(line);
    say();
    const skipped = /unchanged and skipped: ([^;\n]*)/.exec(incremental.stderr)?.[1];
    say(
      `The incremental run re-read the space and report lists, skipped ${skipped ?? "the unchanged reports"} (no ` +
        `queries, charts or runs fetched for them),`,
    );
    say(
      "fetched children only for changed reports, listed runs only where last_run_at moved, and marked the deleted " +
        "report with _sdc_deleted_at.",
    );
    say(
      `Singer output: ${join(dir, "full.jsonl")} and ${join(dir, "incremental.jsonl")}; try piping the tap into a ` +
        `target, e.g. target-jsonl.`,
    );
    return 0;
  } finally {
    await simulator.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
