import { describe, expect, it } from "vitest";
import { elideSelectLists } from "../../src/lineage/select-lists.js";

describe("SELECT lists elided before parsing", () => {
  it("become * when they hold no subquery, at every depth", () => {
    expect(elideSelectLists("SELECT a, sum(b) OVER (PARTITION BY c) AS s FROM t")).toBe("SELECT * FROM t");
    expect(elideSelectLists("WITH x AS (SELECT a, b FROM s.t) SELECT x.a, 'FROM' FROM x")).toBe(
      "WITH x AS (SELECT * FROM s.t) SELECT * FROM x",
    );
  });

  it("are kept when they hold a subquery or end without FROM; IS DISTINCT FROM does not end them", () => {
    expect(elideSelectLists("SELECT (SELECT max(x) FROM s.u) AS m FROM t")).toBe(
      "SELECT (SELECT * FROM s.u) AS m FROM t",
    );
    for (const sql of ["SELECT 1", "SELECT a INTO new_t FROM t"]) expect(elideSelectLists(sql)).toBe(sql);
    expect(elideSelectLists("SELECT a IS DISTINCT FROM b FROM t")).toBe("SELECT * FROM t");
    expect(elideSelectLists("SELECT extract(day FROM ts), trim(both ' ' FROM x) FROM t")).toBe("SELECT * FROM t");
  });

  it("skip strings, quoted names and comments", () => {
    const sql = `SELECT "select" AS x, '(' AS y -- FROM z\n FROM t; SELECT $$ FROM $$ AS q`;
    expect(elideSelectLists(sql)).toBe(`SELECT * FROM t; SELECT $$ FROM $$ AS q`);
  });
});
