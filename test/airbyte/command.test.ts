import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Command } from "../../src/args.js";
import { discoverCatalog } from "../../src/catalog.js";
import type { JsonObject } from "../../src/json.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import { computeDiscoveryTruth } from "../../src/simulator/truth.js";
import { runCommand } from "../../src/tap.js";
import { assertNoSecrets, checkSingerOutput } from "../support/singer-check.js";
import { tempFiles } from "../support/run-cli.js";
import { assertConfiguredCatalog, latestStates, parseAirbyteOutput, type ParsedAirbyteOutput } from "./protocol.js";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in-process, as the CLI would, capturing stdout and stderr. */
async function run(command: Command): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  const code = await runCommand(command, {
    stdout,
    stderr,
    env: {},
    signal: new AbortController().signal,
    onDebug: () => undefined,
  });
  return { code, stdout: out, stderr: err };
}

const airbyte = (
  action: "spec" | "check" | "discover" | "read",
  files: { config?: string; catalog?: string; state?: string },
): Command => ({
  kind: "airbyte",
  action,
  configs: files.config === undefined ? [] : [files.config],
  ...(files.catalog === undefined ? {} : { catalog: files.catalog }),
  ...(files.state === undefined ? {} : { state: files.state }),
});

// Streams that need more than a default config (query_results needs report_results; audit_logs is admin-only and off
// by default): the sync below is the default selection, as configured in Airbyte.
const SKIPPED = new Set(["query_results", "audit_logs"]);

/** The configured catalog an Airbyte user gets by enabling every default stream, incremental where offered. */
function configuredCatalogFrom(
  discovered: ParsedAirbyteOutput,
  fullRefresh: ReadonlySet<string> = new Set(),
): JsonObject {
  const streams = discovered.messages[0]?.catalog?.streams ?? [];
  const value = {
    streams: streams
      .filter((s) => !SKIPPED.has(s.name))
      .map((s) => {
        const incremental = (s.supported_sync_modes as string[]).includes("incremental") && !fullRefresh.has(s.name);
        return {
          stream: s,
          sync_mode: incremental ? "incremental" : "full_refresh",
          destination_sync_mode: incremental ? "append_dedup" : "overwrite",
          ...(incremental ? { cursor_field: s.default_cursor_field } : {}),
        };
      }),
  };
  assertConfiguredCatalog(value);
  return value as unknown as JsonObject;
}

/** The Singer catalog selecting the same streams (every default stream). */
function singerCatalog(): JsonObject {
  const catalog = discoverCatalog();
  return {
    streams: catalog.streams.map((entry) => ({
      ...entry,
      metadata: (entry.metadata ?? []).map((m) =>
        m.breadcrumb.length === 0
          ? { ...m, metadata: { ...m.metadata, selected: !SKIPPED.has(entry.tap_stream_id) } }
          : m,
      ),
    })),
  } as unknown as JsonObject;
}

function keysByStream(records: ReadonlyMap<string, Array<Record<string, unknown>>>): Record<string, string[]> {
  const keys = new Map(discoverCatalog().streams.map((s) => [s.tap_stream_id, s.key_properties ?? []]));
  return Object.fromEntries(
    [...records.entries()].map(([stream, list]) => [
      stream,
      list.map((r) => (keys.get(stream) ?? []).map((k) => String(r[k])).join("|")).sort(),
    ]),
  );
}

