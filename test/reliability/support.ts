import { Writable } from "node:stream";
import { systemClock, type Clock } from "../../src/clock.js";
import { SingerOutput } from "../../src/singer/output.js";
import { LineWriter } from "../../src/singer/line-writer.js";
import { createRuntime, syncWith } from "../../src/runtime.js";
import type { SyncSummary } from "../../src/sync/engine.js";
import { tempFiles } from "../support/run-cli.js";
import { assertNoSecrets, checkSingerOutput, type ParsedOutput } from "../support/singer-check.js";

/**
 * A clock running `factor` times faster than real time: sleeps (backoffs, Retry-After pauses, rate-limit waits) take
 * 1/factor of their length and now() advances accordingly, so the client's real retry policy runs unchanged, only
 * quicker. The config has no backoff setting; the clock the tap already accepts (RunIo.clock) is the knob.
 */
export function acceleratedClock(factor: number): Clock {
  const real = systemClock();
  const originMs = Date.now();
  const originPerf = performance.now();
  return {
    now: () => Math.round(originMs + (performance.now() - originPerf) * factor),
    sleep: (ms, signal) => real.sleep(ms / factor, signal),
  };
}

/** Collects everything written to it as one string. */
export class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface InProcessRun {
  readonly summary: SyncSummary;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: ParsedOutput;
}

/**
 * Runs a sync in this process (the tap's own `createRuntime` + `syncWith`, the CLI's path below argument parsing) with
 * an injected clock, writing Singer lines and logs to strings. Both are scanned for `secrets` before anything else.
 */
export async function syncInProcess(
  config: Readonly<Record<string, unknown>>,
  catalog: unknown,
  clock: Clock,
  secrets: readonly string[],
): Promise<InProcessRun> {
  const files = tempFiles({ "config.json": config, "catalog.json": catalog });
  const stdout = new Capture();
  const stderr = new Capture();
  const runtime = createRuntime([files.path("config.json")], { stderr, env: {}, onDebug: () => undefined, clock });
  let summary: SyncSummary;
  try {
    const sink = new SingerOutput(new LineWriter(stdout));
    summary = await syncWith(runtime, sink, {
      catalogFile: files.path("catalog.json"),
      stateFile: undefined,
      signal: new AbortController().signal,
      clock,
    });
  } finally {
    await runtime.client.close();
    assertNoSecrets(stdout.text + stderr.text, secrets);
  }
  return { summary, stdout: stdout.text, stderr: stderr.text, output: checkSingerOutput(stdout.text) };
}

/** Every record's primary key per stream (key properties from its SCHEMA message), sorted. */
export function keysByStream(output: ParsedOutput): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [stream, records] of output.records) {
    const schemaMessage = output.messages.find((m) => m.type === "SCHEMA" && m.stream === stream);
    const keys = (schemaMessage?.key_properties as string[] | undefined) ?? [];
    out[stream] = records.map((r) => keys.map((k) => String(r[k])).join("|")).sort();
  }
  return out;
}

/** Lines of text that look like a JavaScript stack frame. */
export function stackFrames(text: string): string[] {
  return text.split("\n").filter((line) => /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/.test(line));
}
