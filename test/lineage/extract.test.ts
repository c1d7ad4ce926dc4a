import { describe, expect, it } from "vitest";
import { expandDefinitions } from "../../src/lineage/definitions.js";
import { dialectsFor, PERMISSIVE } from "../../src/lineage/dialects.js";
import { createLineageExtractor } from "../../src/lineage/extract.js";
import { createSqlTemplateEngine } from "../../src/lineage/liquid.js";
import { readModeForm, STAND_IN } from "../../src/lineage/mode-form.js";
import { splitStatements } from "../../src/lineage/statements.js";

const extractor = createLineageExtractor();
const names = (sql: string, adapter: string | null = "jdbc:postgresql") =>
  extractor.extract({ sql, adapter }).tables.map((t) => `${t.operation} ${t.written}`);

describe("Mode forms", () => {
  it("reads each parameter's default, with stand-ins where there is none, and cuts the block out", () => {
    const form = readModeForm(
      [
        "SELECT 1",
        "{% form %}",
        "state:",
        "  type: select",
        "  default: 'GA'",
        "regions:",
        "  type: multiselect",
        "owner:",
        "  type: text",
        "{% endform %}",
      ].join("\n"),
    );
    expect(form.sql.trim()).toBe("SELECT 1");
    expect(form.defaults).toEqual({ state: "GA", regions: [STAND_IN], owner: STAND_IN });
  });

  it("declares nothing for a block that is not YAML, and still cuts it out", () => {
    const form = readModeForm("SELECT 1 {% form %}: : [{% endform %}");
    expect(form).toEqual({ sql: "SELECT 1 ", defaults: {} });
  });
});

describe("definitions", () => {
  const lookup = (name: string) => ({ a: "SELECT * FROM t1 -- trailing comment", b: "SELECT * FROM {{ @a }};" })[name];

  it("become aliased subqueries, nested ones too, comment-safe", () => {
    expect(expandDefinitions("SELECT * FROM {{ @b as x }}", lookup).sql).toBe(
      "SELECT * FROM (\nSELECT * FROM (\nSELECT * FROM t1 -- trailing comment\n) AS a\n) AS x",
    );
  });

  it("reports missing ones and cycles instead of taking them for tables", () => {
    const cyclic = (name: string) => (name === "loop" ? "SELECT * FROM {{ @loop }}" : undefined);
    expect(expandDefinitions("SELECT * FROM {{ @nope }}", lookup)).toEqual({
      sql: "SELECT * FROM (SELECT 1) AS nope",
      missing: ["nope"],
    });
    expect(expandDefinitions("SELECT * FROM {{ @loop }}", cyclic).missing).toEqual(["loop"]);
  });
});

describe("the Liquid engine", () => {
  const liquid = createSqlTemplateEngine();

  it("renders variables, conditionals and filters", () => {
    expect(liquid.render("{% if a == 'x' %}A{% else %}B{% endif %} {{ b | join: ',' }}", { a: "x", b: [1, 2] })).toBe(
      "A 1,2",
    );
  });

  it("cannot read files: include, render and layout fail", () => {
    for (const tag of ["include", "render", "layout"])
      expect(() => liquid.render(`{% ${tag} '/etc/passwd' %}`, {})).toThrow(/not allowed/);
  });

  it("stops a template that runs too long", () => {
    expect(() => liquid.render("{% for i in (1..100000000) %}{{ i }}{% endfor %}", {})).toThrow();
  });
});

describe("dialects", () => {
  it("map Mode adapters to a grammar, then the permissive ones", () => {
    expect(dialectsFor("jdbc:snowflake")).toEqual(["snowflake", "postgresql", "mysql", "bigquery"]);
    expect(dialectsFor("jdbc:postgresql")).toEqual(["postgresql", "mysql", "bigquery"]);
    expect(dialectsFor("jdbc:databricks")[0]).toBe("hive");
    expect(dialectsFor("jdbc:presto")[0]).toBe("trino");
    expect(dialectsFor("jdbc:something-new")).toEqual(PERMISSIVE);
    expect(dialectsFor(null)).toEqual(PERMISSIVE);
  });
});

describe("statements", () => {
  it("split at top-level semicolons only", () => {
    expect(splitStatements("SELECT ';' -- ;\n; SELECT $$;$$ /* ; */; \n -- nothing\n")).toEqual([
      "SELECT ';' -- ;\n",
      " SELECT $$;$$ /* ; */",
    ]);
  });
});

