import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { discoverCatalog, formatCatalog } from "../../src/catalog.js";
import { packageRoot } from "../../src/package-info.js";

const CATALOG_FILE = join(packageRoot(), "catalogs", "catalog.json");

describe("discovery", () => {
  it("keeps catalogs/catalog.json identical to the discovery output (UPDATE_CATALOG=1 rewrites it)", () => {
    const expected = formatCatalog(discoverCatalog());
    if (process.env.UPDATE_CATALOG === "1") writeFileSync(CATALOG_FILE, expected);
    const actual = readFileSync(CATALOG_FILE, "utf8");
    expect(actual, "catalogs/catalog.json is stale: run `UPDATE_CATALOG=1 npx vitest run test/catalog`").toBe(expected);
    expect(actual.endsWith("}\n")).toBe(true);
    expect(actual).toContain('\n  "streams": [\n    {\n      "tap_stream_id": "workspaces",');
  });

  it("describes reports as incremental on updated_at, selected by default, child of spaces", () => {
    const reports = discoverCatalog().streams.find((s) => s.tap_stream_id === "reports");
    expect(reports).toMatchObject({
      stream: "reports",
      key_properties: ["token"],
      replication_method: "INCREMENTAL",
      replication_key: "updated_at",
    });
    expect(reports?.metadata?.[0]).toEqual({
      breadcrumb: [],
      metadata: {
        inclusion: "available",
        "selected-by-default": true,
        "table-key-properties": ["token"],
        "valid-replication-keys": ["updated_at"],
        "replication-key": "updated_at",
        "parent-tap-stream-id": "spaces",
      },
    });
    expect(reports?.metadata?.find((m) => m.breadcrumb[1] === "updated_at")?.metadata.inclusion).toBe("automatic");
    expect(reports?.metadata?.find((m) => m.breadcrumb[1] === "name")?.metadata.inclusion).toBe("available");
  });

  it("offers runs two replication keys without choosing one in metadata, and forces full table on spaces", () => {
    const catalog = discoverCatalog();
    const runs = catalog.streams.find((s) => s.tap_stream_id === "runs");
    expect(runs?.replication_key).toBe("updated_at");
    expect(runs?.metadata?.[0]?.metadata).toMatchObject({ "valid-replication-keys": ["created_at", "updated_at"] });
    expect(runs?.metadata?.[0]?.metadata).not.toHaveProperty(["replication-key"]);
    const spaces = catalog.streams.find((s) => s.tap_stream_id === "spaces");
    expect(spaces).toMatchObject({ replication_method: "FULL_TABLE" });
    expect(spaces).not.toHaveProperty(["replication_key"]);
    expect(spaces?.metadata?.[0]?.metadata).toMatchObject({
      "forced-replication-method": "FULL_TABLE",
      "valid-replication-keys": [],
    });
  });

  it("leaves audit_logs and query_results unselected by default and keeps viewable? as Mode spells it", () => {
    const catalog = discoverCatalog();
    const byDefault = Object.fromEntries(
      catalog.streams.map((s) => [s.tap_stream_id, s.metadata?.[0]?.metadata["selected-by-default"]]),
    );
    expect(byDefault.audit_logs).toBe(false);
    expect(byDefault.query_results).toBe(false);
    expect(byDefault.reports).toBe(true);
    const spaces = catalog.streams.find((s) => s.tap_stream_id === "spaces");
    expect(spaces?.schema.properties?.["viewable?"]).toMatchObject({ type: ["null", "boolean"] });
    const results = catalog.streams.find((s) => s.tap_stream_id === "query_results");
    expect(results?.key_properties).toEqual(["query_run_token", "row_number"]);
    expect(results?.schema.properties?.row).toMatchObject({ type: ["null", "object"], additionalProperties: true });
  });

  it("writes no $ref anywhere in the catalog", () => {
    expect(formatCatalog(discoverCatalog())).not.toContain("$ref");
  });
});
