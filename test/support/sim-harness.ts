import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import type { SimulatorOptions } from "../../src/simulator/types.js";
import { findStream } from "../../src/streams/registry.js";
import { PROJECT_ROOT, runCli, tempFiles, type CliOptions, type CliResult } from "./run-cli.js";
import { assertNoSecrets, checkSingerOutput, type ParsedOutput } from "./singer-check.js";

interface CatalogJson {
  streams: Array<{
    tap_stream_id: string;
    metadata: Array<{ breadcrumb: string[]; metadata: Record<string, unknown> }>;
  }>;
}

/**
 * The checked-in catalog with the given streams selected: by default all but query_results and the Discovery API
 * streams (an Enterprise opt-in the sync engine reads on a strategy of its own).
 */
export function catalogSelecting(
  select: (stream: string) => boolean = (s) => s !== "query_results" && findStream(s)?.api !== "discovery",
  tweak?: (stream: string, root: Record<string, unknown>) => void,
): CatalogJson {
  const catalog = JSON.parse(readFileSync(join(PROJECT_ROOT, "catalogs", "catalog.json"), "utf8")) as CatalogJson;
  for (const stream of catalog.streams) {
    const root = stream.metadata.find((m) => m.breadcrumb.length === 0);
    if (root) {
      root.metadata.selected = select(stream.tap_stream_id);
      tweak?.(stream.tap_stream_id, root.metadata);
    }
  }
  return catalog;
}

export interface TapRun extends CliResult {
  readonly output: ParsedOutput;
}

/** A simulator plus a temp dir with its config, for end-to-end syncs of the built command over loopback. */
export class SimHarness {
  private constructor(
    readonly sim: RunningSimulator,
    private readonly files: ReturnType<typeof tempFiles>,
  ) {}

  static async start(options: SimulatorOptions = {}, config: Record<string, unknown> = {}): Promise<SimHarness> {
    const sim = await startSimulator({ rateLimit: false, ...options });
    const files = tempFiles({
      "config.json": {
        api_token: sim.token,
        api_secret: sim.secret,
        workspace: sim.workspace,
        base_url: sim.baseUrl,
        rate_limit_requests: 1000,
        rate_limit_window_seconds: 1,
        // The simulator's data lies between 2019 and mid-2026; audit logs otherwise start 30 days back.
        start_date: "2019-01-01T00:00:00Z",
        ...config,
      },
    });
    return new SimHarness(sim, files);
  }

  path(name: string): string {
    return this.files.path(name);
  }

  write(name: string, content: unknown): string {
    const f = tempFiles({ [name]: content });
    return f.path(name);
  }

  /**
   * Runs the tap; `catalog` and `state` are values written to files. Output is checked for Singer conformance; with
   * `check: false` (a run killed on purpose) only complete lines are checked and no final STATE is required.
   */
  async tap(
    options: { catalog?: unknown; state?: unknown; args?: string[]; cli?: CliOptions; check?: boolean } = {},
  ): Promise<TapRun> {
    const args = ["--config", this.path("config.json")];
    if (options.catalog !== undefined) args.push("--catalog", this.write("catalog.json", options.catalog));
    if (options.state !== undefined) args.push("--state", this.write("state.json", options.state));
    const result = await runCli([...args, ...(options.args ?? [])], options.cli);
    assertNoSecrets(result.stdout + result.stderr, [this.sim.secret, this.sim.token]);
    const output =
      options.check === false
        ? checkSingerOutput(completeLines(result.stdout), { requireFinalState: false })
        : checkSingerOutput(result.stdout);
    return { ...result, output };
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }
}

/** Complete lines only: a SIGKILL can cut the last line; a target drops it, as the tap never finished writing it. */
export function completeLines(stdout: string): string {
  const end = stdout.lastIndexOf("\n");
  return end < 0 ? "" : stdout.slice(0, end + 1);
}

/** Sorted primary keys of a stream's records (first key property). */
export function keysOf(output: ParsedOutput, stream: string, key = "token"): string[] {
  return (output.records.get(stream) ?? []).map((r) => String(r[key])).sort();
}
