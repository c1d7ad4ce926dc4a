import { describe, expect, it } from "vitest";
import { DATA_SOURCES_BY_ID, DEFINITIONS_BY_NAME, deriveQueryTables } from "../../src/lineage/derive.js";
import { loadSchemaRegistry } from "../../src/schemas.js";
import { queryTablesStream } from "../../src/streams/query-tables.js";
import { lookupStore } from "../../src/sync/lookups.js";
import { findStream } from "../../src/streams/registry.js";
import type { LookupTable } from "../../src/lineage/derive.js";

const table = (records: Record<string, unknown>[], key: string): LookupTable => ({
  get: (value) => records.find((r) => String(r[key]) === value),
});
const lookups = {
  [DATA_SOURCES_BY_ID]: table([{ id: "34499", token: "ea1c23ebaddc", adapter: "jdbc:snowflake" }], "id"),
  [DEFINITIONS_BY_NAME]: table([{ name: "active", source: "SELECT * FROM core.accounts WHERE active" }], "name"),
};
const query = (raw_query: string, extra: Record<string, unknown> = {}) => ({
  stream: "queries",
  context: { workspace: "acme", report: "r1" },
  record: { token: "q1", report_token: "r1", data_source_id: "34499", raw_query, ...extra },
});

describe("query_tables records", () => {
  const schema = loadSchemaRegistry({ streams: ["query_tables"] });
  const valid = (records: Record<string, unknown>[]) => records.every((r) => schema.validator("query_tables")(r));

  it("are one per table, with the data source's token and dialect, and match the schema", () => {
    const records = deriveQueryTables(
      query("INSERT INTO MART.PUBLIC.OUT SELECT * FROM {{ @active as a }} JOIN raw.events e ON e.account_id = a.id"),
      lookups,
    );
    expect(records).toEqual([
      {
        query_token: "q1",
        report_token: "r1",
        data_source_token: "ea1c23ebaddc",
        dialect: "snowflake",
        reference: "write MART.PUBLIC.OUT",
        table_as_written: "MART.PUBLIC.OUT",
        database: "MART",
        schema: "PUBLIC",
        table: "OUT",
        operation: "write",
        parse_error: null,
      },
      expect.objectContaining({ reference: "read core.accounts", schema: "core", table: "accounts", database: null }),
      expect.objectContaining({ reference: "read raw.events", operation: "read" }),
    ]);
    expect(valid(records)).toBe(true);
    expect(new Set(records.map((r) => r.reference)).size).toBe(records.length);
  });

  it("for SQL that does not parse, are one record with the reason and null table fields", () => {
    const records = deriveQueryTables(query("SELEKT 1"), lookups);
    expect(records).toEqual([
      expect.objectContaining({
        reference: "parse_error",
        table_as_written: null,
        database: null,
        schema: null,
        table: null,
        operation: null,
        parse_error: expect.stringMatching(/^snowflake syntax error/),
      }),
    ]);
    expect(valid(records)).toBe(true);
  });

  it("take a dataset query's dataset token as the report token, and a data source not listed as unknown", () => {
    const records = deriveQueryTables(
      {
        stream: "dataset_queries",
        context: { dataset: "d1" },
        record: { token: "q2", dataset_token: "d1", data_source_id: "999", raw_query: "SELECT * FROM s.t" },
      },
      {},
    );
    expect(records).toEqual([
      expect.objectContaining({ report_token: "d1", data_source_token: null, dialect: "postgresql", table: "t" }),
    ]);
  });

  it("are none for a query without SQL", () => {
    expect(deriveQueryTables(query("", {}), lookups)).toEqual([]);
    expect(deriveQueryTables({ ...query("SELECT 1"), record: { raw_query: "SELECT * FROM t" } }, lookups)).toEqual([]);
  });
});

describe("the query_tables stream", () => {
  it("is declared as derived from queries and dataset queries, not selected by default, keyed uniquely", () => {
    expect(queryTablesStream).toMatchObject({
      walk: "derived",
      derivedFrom: ["queries", "dataset_queries"],
      selectedByDefault: false,
      keyProperties: ["query_token", "reference"],
      lookups: ["data_sources", "definitions"],
    });
    const schema = loadSchemaRegistry({ streams: ["query_tables"] }).schema("query_tables");
    for (const key of queryTablesStream.keyProperties) expect(schema.required).toContain(key);
  });

  it("derives through its declaration, with the engine's lookup indexes", () => {
    const store = lookupStore();
    store.add("data_sources", { id: 34499, token: "ea1c23ebaddc", adapter: "jdbc:snowflake" });
    const source = query("SELECT * FROM a.b");
    const derive = queryTablesStream.createDerive?.();
    expect(derive?.(source.record, source.context, store)).toEqual([
      expect.objectContaining({ reference: "read a.b", dialect: "snowflake", data_source_token: "ea1c23ebaddc" }),
    ]);
  });

  it("is registered, so the walk reaches it when selected", () => {
    expect(findStream("query_tables")).toBe(queryTablesStream);
  });
});
