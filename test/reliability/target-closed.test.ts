import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimHarness, catalogSelecting } from "../support/sim-harness.js";
import { CLI } from "../support/run-cli.js";
import { assertNoSecrets } from "../support/singer-check.js";
import { stackFrames } from "./support.js";

/**
 * A target that copies its stdin to its stdout until the 200th RECORD, then closes its stdin and exits (as a crashed
 * target would), letting what it copied reach the test first.
 */
const DYING_TARGET = `
let records = 0, buffered = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  if (records === 200) return;
  buffered += chunk;
  const lines = buffered.split("\\n");
  buffered = lines.pop();
  for (const line of lines) {
    process.stdout.write(line + "\\n");
    if (JSON.parse(line).type === "RECORD" && ++records === 200) {
      process.stdin.destroy();
      process.stdout.end();
      return;
    }
  }
});`;

interface Piped {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly targetOut: string;
  readonly targetCode: number | null;
}

/** `tap | target`: the target process reads the tap's stdout directly (a real pipe between two processes). */
function tapIntoDyingTarget(args: readonly string[]): Promise<Piped> {
  const target = spawn(process.execPath, ["-e", DYING_TARGET], { stdio: ["pipe", "pipe", "inherit"] });
  let targetOut = "";
  target.stdout.on("data", (chunk: Buffer) => (targetOut += chunk.toString("utf8")));
  const targetExit = new Promise<number | null>((resolve) => target.once("exit", (code) => resolve(code)));
  // The tap's stdout is the target's stdin pipe; once the target closes it nobody reads it and writes fail with EPIPE.
  const tap = spawn(process.execPath, [CLI, ...args], {
    stdio: ["ignore", target.stdin, "pipe"],
    env: { PATH: process.env.PATH ?? "" },
  });
  // This process keeps no reader on that pipe: only the target reads it.
  target.stdin.destroy();
  let stderr = "";
  tap.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const timer = setTimeout(() => tap.kill("SIGKILL"), 20_000);
  return new Promise((resolve, reject) => {
    tap.once("error", reject);
    tap.once("close", (code, signal) => {
      clearTimeout(timer);
      void targetExit.then((targetCode) => resolve({ code, signal, stderr, targetOut, targetCode }));
    });
  });
}

describe("a target that dies mid-stream", () => {
  let h: SimHarness;

  beforeAll(async () => {
    // Enough records that the tap is still writing long after the pipe's 64 KiB buffer would have filled.
    h = await SimHarness.start({
      seed: 41,
      size: { spaces: 3, reportsPerSpace: 25, queriesPerReport: 3, chartsPerQuery: 2, runsPerReport: 10 },
    });
  });
  afterAll(() => h.stop());

  it("ends the tap with exit code 1 and one CRITICAL line naming the closed pipe, without a stack trace", async () => {
    const catalog = h.write("catalog.json", catalogSelecting());
    const run = await tapIntoDyingTarget(["--config", h.path("config.json"), "--catalog", catalog]);
    assertNoSecrets(run.stderr + run.targetOut, [h.sim.token, h.sim.secret]);
    expect(run.targetCode).toBe(0);
    // It died mid-stream: after the SCHEMA messages, 200 records into the data.
    const types = run.targetOut
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types.filter((t) => t === "RECORD")).toHaveLength(200);
    expect(types[0]).toBe("SCHEMA");
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    const critical = run.stderr.split("\n").filter((line) => line.startsWith("CRITICAL"));
    expect(critical).toEqual([expect.stringMatching(/closed the pipe on stdout \(EPIPE\)/)]);
    expect(stackFrames(run.stderr)).toEqual([]);
    // The tap had started reading the workspace and stopped soon after: a full sync makes about 1,900 requests.
    expect(h.sim.model.stats().requests).toBeGreaterThan(1);
    expect(h.sim.model.stats().requests).toBeLessThan(700);
  });
});
