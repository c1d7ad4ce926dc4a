import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { streamDefinitions } from "../src/streams/registry.js";
import { PROJECT_ROOT } from "./support/run-cli.js";

const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
const config = JSON.parse(readFileSync(join(PROJECT_ROOT, "schemas", "config.json"), "utf8")) as {
  properties: Record<string, unknown>;
};

describe("README", () => {
  it("gives the two quick-start commands", () => {
    expect(readme).toContain("npm ci && npm run demo");
    expect(readme).toContain("npm ci && npm test");
  });

  it("has a row in the configuration table for every setting of schemas/config.json", () => {
    for (const key of Object.keys(config.properties))
      expect(readme, key).toMatch(new RegExp(`^\\| \`${key}\` \\|`, "m"));
  });

  it("has a row in the streams table for every stream, with its key", () => {
    for (const d of streamDefinitions()) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${d.name}\` |`));
      expect(row, d.name).toBeDefined();
      for (const key of d.keyProperties) expect(row, d.name).toContain(`\`${key}\``);
    }
  });

  it("names the test command CI runs", () => {
    expect(readFileSync(join(PROJECT_ROOT, ".ci", "run"), "utf8")).toMatch(/^npm ci && npm test$/m);
  });
});
