import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airbyteCatalog } from "../../src/airbyte/catalog.js";
import { discoverCatalog } from "../../src/catalog.js";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import { streamDefinitions } from "../../src/streams/registry.js";
import { assertNoSecrets } from "../support/singer-check.js";
import { runCli, tempFiles } from "../support/run-cli.js";
import { assertConfiguredCatalog, parseAirbyteOutput } from "./protocol.js";

describe("the built command in Airbyte mode", () => {
  let simulator: RunningSimulator;
  let files: ReturnType<typeof tempFiles>;

  beforeAll(async () => {
    simulator = await startSimulator({
      seed: 5,
      rateLimit: false,
      size: { spaces: 2, reportsPerSpace: 3, runsPerReport: 2 },
    });
    files = tempFiles({
      "config.json": {
        api_token: simulator.token,
        api_secret: simulator.secret,
        workspace: simulator.workspace,
        base_url: simulator.baseUrl,
        rate_limit_requests: 1000,
        rate_limit_window_seconds: 1,
      },
    });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  it("reads the configured streams with only Airbyte messages on stdout and nothing on stderr", async () => {
    // Discovery is covered in-process (command.test.ts); one spawn keeps this test fast.
    const streams = airbyteCatalog(discoverCatalog(), streamDefinitions()).streams;
    const wanted = new Set(["spaces", "reports", "runs"]);
    const configured = {
      streams: streams
        .filter((s) => wanted.has(s.name))
        .map((s) => ({
          stream: s,
          sync_mode: s.name === "spaces" ? "full_refresh" : "incremental",
          destination_sync_mode: "append",
          ...(s.name === "spaces" ? {} : { cursor_field: s.default_cursor_field }),
        })),
    };
    assertConfiguredCatalog(configured);
    const catalog = tempFiles({ "configured.json": configured });

    const read = await runCli([
      "airbyte",
      "read",
      "--config",
      files.path("config.json"),
      "--catalog",
      catalog.path("configured.json"),
    ]);
    expect(read.stderr).toBe("");
    expect(read.code).toBe(0);
    const parsed = parseAirbyteOutput(read.stdout);
    expect([...parsed.records.keys()].sort()).toEqual(["reports", "runs", "spaces"]);
    const truth = simulator.model.truth();
    expect(
      parsed.records
        .get("reports")
        ?.map((r) => r.token)
        .sort(),
    ).toEqual(truth.reports);
    expect(
      parsed.records
        .get("runs")
        ?.map((r) => r.token)
        .sort(),
    ).toEqual(truth.runs);
    expect(new Set(parsed.messages.map((m) => m.type))).toEqual(new Set(["LOG", "RECORD", "STATE"]));
    assertNoSecrets(read.stdout, [simulator.token, simulator.secret]);
  });
});
