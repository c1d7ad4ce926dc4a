import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimHarness, catalogSelecting } from "../support/sim-harness.js";
import { runCli, tempFiles } from "../support/run-cli.js";
import { assertNoSecrets } from "../support/singer-check.js";
import { stackFrames } from "./support.js";

/** Lines of stderr that start with CRITICAL. */
const critical = (stderr: string): string[] => stderr.split("\n").filter((line) => line.startsWith("CRITICAL"));

describe("credentials and workspace the API refuses", () => {
  let h: SimHarness;
  const catalog = catalogSelecting();

  beforeAll(async () => {
    h = await SimHarness.start({ seed: 31, size: { spaces: 2, reportsPerSpace: 3 } });
  });
  afterAll(() => h.stop());

  /** Runs the built tap with the harness's config, some settings replaced. */
  async function tapWith(
    overrides: Record<string, unknown>,
  ): Promise<{ code: number | null; stdout: string; stderr: string; requests: number }> {
    const base = {
      api_token: h.sim.token,
      api_secret: h.sim.secret,
      workspace: h.sim.workspace,
      base_url: h.sim.baseUrl,
      start_date: "2019-01-01T00:00:00Z",
    };
    const files = tempFiles({ "config.json": { ...base, ...overrides }, "catalog.json": catalog });
    h.sim.model.resetStats();
    const result = await runCli(["--config", files.path("config.json"), "--catalog", files.path("catalog.json")]);
    const secrets = [
      h.sim.token,
      h.sim.secret,
      ...Object.values(overrides).filter((v): v is string => typeof v === "string" && v.startsWith("wrong")),
    ];
    assertNoSecrets(result.stdout + result.stderr, secrets);
    return { ...result, requests: h.sim.model.stats().requests };
  }

  it(
    "a wrong secret fails after exactly one request, " + "with one CRITICAL line that says authentication failed",
    async () => {
      const run = await tapWith({ api_secret: "wrong-secret-7f3a" });
      expect(run.code).toBe(1);
      expect(run.requests).toBe(1);
      expect(critical(run.stderr)).toEqual([
        expect.stringMatching(/HTTP 401 .*authentication failed; check api_token, api_secret/),
      ]);
      expect(stackFrames(run.stderr)).toEqual([]);
      expect(run.stdout).not.toContain('"type":"RECORD"');
    },
  );

  it("an unknown token fails the same way after exactly one request", async () => {
    const run = await tapWith({ api_token: "wrong-token-91c2" });
    expect(run.code).toBe(1);
    expect(run.requests).toBe(1);
    expect(critical(run.stderr)).toEqual([expect.stringMatching(/HTTP 401 .*authentication failed/)]);
    expect(stackFrames(run.stderr)).toEqual([]);
  });

  it("an unknown workspace fails after exactly one request, with one CRITICAL line naming the workspace", async () => {
    const run = await tapWith({ workspace: "no-such-workspace" });
    expect(run.requests).toBe(1);
    expect(run.code).toBe(1);
    expect(critical(run.stderr)).toEqual([
      expect.stringMatching(/no-such-workspace.*not found|not found.*no-such-workspace/i),
    ]);
    expect(stackFrames(run.stderr)).toEqual([]);
  });
});
