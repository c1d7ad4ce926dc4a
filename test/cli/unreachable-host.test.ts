import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { catalogSelecting } from "../support/sim-harness.js";
import { runCli, tempFiles } from "../support/run-cli.js";

/** A port with nothing listening: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("a sync that cannot reach the host", () => {
  it("stops at once with one line naming the host and base_url, and exits non-zero", async () => {
    const port = await closedPort();
    const files = tempFiles({
      "c.json": {
        api_token: "token-abc",
        api_secret: "secret-xyz",
        workspace: "acme",
        base_url: `http://127.0.0.1:${port}/api`,
      },
      "catalog.json": catalogSelecting(),
    });
    const started = performance.now();
    const result = await runCli(["--config", files.path("c.json"), "--catalog", files.path("catalog.json")]);
    expect(result.code).toBe(1);
    const problems = result.stderr.split("\n").filter((l) => /^(CRITICAL|ERROR|WARNING)/.test(l));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^CRITICAL cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): check base_url and the network`),
    );
    expect(result.stderr).not.toContain("secret-xyz");
    // No minutes of retries against a host never reached.
    expect(performance.now() - started).toBeLessThan(15_000);
    // A STATE may be written (nothing was synced); no record is.
    expect(result.stdout).not.toContain('"type":"RECORD"');
  });
});
