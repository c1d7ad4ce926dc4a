/**
 * Runs the built tap (dist/src/cli.js) as its own process with the Node running the benchmark, reads its stdout as a
 * target would (records counted per stream, the last STATE kept) and reports wall time, CPU time and peak RSS of the
 * tap's process alone (bench/child-usage.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { discoverCatalog } from "../src/catalog.js";
import type { ChildUsage } from "./child-usage.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
/** dist/src/cli.js, next to dist/bench/. */
export const CLI = join(HERE, "..", "src", "cli.js");
const USAGE_PRELOAD = pathToFileURL(join(HERE, "child-usage.js")).href;

/** The Node flags of the command's shebang (`#!/usr/bin/env -S node FLAGS`), so the bench runs the tap as users do. */
export function shebangNodeFlags(cli: string = CLI): string[] {
  const first = readFileSync(cli, "utf8").split("\n", 1)[0] ?? "";
  const match = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)*)\s*$/.exec(first);
  return match?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

const RECORD_PREFIX = '{"type":"RECORD","stream":"';
const STATE_PREFIX = '{"type":"STATE"';

export interface TapRunOptions {
  /** Where config, catalog, state and the usage file are written. */
  readonly dir: string;
  /** A name for the files of this run. */
  readonly label: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly catalog: unknown;
  readonly state?: unknown;
  /** Killed after this long (default 30 minutes). */
  readonly timeoutMs?: number;
}

export interface TapRunResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly wallSeconds: number;
  readonly records: Readonly<Record<string, number>>;
  readonly totalRecords: number;
  /** The value of the last STATE message. */
  readonly lastState: unknown;
  readonly userCpuSeconds: number;
  readonly systemCpuSeconds: number;
  readonly peakRssBytes: number;
  /** Peaks of the V8 heap (committed, in use) and of memory outside it, sampled every 200 ms. */
  readonly peakHeapTotalBytes: number;
  readonly peakHeapUsedBytes: number;
  readonly peakExternalBytes: number;
  /** The tap's "sync finished ..." line. */
  readonly summary: string | undefined;
  /** The last lines of stderr (for failures). */
  readonly stderrTail: readonly string[];
  /** CPU time this (the benchmark's) process spent while the tap ran, mostly reading the tap's output. */
  readonly readerCpuSeconds: number;
}

/** The discovered catalog with every stream selected except query_results (it needs report_results settings). */
export function fullCatalog(): unknown {
  const discovered = discoverCatalog();
  return {
    streams: discovered.streams.map((entry) => ({
      ...entry,
      metadata: (entry.metadata ?? []).map((m) =>
        m.breadcrumb.length === 0
          ? { ...m, metadata: { ...m.metadata, selected: entry.tap_stream_id !== "query_results" } }
          : m,
      ),
    })),
  };
}

/**
 * Splits a stream of text chunks into lines, calling `onLine(text, start, end)` without copying each line. stdout is
 * read as latin1 (one char per byte, no UTF-8 decoding: the reader must cost the tap's CPU as little as possible); the
 * ASCII prefixes looked for are the same either way, and a STATE line is re-decoded as UTF-8 before parsing.
 */
function lineSplitter(onLine: (text: string, start: number, end: number) => void): {
  push(chunk: string): void;
  end(): void;
} {
  let carry = "";
  return {
    push(chunk) {
      const text = carry + chunk;
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        onLine(text, start, nl);
        start = nl + 1;
      }
      carry = text.slice(start);
    },
    end() {
      if (carry !== "") onLine(carry, 0, carry.length);
      carry = "";
    },
  };
}

/** Runs one sync and measures it. */
export function runTap(options: TapRunOptions): Promise<TapRunResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run bench builds it (npm run build)`);
  const file = (name: string): string => join(options.dir, `${options.label}.${name}`);
  writeFileSync(file("config.json"), JSON.stringify(options.config));
  writeFileSync(file("catalog.json"), JSON.stringify(options.catalog));
  const args = [
    ...shebangNodeFlags(),
    "--import",
    USAGE_PRELOAD,
    CLI,
    "--config",
    file("config.json"),
    "--catalog",
    file("catalog.json"),
  ];
  if (options.state !== undefined) {
    writeFileSync(file("state.json"), JSON.stringify(options.state));
    args.push("--state", file("state.json"));
  }
  const usageFile = file("usage.json");
  writeFileSync(usageFile, "");

  const records: Record<string, number> = {};
  let totalRecords = 0;
  let lastStateLine: string | undefined;
  let summary: string | undefined;
  const tail: string[] = [];

  const stdout = lineSplitter((text, start, end) => {
    if (text.startsWith(RECORD_PREFIX, start)) {
      const nameStart = start + RECORD_PREFIX.length;
      const stream = text.slice(nameStart, text.indexOf('"', nameStart));
      records[stream] = (records[stream] ?? 0) + 1;
      totalRecords++;
    } else if (text.startsWith(STATE_PREFIX, start)) {
      lastStateLine = text.slice(start, end);
    }
  });
  const stderr = lineSplitter((text, start, end) => {
    const line = text.slice(start, end);
    if (line.includes("sync finished in")) summary = line;
    if (line.startsWith("INFO METRIC")) return;
    tail.push(line);
    if (tail.length > 20) tail.shift();
  });

  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", TAP_MODE_BENCH_USAGE_FILE: usageFile },
    });
    child.stdout.setEncoding("latin1");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => stdout.push(chunk));
    child.stderr.on("data", (chunk: string) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30 * 60_000);
    child.once("error", reject);
    child.once("close", (exitCode, signal) => {
      const wallSeconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      clearTimeout(timer);
      stdout.end();
      stderr.end();
      let usage: ChildUsage | undefined;
      try {
        usage = JSON.parse(readFileSync(usageFile, "utf8")) as ChildUsage;
      } catch {
        usage = undefined;
      }
      resolve({
        exitCode,
        signal,
        wallSeconds,
        records,
        totalRecords,
        lastState:
          lastStateLine === undefined
            ? undefined
            : (JSON.parse(Buffer.from(lastStateLine, "latin1").toString("utf8")) as { value: unknown }).value,
        userCpuSeconds: usage === undefined ? Number.NaN : usage.userCpuMicros / 1e6,
        systemCpuSeconds: usage === undefined ? Number.NaN : usage.systemCpuMicros / 1e6,
        peakRssBytes: usage === undefined ? Number.NaN : usage.maxRssBytes,
        peakHeapTotalBytes: usage === undefined ? Number.NaN : usage.peakHeapTotalBytes,
        peakHeapUsedBytes: usage === undefined ? Number.NaN : usage.peakHeapUsedBytes,
        peakExternalBytes: usage === undefined ? Number.NaN : usage.peakExternalBytes,
        summary,
        stderrTail: tail,
        readerCpuSeconds: (cpu.user + cpu.system) / 1e6,
      });
    });
  });
}