describe("tap-mode airbyte against the Mode API simulator", () => {
  let simulator: RunningSimulator;
  let files: ReturnType<typeof tempFiles>;
  let discovered: ParsedAirbyteOutput;
  const secrets = (): string[] => [simulator.secret, simulator.token];

  beforeAll(async () => {
    simulator = await startSimulator({
      seed: 11,
      rateLimit: false,
      size: { spaces: 2, reportsPerSpace: 3, runsPerReport: 2 },
    });
    const base = {
      api_token: simulator.token,
      api_secret: simulator.secret,
      workspace: simulator.workspace,
      base_url: simulator.baseUrl,
      rate_limit_requests: 1000,
      rate_limit_window_seconds: 1,
      start_date: "2000-01-01T00:00:00Z",
    };
    files = tempFiles({
      "config.json": base,
      "wrong-secret.json": { ...base, api_secret: "not-the-secret", max_retries: 0 },
      "unreachable.json": { ...base, base_url: "http://127.0.0.1:1/api", max_retries: 0 },
      "incomplete.json": { workspace: "acme" },
      "state-bad.json": '[{"type": "GLOBAL", "global": {"stream_states": []}}]',
      "singer-catalog.json": singerCatalog(),
      "mapped.json": {
        ...base,
        stream_maps: { reports: { __alias__: "mode_reports" } },
        flattening_enabled: true,
        flattening_max_depth: 1,
      },
    });
    discovered = parseAirbyteOutput((await run(airbyte("discover", { config: files.path("config.json") }))).stdout);
  });

  afterAll(async () => {
    await simulator.stop();
  });

  it("spec needs no config and prints exactly one SPEC", async () => {
    const result = await run(airbyte("spec", {}));
    expect(result.code).toBe(0);
    const parsed = parseAirbyteOutput(result.stdout);
    expect(parsed.messages.map((m) => m.type)).toEqual(["SPEC"]);
    expect(Object.keys(parsed.messages[0]?.spec?.connectionSpecification.properties as object)).toContain("api_token");
  });

  it("check reports SUCCEEDED for working credentials", async () => {
    const result = await run(airbyte("check", { config: files.path("config.json") }));
    expect(result.code).toBe(0);
    const statuses = parseAirbyteOutput(result.stdout).messages.filter((m) => m.type === "CONNECTION_STATUS");
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.connectionStatus?.status).toBe("SUCCEEDED");
    expect(statuses[0]?.connectionStatus?.message).toContain(`workspace ${simulator.workspace}`);
    expect(result.stderr).toBe("");
  });

  it("check reports FAILED with the one-line reason for rejected credentials, and exits 0", async () => {
    const result = await run(airbyte("check", { config: files.path("wrong-secret.json") }));
    expect(result.code).toBe(0);
    const status = parseAirbyteOutput(result.stdout).messages.find(
      (m) => m.type === "CONNECTION_STATUS",
    )?.connectionStatus;
    expect(status).toEqual({
      status: "FAILED",
      message: "connection failed: Mode answered 401: bad credentials (check api_token and api_secret)",
    });
    assertNoSecrets(result.stdout + result.stderr, [...secrets(), "not-the-secret"]);
  });

  it("check reports an invalid config as FAILED rather than crashing", async () => {
    const result = await run(airbyte("check", { config: files.path("incomplete.json") }));
    expect(result.code).toBe(0);
    const parsed = parseAirbyteOutput(result.stdout);
    expect(parsed.messages).toEqual([
      {
        type: "CONNECTION_STATUS",
        connectionStatus: {
          status: "FAILED",
          message: `config ${files.path("incomplete.json")}: missing required setting "api_token"`,
        },
      },
    ]);
  });

  it("discover prints one CATALOG with every stream", () => {
    expect(discovered.messages.map((m) => m.type)).toEqual(["CATALOG"]);
    expect(discovered.messages[0]?.catalog?.streams.map((s) => s.name)).toEqual(
      discoverCatalog().streams.map((s) => s.tap_stream_id),
    );
  });

  it("a config error ends with one TRACE config_error and a non-zero exit", async () => {
    const catalog = tempFiles({ "c.json": configuredCatalogFrom(discovered) });
    const result = await run(
      airbyte("read", { config: files.path("incomplete.json"), catalog: catalog.path("c.json") }),
    );
    expect(result.code).toBe(2);
    const parsed = parseAirbyteOutput(result.stdout);
    expect(parsed.messages.map((m) => m.type)).toEqual(["TRACE"]);
    expect(parsed.traces[0]?.error).toMatchObject({
      failure_type: "config_error",
      message: `config ${files.path("incomplete.json")}: missing required setting "api_token"`,
    });
    expect(result.stderr).toBe("");
  });

  it("an unreadable state ends with a TRACE config_error naming the file", async () => {
    const catalog = tempFiles({ "c.json": configuredCatalogFrom(discovered) });
    const result = await run(
      airbyte("read", {
        config: files.path("config.json"),
        catalog: catalog.path("c.json"),
        state: files.path("state-bad.json"),
      }),
    );
    expect(result.code).toBe(2);
    const trace = parseAirbyteOutput(result.stdout).traces.at(-1);
    expect(trace?.error?.failure_type).toBe("config_error");
    expect(trace?.error?.message).toContain(`state ${files.path("state-bad.json")}: [0] is a GLOBAL state`);
  });

  it(
    "credentials Mode rejects during read end with a TRACE " + "config_error after a STATE the next read resumes from",
    async () => {
      const catalog = tempFiles({ "c.json": configuredCatalogFrom(discovered) });
      const result = await run(
        airbyte("read", { config: files.path("wrong-secret.json"), catalog: catalog.path("c.json") }),
      );
      expect(result.code).toBe(1);
      const parsed = parseAirbyteOutput(result.stdout);
      expect(parsed.messages.at(-1)?.type).toBe("TRACE");
      expect(parsed.messages.at(-2)?.type).toBe("STATE");
      expect(parsed.traces.at(-1)?.error?.failure_type).toBe("config_error");
      expect(parsed.traces.at(-1)?.error?.message).toContain("HTTP 401");
      expect(parsed.records.size).toBe(0);
      assertNoSecrets(result.stdout, [...secrets(), "not-the-secret"]);

      // The failed run's last checkpoint carries the run-wide resume fields; the next read resumes that sync.
      const states = latestStates(parsed);
      const block = states[0]?.stream.stream_state.tap_mode as { sync_started_at?: string; currently_syncing?: string };
      expect(block.sync_started_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(states.every((s) => JSON.stringify(s.stream.stream_state.tap_mode) === JSON.stringify(block))).toBe(true);
      const stateFile = tempFiles({ "state.json": states });
      const resumed = await run(
        airbyte("read", {
          config: files.path("config.json"),
          catalog: catalog.path("c.json"),
          state: stateFile.path("state.json"),
        }),
      );
      expect(resumed.code).toBe(0);
      const output = parseAirbyteOutput(resumed.stdout);
      expect(output.logs.map((l) => l.message)).toContain(
        `resuming the sync started at ${block.sync_started_at} from its last STATE`,
      );
      expect(keysByStream(output.records).spaces).toEqual(simulator.model.truth().spaces);
      const final = latestStates(output).map(
        (s) => s.stream.stream_state.tap_mode as { sync_started_at?: string; currently_syncing: unknown },
      );
      expect(final.every((b) => b.sync_started_at === undefined && b.currently_syncing === null)).toBe(true);
    },
  );

  it("an unreachable Mode ends with a TRACE transient_error", async () => {
    const catalog = tempFiles({ "c.json": configuredCatalogFrom(discovered) });
    const result = await run(
      airbyte("read", { config: files.path("unreachable.json"), catalog: catalog.path("c.json") }),
    );
    expect(result.code).toBe(1);
    const trace = parseAirbyteOutput(result.stdout).traces.at(-1);
    expect(trace?.error?.failure_type).toBe("transient_error");
    expect(trace?.error?.message).toContain("ECONNREFUSED");
    expect(trace?.error?.stack_trace).toContain("Error");
  });

  it(
    "read emits what a Singer sync emits, resumes from the states the platform passes back, and logs only as " +
      "LOG messages",
    async () => {
      const truth = simulator.model.truth();
      const configured = configuredCatalogFrom(discovered);
      const catalogFiles = tempFiles({ "configured.json": configured });

      // Full read, and the same selection as a Singer sync.
      const first = await run(
        airbyte("read", { config: files.path("config.json"), catalog: catalogFiles.path("configured.json") }),
      );
      expect(first.code).toBe(0);
      expect(first.stderr).toBe("");
      const full = parseAirbyteOutput(first.stdout);
      // Airbyte reads are not versioned (the protocol has no ACTIVATE_VERSION): compare with an unversioned Singer
      // sync.
      const unversioned = tempFiles({ "off.json": { emit_activate_version_messages: false } });
      const singer = await run({
        kind: "sync",
        configs: [files.path("config.json"), unversioned.path("off.json")],
        catalog: files.path("singer-catalog.json"),
      });
      expect(singer.code).toBe(0);
      const singerOutput = checkSingerOutput(singer.stdout);
      expect(keysByStream(full.records)).toEqual(keysByStream(singerOutput.records));
      const configuredNames = (configured.streams as Array<{ stream: { name: string } }>).map((s) => s.stream.name);
      for (const stream of configuredNames) {
        const expected = truth[stream];
        if (expected !== undefined) expect(keysByStream(full.records)[stream] ?? [], stream).toEqual(expected);
      }
      expect(full.logs.some((l) => l.level === "INFO" && l.message.startsWith("selected streams: "))).toBe(true);
      expect(full.logs.some((l) => l.message.startsWith("METRIC: "))).toBe(true);
      assertNoSecrets(first.stdout, secrets());

      // The final checkpoint: one STATE per configured stream; their bookmarks are the Singer sync's bookmarks.
      const states = latestStates(full);
      expect(states.map((s) => s.stream.stream_descriptor.name).sort()).toEqual([...configuredNames].sort());
      const bookmarks: Record<string, unknown> = {};
      for (const state of states) {
        const streamState = state.stream.stream_state as {
          bookmark?: unknown;
          tap_mode: { other_bookmarks?: Record<string, unknown>; currently_syncing: unknown };
        };
        if (streamState.bookmark !== undefined) bookmarks[state.stream.stream_descriptor.name] = streamState.bookmark;
        Object.assign(bookmarks, streamState.tap_mode.other_bookmarks ?? {});
        expect(streamState.tap_mode.currently_syncing).toBeNull();
      }
      expect(bookmarks).toEqual((singerOutput.lastState as { bookmarks: unknown }).bookmarks);

      // Incremental read from those states: unchanged reports and datasets are skipped,
      // full-refresh streams read again.
      const stateFiles = tempFiles({ "state.json": states });
      const second = await run(
        airbyte("read", {
          config: files.path("config.json"),
          catalog: catalogFiles.path("configured.json"),
          state: stateFiles.path("state.json"),
        }),
      );
      expect(second.code).toBe(0);
      const incremental = parseAirbyteOutput(second.stdout);
      expect(incremental.records.get("reports")).toBeUndefined();
      expect(incremental.records.get("datasets")).toBeUndefined();
      expect(keysByStream(incremental.records).spaces).toEqual(truth.spaces);
      const sequences = incremental.states.map(
        (s) => (s.stream.stream_state.tap_mode as { checkpoint: { sequence: number } }).checkpoint.sequence,
      );
      expect(Math.min(...sequences)).toBeGreaterThan(
        Math.max(
          ...full.states.map(
            (s) => (s.stream.stream_state.tap_mode as { checkpoint: { sequence: number } }).checkpoint.sequence,
          ),
        ),
      );

      // Reports switched to full_refresh: its bookmark is ignored and every report is read again.
      const refresh = tempFiles({ "configured.json": configuredCatalogFrom(discovered, new Set(["reports"])) });
      const third = await run(
        airbyte("read", {
          config: files.path("config.json"),
          catalog: refresh.path("configured.json"),
          state: stateFiles.path("state.json"),
        }),
      );
      expect(third.code).toBe(0);
      expect(keysByStream(parseAirbyteOutput(third.stdout).records).reports).toEqual(truth.reports);
    },
  );

  it("read ignores stream maps and flattening, with one warning: records follow the configured catalog", async () => {
    const configured = tempFiles({ "configured.json": configuredCatalogFrom(discovered) });
    const result = await run(
      airbyte("read", { config: files.path("mapped.json"), catalog: configured.path("configured.json") }),
    );
    expect(result.code).toBe(0);
    const output = parseAirbyteOutput(result.stdout);
    expect(keysByStream(output.records).reports).toEqual(simulator.model.truth().reports);
    expect(output.records.has("mode_reports")).toBe(false);
    expect(Object.keys(output.records.get("reports")?.[0] ?? {}).filter((k) => k.includes("__"))).toEqual([]);
    expect(
      output.logs.filter((l) => l.level === "WARN" && l.message.includes("airbyte read ignores them")),
    ).toHaveLength(1);
  });

  it(
    "discover lists the Discovery streams full_refresh " + "only, and read syncs them with the run's token deleted",
    async () => {
      const streams = discovered.messages[0]?.catalog?.streams ?? [];
      const discoveryStreams = streams.filter((s) => s.name.startsWith("discovery_"));
      expect(discoveryStreams.map((s) => s.name)).toEqual(Object.keys(computeDiscoveryTruth(simulator.model.world)));
      for (const s of discoveryStreams) expect(s.supported_sync_modes, s.name).toEqual(["full_refresh"]);
      const configured = {
        streams: discoveryStreams.map((s) => ({
          stream: s,
          sync_mode: "full_refresh",
          destination_sync_mode: "overwrite",
        })),
      };
      assertConfiguredCatalog(configured);
      const catalogFiles = tempFiles({ "configured.json": configured });
      const before = simulator.discovery.signatureTokens().length;
      const read = await run(
        airbyte("read", { config: files.path("config.json"), catalog: catalogFiles.path("configured.json") }),
      );
      expect(read.code).toBe(0);
      expect(read.stderr).toBe("");
      const output = parseAirbyteOutput(read.stdout);
      const truth = computeDiscoveryTruth(simulator.model.world);
      const keys = keysByStream(output.records);
      for (const s of discoveryStreams) expect(keys[s.name] ?? [], s.name).toEqual(truth[s.name]);
      const tokens = simulator.discovery.signatureTokens().slice(before);
      expect(tokens).toHaveLength(1);
      expect(simulator.discovery.liveSignatureTokens()).toHaveLength(0);
      assertNoSecrets(read.stdout, [...secrets(), ...tokens.flatMap((t) => [t.accessKey, t.accessSecret])]);
    },
  );
});
