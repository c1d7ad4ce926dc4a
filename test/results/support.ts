import { Writable } from "node:stream";
import type { Clock } from "../../src/clock.js";
import { discoverCatalog } from "../../src/catalog.js";
import type { JsonObject, JsonValue } from "../../src/json.js";
import { LineWriter } from "../../src/singer/line-writer.js";
import { SingerOutput, type MessageSink } from "../../src/singer/output.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import type { SimulatorOptions } from "../../src/simulator/types.js";
import type { ReportState } from "../../src/simulator/state.js";
import { parseState, type TapState } from "../../src/state.js";
import { createRuntime, syncWith } from "../../src/runtime.js";
import { tempFiles } from "../support/run-cli.js";

/**
 * A clock whose time runs `factor` times faster than real time: a 600 s wait timeout takes 600/factor real seconds, so
 * polling and run delays are exercised for real (sockets, timers) but quickly.
 */
export function scaledClock(factor: number): Clock {
  const base = Date.UTC(2026, 5, 1);
  const realStart = performance.now();
  return {
    now: () => Math.floor(base + (performance.now() - realStart) * factor),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const timer = setTimeout(
          () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
          Math.max(0, ms / factor),
        );
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
}

/** A small workspace: 2 spaces of 6 reports, 2 queries each, 12 rows per query result; no rate limit. */
export const SMALL: SimulatorOptions["size"] = {
  spaces: 2,
  personalSpaces: 0,
  emptySpaces: 0,
  reportsPerSpace: 6,
  datasetsPerSpace: 0,
  queriesPerReport: 2,
  runsPerReport: 3,
  resultRows: 12,
};

export function startSmall(clock: Clock, options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ size: SMALL, rateLimit: false, runDelayMs: 3000, clock, ...options });
}

/** Live reports of the simulated workspace matching a predicate. */
export function reportsWhere(sim: RunningSimulator, predicate: (report: ReportState) => boolean): ReportState[] {
  return sim.model.world.state.spaces.flatMap((s) => s.reports).filter((r) => !r.deleted && predicate(r));
}

/** A report that ran successfully, is not set to fail and has at least two queries. */
export function healthyReports(sim: RunningSimulator): ReportState[] {
  return reportsWhere(
    sim,
    (r) => r.trait === "normal" && !r.failing && r.latestSuccess !== null && r.baseQueryCount >= 2,
  );
}

/** A catalog selecting only query_results. */
export function resultsOnlyCatalog(): JsonObject {
  const catalog = discoverCatalog();
  return {
    streams: catalog.streams.map((entry) => ({
      ...entry,
      metadata: (entry.metadata ?? []).map((m) =>
        m.breadcrumb.length === 0
          ? { ...m, metadata: { ...m.metadata, selected: entry.tap_stream_id === "query_results" } }
          : m,
      ),
    })),
  } as unknown as JsonObject;
}

export interface Message {
  readonly type: string;
  readonly stream?: string;
  readonly record?: Record<string, unknown>;
  readonly value?: JsonValue;
}

export interface SyncRun {
  readonly stdout: string;
  readonly messages: readonly Message[];
  readonly records: ReadonlyArray<Record<string, unknown>>;
  readonly states: readonly TapState[];
  readonly lastState: TapState | undefined;
  readonly logs: string;
  readonly error: unknown;
}

export interface SyncRunOptions {
  readonly sim: RunningSimulator;
  readonly clock: Clock;
  readonly reportResults?: JsonObject;
  readonly state?: TapState;
  readonly config?: JsonObject;
  /** Replaces the collecting Singer output (large results). */
  readonly sink?: MessageSink;
}

/** A whole sync through `syncWith` with a real Singer output collected in memory and logs captured. */
export async function syncResults(options: SyncRunOptions): Promise<SyncRun> {
  const { sim, clock } = options;
  const config: JsonObject = {
    api_token: sim.token,
    api_secret: sim.secret,
    workspace: sim.workspace,
    base_url: sim.baseUrl,
    max_retries: 3,
    progress_interval_seconds: 3600,
    ...(options.reportResults === undefined ? {} : { report_results: options.reportResults }),
    ...options.config,
  };
  const files = tempFiles({ "config.json": config, "catalog.json": resultsOnlyCatalog() });
  let logs = "";
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs += chunk.toString("utf8");
      callback();
    },
  });
  let stdout = "";
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stdout += chunk.toString("utf8");
      callback();
    },
  });
  const runtime = createRuntime([files.path("config.json")], { stderr, env: {}, onDebug: () => undefined, clock });
  const sink = options.sink ?? new SingerOutput(new LineWriter(out));
  let error: unknown;
  try {
    await syncWith(runtime, sink, {
      catalogFile: files.path("catalog.json"),
      stateFile: undefined,
      ...(options.state === undefined ? {} : { stateValue: options.state }),
      signal: new AbortController().signal,
      clock,
    });
  } catch (caught) {
    error = caught;
  } finally {
    await runtime.client.close();
  }
  const messages = stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Message);
  const states = messages.filter((m) => m.type === "STATE").map((m) => parseState(m.value ?? {}, "STATE message"));
  return {
    stdout,
    messages,
    records: messages.filter((m) => m.type === "RECORD" && m.stream === "query_results").map((m) => m.record ?? {}),
    states,
    lastState: states.at(-1),
    logs,
    error,
  };
}

/** Lines of the captured log at a level ("ERROR", "WARNING", ...). */
export function logLines(logs: string, level: string): string[] {
  return logs.split("\n").filter((line) => line.startsWith(`${level} `));
}
