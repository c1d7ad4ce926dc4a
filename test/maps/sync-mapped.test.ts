import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Command } from "../../src/args.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import { runCommand } from "../../src/tap.js";
import { runCli, tempFiles } from "../support/run-cli.js";
import { catalogSelecting } from "../support/sim-harness.js";
import { checkSingerOutput, type ParsedOutput } from "../support/singer-check.js";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tap-mode --config ... --catalog ...` in-process, as the CLI does. */
async function sync(config: string, catalog: string): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  const command: Command = { kind: "sync", configs: [config], catalog };
  const code = await runCommand(command, {
    stdout,
    stderr,
    env: {},
    signal: new AbortController().signal,
    onDebug: () => undefined,
  });
  return { code, stdout: out, stderr: err };
}

/**
 * singer-io/target-csv's rule (target_csv.py `flatten` and `persist_messages`): a record's nested objects are flattened
 * into `parent__child` keys (lists are written as text), and a file's header is the first record's flattened keys.
 */
function targetCsvFlatten(value: Readonly<Record<string, unknown>>, parent = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = parent === "" ? key : `${parent}__${key}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v))
      Object.assign(out, targetCsvFlatten(v as Record<string, unknown>, name));
    else out[name] = Array.isArray(v) ? JSON.stringify(v) : v;
  }
  return out;
}

/** Streams whose records differ in the fields Mode sends (optional fields, nested settings, failed runs). */
const VARYING = ["spaces", "report_schedules", "dataset_schedules", "query_runs", "charts"];

describe("records every target can load (a full sync against the simulator)", () => {
  let simulator: RunningSimulator;
  let files: ReturnType<typeof tempFiles>;

  beforeAll(async () => {
    simulator = await startSimulator({
      seed: 5,
      rateLimit: false,
      size: { spaces: 2, reportsPerSpace: 3, queriesPerReport: 1, chartsPerQuery: 2, runsPerReport: 2 },
    });
    const base = {
      api_token: simulator.token,
      api_secret: simulator.secret,
      workspace: simulator.workspace,
      base_url: simulator.baseUrl,
      rate_limit_requests: 1000,
      rate_limit_window_seconds: 1,
      start_date: "2019-01-01T00:00:00Z",
    };
    files = tempFiles({
      "plain.json": base,
      "flat.json": { ...base, flattening_enabled: true, flattening_max_depth: 2 },
      "mapped.json": {
        ...base,
        stream_maps: {
          memberships: { member_username: "md5(config['hash_seed'] + member_username)", email: null },
          queries: { raw_query: null },
          reports: { __alias__: "mode_reports" },
          groups: null,
        },
        stream_map_config: { hash_seed: "seed" },
      },
      "bad-expression.json": { ...base, stream_maps: { reports: { name_hash: "md5(name" } } },
      "unknown-name.json": { ...base, stream_maps: { memberships: { email_hash: "md5(creator_email)" } } },
      "catalog.json": catalogSelecting(),
    });
  });
  afterAll(() => simulator.stop());

  function parse(run: Run): ParsedOutput {
    expect(run.code, run.stderr).toBe(0);
    return checkSingerOutput(run.stdout);
  }

  it("without flattening, every record of a stream has the same top-level keys in the same order", async () => {
    const output = parse(await sync(files.path("plain.json"), files.path("catalog.json")));
    for (const [stream, records] of output.records) {
      const keys = JSON.stringify(Object.keys(records[0] ?? {}));
      for (const record of records) expect(JSON.stringify(Object.keys(record)), stream).toBe(keys);
    }
    for (const stream of VARYING) expect(output.records.get(stream)?.length ?? 0, stream).toBeGreaterThan(1);
  });

  it("with flattening, target-csv's header (the first record's keys) holds every value of every record", async () => {
    const output = parse(await sync(files.path("flat.json"), files.path("catalog.json")));
    let values = 0;
    for (const [stream, records] of output.records) {
      const columns = Object.keys(output.schemas.get(stream)?.properties as object);
      const header = Object.keys(targetCsvFlatten(records[0] ?? {}));
      expect(header, stream).toEqual(columns);
      for (const record of records) {
        const row = targetCsvFlatten(record);
        expect(Object.keys(row), stream).toEqual(header);
        // No nested object is left for the target to flatten: nested values are columns or JSON text.
        for (const value of Object.values(row)) expect(typeof value === "object" && value !== null).toBe(false);
        values += Object.values(row).filter((v) => v !== null).length;
      }
    }
    expect(values).toBeGreaterThan(1000);
    const charts = output.schemas.get("charts")?.properties as Record<string, unknown>;
    expect(charts.view_vegas).toEqual({ type: ["string", "null"] });
    expect(Object.keys(output.schemas.get("workspaces")?.properties as object)).toContain("avatar__initials");
  });

  it(
    "applies stream maps: a hashed user name, a dropped property, an alias and a dropped stream; state keeps " +
      "tap names",
    async () => {
      const output = parse(await sync(files.path("mapped.json"), files.path("catalog.json")));
      const members = output.records.get("memberships") ?? [];
      expect(members.length).toBeGreaterThan(0);
      // The simulator's members have no email (Mode sends it only sometimes): the user name is hashed instead.
      for (const member of members) {
        expect(member).not.toHaveProperty("email");
        expect(member.member_username).toMatch(/^[0-9a-f]{32}$/);
      }
      expect(Object.keys(output.schemas.get("memberships")?.properties as object)).not.toContain("email");
      for (const query of output.records.get("queries") ?? []) expect(query).not.toHaveProperty("raw_query");
      expect(output.records.has("reports")).toBe(false);
      expect(output.records.get("mode_reports")?.length).toBe(simulator.model.truth().reports?.length);
      expect(output.schemas.has("groups")).toBe(false);
      expect(output.records.has("groups")).toBe(false);
      const bookmarks = (output.lastState as { bookmarks: Record<string, unknown> }).bookmarks;
      expect(Object.keys(bookmarks)).toContain("reports");
      expect(Object.keys(bookmarks)).not.toContain("mode_reports");
    },
  );

  it.each([
    ["bad-expression.json", 'config: "stream_maps.reports.name_hash": cannot evaluate "md5(name"'],
    [
      "unknown-name.json",
      '"stream_maps.memberships.email_hash" reads "creator_email", which stream memberships does not have',
    ],
  ])("%s: one clear error line, nothing on stdout, exit 2 (the built command)", async (config, message) => {
    const run = await runCli(["--config", files.path(config), "--catalog", files.path("catalog.json")]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines.filter((line) => /CRITICAL|ERROR/.test(line))).toHaveLength(1);
    expect(lines.at(-1)).toContain(message);
    expect(run.stderr).not.toContain("    at ");
  });
});
