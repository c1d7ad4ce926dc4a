import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../src/simulator/index.js";
import { runCli, tempFiles } from "../support/run-cli.js";
import { assertNoSecrets } from "../support/singer-check.js";

/** A port with nothing listening: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("--test, the connection check", () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ rateLimit: false });
  });
  afterAll(() => sim.stop());

  async function check(
    config: Record<string, unknown>,
  ): Promise<{ code: number | null; line: string; requests: number }> {
    sim.model.resetStats();
    const files = tempFiles({
      "c.json": {
        api_token: sim.token,
        api_secret: sim.secret,
        workspace: sim.workspace,
        base_url: sim.baseUrl,
        ...config,
      },
    });
    const result = await runCli(["--config", files.path("c.json"), "--test"]);
    assertNoSecrets(result.stdout + result.stderr, [sim.secret, String(config.api_secret ?? "")]);
    const lines = (result.stdout + result.stderr).trim().split("\n");
    expect(lines).toHaveLength(1);
    return { code: result.code, line: lines[0] ?? "", requests: sim.model.stats().requests };
  }

  it("succeeds with one authenticated GET of the workspace", async () => {
    const r = await check({});
    expect(r).toMatchObject({ code: 0, requests: 1 });
    expect(r.line).toMatch(/^connection ok: workspace acme .*reachable at 127\.0\.0\.1:\d+/);
  });

  it("names bad credentials after exactly one request", async () => {
    const r = await check({ api_secret: "wrong-secret-value" });
    expect(r).toMatchObject({ code: 1, requests: 1 });
    expect(r.line).toMatch(/connection failed: Mode answered 401: bad credentials \(check api_token and api_secret\)/);
  });

  it("names an unknown workspace", async () => {
    const r = await check({ workspace: "nosuchworkspace" });
    expect(r.code).toBe(1);
    expect(r.line).toMatch(/connection failed: Mode answered 404: unknown workspace "nosuchworkspace"/);
  });

  it("names an unreachable host", async () => {
    const port = await closedPort();
    const r = await check({ base_url: `http://127.0.0.1:${port}/api` });
    expect(r.code).toBe(1);
    expect(r.line).toMatch(/connection failed: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it("names a TLS failure when https meets a server that does not speak TLS", async () => {
    const r = await check({ base_url: sim.baseUrl.replace("http://", "https://") });
    expect(r.code).toBe(1);
    expect(r.line).toMatch(/connection failed: TLS error talking to 127\.0\.0\.1:\d+ \(\w+\)/);
  });
});
