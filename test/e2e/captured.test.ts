import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCapturedServer, type CapturedServer } from "../support/captured-server.js";
import { catalogSelecting, keysOf } from "../support/sim-harness.js";
import { runCli, tempFiles } from "../support/run-cli.js";
import { assertNoSecrets, checkSingerOutput } from "../support/singer-check.js";
import { ModeClient } from "../../src/http/client.js";
import { createLogger } from "../../src/log.js";
import { loadSchemaRegistry } from "../../src/schemas.js";
import { createRecordProcessor } from "../../src/records/processor.js";

const FIXTURES = new URL("../fixtures/mode-captured/", import.meta.url);
const fixture = (
  file: string,
): { _embedded?: Record<string, Array<Record<string, unknown>>> } & Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) as {
    _embedded?: Record<string, Array<Record<string, unknown>>>;
  } & Record<string, unknown>;
const tokens = (file: string, key: string): string[] =>
  (fixture(file)._embedded?.[key] ?? []).map((item) => String(item.token)).sort();

const TOKEN = "captured-token-xyz";
const SECRET = "captured-secret-xyz";

describe("the tap against response bodies captured from the real Mode API", () => {
  let server: CapturedServer;
  let run: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    server = await startCapturedServer();
    const files = tempFiles({
      "config.json": {
        api_token: TOKEN,
        api_secret: SECRET,
        workspace: server.workspace,
        base_url: server.baseUrl,
        rate_limit_requests: 1000,
        rate_limit_window_seconds: 1,
        // The captured dataset 24f66e1701b6 is read through its detail endpoint by the report-results feature.
        report_results: { reports: ["24f66e1701b6"] },
      },
      "catalog.json": catalogSelecting((s) => s !== "audit_logs"),
    });
    run = await runCli(["--config", files.path("config.json"), "--catalog", files.path("catalog.json")]);
  });
  afterAll(() => server.stop());

  it("syncs every captured list into records equal to the captured items", () => {
    assertNoSecrets(run.stdout + run.stderr, [TOKEN, SECRET]);
    const output = checkSingerOutput(run.stdout);
    expect(keysOf(output, "spaces")).toEqual(tokens("spaces.json", "spaces"));
    expect(keysOf(output, "reports")).toEqual(
      [...tokens("reports_157933cc1168.json", "reports"), ...tokens("reports_75737b70402e.json", "reports")].sort(),
    );
    expect(keysOf(output, "queries")).toEqual(tokens("queries.json", "queries"));
    expect(keysOf(output, "charts")).toEqual(tokens("charts.json", "charts"));
    expect(keysOf(output, "data_sources")).toEqual(tokens("data_sources.json", "data_sources"));
    expect(keysOf(output, "definitions")).toEqual(tokens("definitions.json", "definitions"));
    expect(keysOf(output, "datasets")).toEqual(tokens("datasets_75737b70402e.json", "reports"));
    expect(keysOf(output, "dataset_queries")).toEqual(tokens("dataset_queries_24f66e1701b6.json", "queries"));
    expect(keysOf(output, "workspaces")).toEqual([String(fixture("workspace.synthetic.json").token)]);
  });

  it("emits the captured pre-2025 integer ids as exact strings and timestamps in UTC", () => {
    const output = checkSingerOutput(run.stdout);
    const report = output.records.get("reports")?.[0];
    const captured = fixture("reports_75737b70402e.json")._embedded?.reports?.[0];
    expect(typeof captured?.id).toBe("number");
    expect(report?.id).toBe(String(captured?.id));
    expect(report?.created_at).toBe(new Date(String(captured?.created_at)).toISOString());
    expect(report).not.toHaveProperty("_links");
    expect(report).not.toHaveProperty("web_preview_image");
  });

  it("reads the captured dataset detail for report results and finishes with exit 0", () => {
    expect(server.requests).toContain("/api/acryl/reports/24f66e1701b6");
    expect(run.code).toBe(0);
  });

  it(
    "reads the captured account (user) and verify bodies through the client, and the account validates as a " +
      "workspace record",
    async () => {
      const logger = createLogger({ level: "silent" });
      const client = new ModeClient({
        baseUrl: server.baseUrl,
        apiToken: TOKEN,
        apiSecret: SECRET,
        userAgent: "test",
        requestTimeoutMs: 5000,
        rateLimit: { requests: 100, windowMs: 1000 },
        maxRetries: 0,
        logger,
      });
      try {
        const verify = await client.getJson({ path: "/verify", template: "/verify" });
        expect(verify).toEqual(expect.objectContaining({ workspace: fixture("verify.json").workspace }));
        const user = await client.getJson({ path: "/modeuser", template: "/{user}" });
        const processor = createRecordProcessor({ schemas: loadSchemaRegistry(), logger, invalidRecords: "fail" });
        const record = processor.process("workspaces", user, { workspace: "acryl" });
        expect(record?.token).toBe(fixture("user.json").token);
        expect(record?.user).toBe(true);
      } finally {
        await client.close();
      }
    },
  );
});