describe("the extractor", () => {
  it("splits names into database, schema and table", () => {
    const [t] = extractor.extract({ sql: 'SELECT * FROM "My DB".sales."Orders"', adapter: "jdbc:snowflake" }).tables;
    expect(t).toEqual({
      written: '"My DB".sales."Orders"',
      database: "My DB",
      schema: "sales",
      table: "Orders",
      operation: "read",
    });
  });

  it("reads a BigQuery backtick path as its parts", () => {
    const [t] = extractor.extract({ sql: "SELECT * FROM `p-1.ds.events_*`", adapter: "jdbc:bigquery" }).tables;
    expect(t).toMatchObject({ database: "p-1", schema: "ds", table: "events_*", written: "`p-1.ds.events_*`" });
  });

  it("does not take CTE or temporary names for tables, in their scope", () => {
    expect(
      names("WITH a AS (SELECT * FROM s.t) SELECT * FROM a JOIN (WITH b AS (SELECT 1) SELECT * FROM b) x ON true"),
    ).toEqual(["read s.t"]);
    expect(names("CREATE TEMP TABLE tmp AS SELECT * FROM s.t; SELECT * FROM tmp")).toEqual(["read s.t"]);
  });

  it("lists each table once per operation, writes apart from reads", () => {
    expect(names("INSERT INTO s.out SELECT * FROM s.a JOIN s.a b ON true; SELECT * FROM s.out")).toEqual([
      "write s.out",
      "read s.a",
      "read s.out",
    ]);
  });

  it("falls back to the permissive grammars and says which one parsed", () => {
    const lineage = extractor.extract({ sql: "SELECT * FROM shop.orders LIMIT 10, 20", adapter: "jdbc:postgresql" });
    expect(lineage).toMatchObject({ dialect: "mysql", errors: [] });
    expect(lineage.tables.map((t) => t.table)).toEqual(["orders"]);
  });

  it("keeps the tables of the statements that parse and reports the others", () => {
    const lineage = extractor.extract({
      sql: "SELECT * FROM s.a; SELEKT nonsense FROM s.b;",
      adapter: "jdbc:postgresql",
    });
    expect(lineage.tables.map((t) => t.written)).toEqual(["s.a"]);
    expect(lineage.errors).toEqual([expect.stringMatching(/^statement 2 of 2: postgresql syntax error, line 1/)]);
  });

  it("gives the same answers with a parse cache, errors of the unrendered SQL included", () => {
    const cached = createLineageExtractor({ cacheSize: 1 });
    const inputs = [
      { sql: "SELECT * FROM {{ @x }} JOIN s.a ON true", adapter: "jdbc:snowflake" },
      { sql: "SELECT * FROM s.a", adapter: "jdbc:snowflake" },
      { sql: "SELECT * FROM s.a", adapter: "jdbc:mysql" },
      { sql: "SELECT * FROM {{ @x }} JOIN s.a ON true", adapter: "jdbc:snowflake" },
    ];
    for (const input of [...inputs, ...inputs]) expect(cached.extract(input)).toEqual(extractor.extract(input));
  });

  it("does not parse SQL longer than its limit, and says so", () => {
    const short = createLineageExtractor({ maxSqlLength: 20 });
    expect(short.extract({ sql: "SELECT * FROM s.a WHERE x = 1", adapter: null })).toEqual({
      dialect: null,
      tables: [],
      errors: ["SQL of 29 characters not parsed (longer than 20)"],
    });
    expect(short.extract({ sql: "SELECT * FROM s.a", adapter: null }).tables).toHaveLength(1);
  });

  it("never throws: unparsable SQL, a Liquid error and empty SQL are results", () => {
    expect(extractor.extract({ sql: "this is not SQL", adapter: "jdbc:mysql" })).toEqual({
      dialect: "mysql",
      tables: [],
      errors: [expect.stringMatching(/^mysql syntax error, line 1 column \d+ at "/)],
    });
    expect(extractor.extract({ sql: "SELECT {% if %}", adapter: null }).errors).toEqual([
      expect.stringMatching(/^Liquid: /),
    ]);
    expect(extractor.extract({ sql: "  -- nothing\n", adapter: null })).toEqual({
      dialect: null,
      tables: [],
      errors: [],
    });
    expect(extractor.extract({ sql: null, adapter: null })).toEqual({ dialect: null, tables: [], errors: [] });
  });
});
