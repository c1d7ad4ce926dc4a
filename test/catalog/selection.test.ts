import { describe, expect, it } from "vitest";
import { discoverCatalog, resolveSelection } from "../../src/catalog.js";
import { loadSchemaRegistry } from "../../src/schemas.js";
import type { Catalog, CatalogEntry, MetadataEntry } from "../../src/singer/catalog-types.js";
import { captureLogger } from "../records/log-capture.js";

const schemas = loadSchemaRegistry();
const discovered = discoverCatalog({ schemas });

/** A copy of the discovered catalog with only `ids`, changed by `edit`. */
function catalogWith(ids: readonly string[], edit: (entry: CatalogEntry) => CatalogEntry = (e) => e): Catalog {
  return {
    streams: discovered.streams.filter((s) => ids.includes(s.tap_stream_id)).map((s) => edit(structuredClone(s))),
  };
}

function withMetadata(
  entry: CatalogEntry,
  breadcrumb: readonly string[],
  values: Record<string, unknown>,
): CatalogEntry {
  const metadata = (entry.metadata ?? []).map((m): MetadataEntry =>
    m.breadcrumb.length === breadcrumb.length && m.breadcrumb.every((s, i) => s === breadcrumb[i])
      ? { breadcrumb: m.breadcrumb, metadata: { ...m.metadata, ...values } }
      : m,
  );
  return { ...entry, metadata };
}

const select = (catalog: Catalog | undefined) => {
  const capture = captureLogger();
  return { selected: resolveSelection(catalog, capture.logger, { schemas }), ...capture };
};

