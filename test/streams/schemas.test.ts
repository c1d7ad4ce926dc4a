import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SchemaLoadError, loadSchemaRegistry } from "../../src/schemas.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A package root with the given files under schemas/. */
function packageWith(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), "tap-mode-schemas-"));
  roots.push(root);
  mkdirSync(join(root, "schemas", "shared"), { recursive: true });
  for (const [path, content] of Object.entries(files))
    writeFileSync(join(root, "schemas", path), typeof content === "string" ? content : JSON.stringify(content));
  return root;
}

describe("schema registry", () => {
  it("inlines shared pieces, merging the referring schema's properties and required over them", () => {
    const root = packageWith({
      "shared/base.json": {
        type: "object",
        description: "base",
        properties: { token: { type: "string" }, at: { $ref: "shared/ts.json" } },
        required: ["token"],
      },
      "shared/ts.json": { type: ["null", "string"], format: "date-time" },
      "things.json": {
        $ref: "shared/base.json",
        description: "things",
        properties: { parent_token: { type: ["null", "string"] } },
        required: ["parent_token"],
      },
    });
    const registry = loadSchemaRegistry({ root, streams: ["things"] });
    expect(registry.schema("things")).toEqual({
      type: "object",
      description: "things",
      properties: {
        token: { type: "string" },
        at: { type: ["null", "string"], format: "date-time" },
        parent_token: { type: ["null", "string"] },
      },
      required: ["token", "parent_token"],
    });
    expect(Object.isFrozen(registry.schema("things").properties)).toBe(true);
  });

  it("compiles each stream's validator once and reuses it", () => {
    const registry = loadSchemaRegistry({ streams: ["spaces", "reports"] });
    const first = registry.validator("spaces");
    expect(registry.validator("spaces")).toBe(first);
    expect(first({ token: "t", "viewable?": true })).toBe(true);
    expect(first({ token: "t", "viewable?": "yes" })).toBe(false);
  });

  it("checks date-time fully when a value is not in the everyday canonical form", () => {
    const validate = loadSchemaRegistry({ streams: ["reports"] }).validator("reports");
    expect(validate({ token: "t", created_at: "2021-01-31T23:59:59.999Z" })).toBe(true);
    expect(validate({ token: "t", created_at: "2024-02-29T00:00:00.000Z" })).toBe(true);
    expect(validate({ token: "t", created_at: "2021-02-30T00:00:00.000Z" })).toBe(false);
    expect(validate({ token: "t", created_at: "2021-12-10T20:55:24+01:00" })).toBe(true);
    expect(validate({ token: "t", created_at: "2021-12-10" })).toBe(false);
  });

  it.each([
    ["a missing file", {}, "schemas/things.json: cannot be read (ENOENT)"],
    ["invalid JSON", { "things.json": "{" }, "schemas/things.json: is not valid JSON ("],
    [
      "a $ref outside shared/",
      { "things.json": { $ref: "#/definitions/x" } },
      'schemas/things.json: unsupported $ref "#/definitions/x"',
    ],
    [
      "a missing shared piece",
      { "things.json": { $ref: "shared/nope.json" } },
      "schemas/shared/nope.json: cannot be read (ENOENT)",
    ],
    [
      "a circular reference",
      {
        "things.json": { $ref: "shared/a.json" },
        "shared/a.json": { $ref: "shared/b.json" },
        "shared/b.json": { $ref: "shared/a.json" },
      },
      "schemas/shared/b.json: circular $ref shared/a.json -> shared/b.json -> shared/a.json",
    ],
  ])("names the file when loading fails on %s", (_case, files, message) => {
    const root = packageWith(files);
    expect(() => loadSchemaRegistry({ root, streams: ["things"] })).toThrow(SchemaLoadError);
    expect(() => loadSchemaRegistry({ root, streams: ["things"] })).toThrow(message);
  });

  it("refuses a stream it has no schema for", () => {
    expect(() => loadSchemaRegistry({ streams: ["spaces"] }).schema("reports")).toThrow(
      'no schema for stream "reports"',
    );
  });

  it("finds schemas/ from the package root by default, not from the working directory", () => {
    const cwd = process.cwd();
    try {
      process.chdir(tmpdir());
      expect(loadSchemaRegistry({ streams: ["spaces"] }).schema("spaces").properties).toHaveProperty(["viewable?"]);
    } finally {
      process.chdir(cwd);
    }
  });
});
