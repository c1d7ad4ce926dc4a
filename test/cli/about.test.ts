import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT, runCli } from "../support/run-cli.js";

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
const configSchema = JSON.parse(readFileSync(join(PROJECT_ROOT, "schemas", "config.json"), "utf8")) as {
  properties: Record<string, unknown>;
  required: string[];
};

describe("--about and --version", () => {
  it("--about --format json lists the capabilities, the settings schema and the streams", async () => {
    const result = await runCli(["--about", "--format", "json"]);
    expect(result.code).toBe(0);
    const about = JSON.parse(result.stdout) as {
      name: string;
      version: string;
      capabilities: string[];
      settings: { properties: Record<string, unknown>; required: string[] };
      streams: Array<{ name: string }>;
    };
    expect(about.name).toBe("tap-mode");
    expect(about.version).toBe(pkg.version);
    expect(about.capabilities).toEqual(expect.arrayContaining(["catalog", "discover", "state", "about", "test"]));
    expect(Object.keys(about.settings.properties)).toEqual(Object.keys(configSchema.properties));
    expect(about.settings.required).toEqual(["api_token", "api_secret", "workspace"]);
    expect(about.streams.map((s) => s.name)).toEqual(
      expect.arrayContaining(["spaces", "reports", "queries", "charts", "runs", "query_runs", "data_sources"]),
    );
  });

  it("--about in text names every setting with its environment variable", async () => {
    const result = await runCli(["--about"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Name: tap-mode$/m);
    const apiSecret = [
      "  - Name: api_secret",
      '    Type: "string"',
      "    Required: true",
      "    Secret: true",
      "    Environment Variable: TAP_MODE_API_SECRET",
    ];
    expect(result.stdout).toContain(`\n${apiSecret.join("\n")}\n`);
    expect(result.stdout).toMatch(/^ {2}- test$/m);
  });

  it("--about in markdown has a settings table and a streams table", async () => {
    const result = await runCli(["--about", "--format", "markdown"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# `tap-mode`$/m);
    expect(result.stdout).toMatch(/^\| api_token \| True \| None \|/m);
    expect(result.stdout).toMatch(/^\| reports \| token \| INCREMENTAL, FULL_TABLE \(updated_at\) \| spaces \|/m);
  });

  it("--version prints the package version", async () => {
    const result = await runCli(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`tap-mode ${pkg.version}`);
  });
});