describe("resolveSelection", () => {
  it("selects the streams selected by default, with every field, when there is no catalog", () => {
    const { selected, lines } = select(undefined);
    const names = selected.map((s) => s.definition.name);
    expect(names).not.toContain("audit_logs");
    expect(names).not.toContain("query_results");
    expect(names).not.toContain("space_memberships");
    expect(names.slice(0, 3)).toEqual(["workspaces", "spaces", "reports"]);
    const reports = selected.find((s) => s.definition.name === "reports");
    expect(reports?.replicationMethod).toBe("INCREMENTAL");
    expect(reports?.replicationKey).toBe("updated_at");
    expect([...(reports?.selectedFields ?? [])]).toEqual(Object.keys(schemas.schema("reports").properties ?? {}));
    expect(
      lines.some(
        (l) =>
          l.includes("skipped: ") &&
          l.includes("query_results (not selected)") &&
          l.includes("audit_logs (not selected)"),
      ),
    ).toBe(true);
  });

  it("honours stream selection and deselects streams missing from the catalog", () => {
    const catalog = catalogWith(["spaces", "reports", "audit_logs"], (e) =>
      withMetadata(e, [], { selected: e.tap_stream_id !== "spaces" }),
    );
    const { selected, lines } = select(catalog);
    expect(selected.map((s) => s.definition.name)).toEqual(["reports", "audit_logs"]);
    const summary = lines.find((l) => l.includes("selected streams:"));
    expect(summary).toContain("spaces (not selected)");
    expect(summary).toContain("workspaces (not in the catalog)");
  });

  it('reads selected given as the strings "true" and "false"', () => {
    const catalog = catalogWith(["spaces", "reports"], (e) =>
      withMetadata(e, [], { selected: e.tap_stream_id === "spaces" ? "false" : "true" }),
    );
    expect(select(catalog).selected.map((s) => s.definition.name)).toEqual(["reports"]);
  });

  it("falls back to selected-by-default when the catalog says nothing", () => {
    const catalog = catalogWith(["reports", "audit_logs"]);
    expect(select(catalog).selected.map((s) => s.definition.name)).toEqual(["reports"]);
  });

  it("honours legacy schema.selected on streams and fields", () => {
    const catalog = catalogWith(["reports", "audit_logs"], (e) => {
      const properties = { ...e.schema.properties, name: { ...e.schema.properties?.name, selected: false } };
      // audit_logs is not selected by default; the legacy flag selects it. reports keeps its default.
      return {
        ...e,
        schema: { ...e.schema, properties, ...(e.tap_stream_id === "audit_logs" ? { selected: true } : {}) },
      };
    });
    const { selected } = select(catalog);
    expect(selected.map((s) => s.definition.name)).toEqual(["reports", "audit_logs"]);
    const reports = selected[0];
    expect(reports?.selectedFields.has("name")).toBe(false);
    expect(reports?.selectedFields.has("description")).toBe(true);
  });

  it("drops unselected fields but always keeps key properties and replication keys", () => {
    const catalog = catalogWith(["reports"], (e) => {
      let entry = withMetadata(e, [], { selected: true });
      for (const field of Object.keys(e.schema.properties ?? {})) {
        entry = withMetadata(entry, ["properties", field], { selected: field === "name" ? "true" : false });
      }
      return entry;
    });
    const reports = select(catalog).selected[0];
    expect([...(reports?.selectedFields ?? [])].sort()).toEqual(["name", "token", "updated_at"]);
    expect(Object.keys(reports?.schema.properties ?? {}).sort()).toEqual(["name", "token", "updated_at"]);
    expect(reports?.schema.required).toEqual(["token"]);
  });

  it("never writes a field marked unsupported, and writes one the catalog marks automatic", () => {
    const catalog = catalogWith(["spaces"], (e) =>
      withMetadata(
        withMetadata(
          withMetadata(e, ["properties", "name"], { inclusion: "unsupported", selected: true }),
          ["properties", "state"],
          { inclusion: "automatic", selected: false },
        ),
        [],
        { selected: true },
      ),
    );
    const spaces = select(catalog).selected[0];
    expect(spaces?.selectedFields.has("name")).toBe(false);
    expect(spaces?.selectedFields.has("state")).toBe(true);
  });

  it("leaves out fields the catalog's schema does not have and uses that schema for the stream", () => {
    const catalog = catalogWith(["spaces"], (e) => {
      const { description: _dropped, ...properties } = e.schema.properties ?? {};
      return withMetadata({ ...e, schema: { ...e.schema, properties } }, [], { selected: true });
    });
    const spaces = select(catalog).selected[0];
    expect(spaces?.selectedFields.has("description")).toBe(false);
    expect(spaces?.schema.properties).not.toHaveProperty(["description"]);
    expect(spaces?.selectedFields.has("name")).toBe(true);
  });

  it("applies replication-method and replication-key metadata overrides", () => {
    const catalog = catalogWith(["reports", "runs"], (e) =>
      withMetadata(
        e,
        [],
        e.tap_stream_id === "reports"
          ? { selected: true, "replication-method": "FULL_TABLE" }
          : { selected: true, "replication-method": "INCREMENTAL", "replication-key": "created_at" },
      ),
    );
    const { selected, warnings } = select(catalog);
    expect(selected.find((s) => s.definition.name === "reports")).toMatchObject({ replicationMethod: "FULL_TABLE" });
    expect(selected.find((s) => s.definition.name === "reports")?.replicationKey).toBeUndefined();
    expect(selected.find((s) => s.definition.name === "runs")).toMatchObject({
      replicationMethod: "INCREMENTAL",
      replicationKey: "created_at",
    });
    expect(warnings()).toEqual([]);
  });

  it("warns and keeps the default for a replication method or key the stream cannot use", () => {
    const catalog = catalogWith(["spaces", "runs"], (e) =>
      withMetadata(
        e,
        [],
        e.tap_stream_id === "spaces"
          ? { selected: true, "replication-method": "INCREMENTAL" }
          : { selected: true, "replication-key": "completed_at" },
      ),
    );
    const { selected, warnings } = select(catalog);
    expect(selected.find((s) => s.definition.name === "spaces")?.replicationMethod).toBe("FULL_TABLE");
    expect(selected.find((s) => s.definition.name === "runs")).toMatchObject({
      replicationMethod: "INCREMENTAL",
      replicationKey: "updated_at",
    });
    expect(warnings()).toEqual([
      'WARNING catalog: stream spaces cannot use replication method "INCREMENTAL"; using FULL_TABLE ' +
        "(supported: FULL_TABLE)",
      'WARNING catalog: stream runs cannot use replication key "completed_at"; using updated_at (valid: ' +
        "created_at, updated_at)",
    ]);
  });

  it("warns once about stream ids the tap does not know", () => {
    const catalog: Catalog = {
      streams: [
        ...catalogWith(["reports"]).streams,
        { tap_stream_id: "dashboards", stream: "dashboards", schema: {} },
        { tap_stream_id: "users", stream: "users", schema: {} },
      ],
    };
    const { selected, warnings } = select(catalog);
    expect(selected.map((s) => s.definition.name)).toEqual(["reports"]);
    expect(warnings()).toEqual(["WARNING catalog: ignoring streams this tap does not have: dashboards, users"]);
  });

  it("honours the legacy top-level replication_method when metadata has none", () => {
    const catalog = catalogWith(["reports"], (e) => ({ ...e, replication_method: "FULL_TABLE" }));
    expect(select(catalog).selected[0]?.replicationMethod).toBe("FULL_TABLE");
  });
});
