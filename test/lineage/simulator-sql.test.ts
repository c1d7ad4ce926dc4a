import { describe, expect, it } from "vitest";
import { createLineageExtractor } from "../../src/lineage/extract.js";
import { dataSourceAdapter } from "../../src/simulator/bodies/management.js";
import { definitionSql, querySql } from "../../src/simulator/text.js";

/** The simulator's SQL (src/simulator/text.ts) is what the demo's query_tables shows: every variant must parse. */
describe("the simulator's query SQL", () => {
  const extractor = createLineageExtractor();
  const definitions = ["customer_payment_date", "join_on_definition"];
  const definition = (name: string) => {
    const index = definitions.indexOf(name);
    return index < 0 ? undefined : definitionSql(3, index);
  };
  const adapters = [null, ...Array.from({ length: 5 }, (_, i) => dataSourceAdapter(i))];

  it("parses in each data source's own dialect, with the tables it names", () => {
    for (const adapter of adapters)
      for (const variant of ["plain", "liquid", "unicode"] as const) {
        const lineage = extractor.extract({ sql: querySql(3, 1, variant, adapter), adapter, definition });
        expect({ adapter, variant, errors: lineage.errors }).toEqual({ adapter, variant, errors: [] });
        expect(lineage.dialect).toBe(adapter === null ? "postgresql" : adapter.slice(5));
        expect(lineage.tables.length).toBeGreaterThanOrEqual(variant === "liquid" ? 3 : variant === "plain" ? 2 : 1);
      }
  });

  it("parses the 24 KB generated query too (once: parsing it takes about a second)", () => {
    const lineage = extractor.extract({ sql: querySql(3, 1, "long", "jdbc:postgresql"), adapter: "jdbc:postgresql" });
    expect(lineage.errors).toEqual([]);
    expect(lineage.tables.map((t) => t.schema)).toEqual(["analytics"]);
  });

  it("writes names the way each warehouse does", () => {
    const written = (adapter: string) =>
      extractor.extract({ sql: querySql(3, 1, "unicode", adapter), adapter }).tables[0];
    expect(written("jdbc:snowflake")).toMatchObject({ database: "ANALYTICS", schema: "CORE" });
    expect(written("jdbc:bigquery")).toMatchObject({ database: "acme-prod", schema: "analytics" });
    expect(written("jdbc:mysql")).toMatchObject({ database: null, schema: "shop" });
    expect(written("jdbc:postgresql")).toMatchObject({ database: null, schema: "analytics" });
  });
});
