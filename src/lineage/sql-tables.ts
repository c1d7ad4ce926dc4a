import { createRequire } from "node:module";
import type { Dialect } from "./dialects.js";

/** One table a statement names, as node-sql-parser's AST gives it. */
export interface TableReference {
  /** The name as written, quotes kept, parts joined by "." (BigQuery backtick paths split into their parts). */
  readonly written: string;
  readonly database: string | null;
  readonly schema: string | null;
  readonly table: string;
  readonly operation: "read" | "write";
}

interface SqlParser {
  astify(sql: string, options: { database: string }): unknown;
}

/** The node-sql-parser grammars, each loaded when first needed (a grammar is 200-300 KB of generated code). */
export interface SqlGrammars {
  parser(dialect: Dialect): SqlParser;
}

export function createSqlGrammars(): SqlGrammars {
  const require = createRequire(import.meta.url);
  const parsers = new Map<Dialect, SqlParser>();
  return {
    parser(dialect) {
      let parser = parsers.get(dialect);
      if (parser === undefined) {
        const grammar = require(`node-sql-parser/build/${dialect}.js`) as { Parser: new () => SqlParser };
        parser = new grammar.Parser();
        parsers.set(dialect, parser);
      }
      return parser;
    },
  };
}

/**
 * The tables the SQL reads and writes, from node-sql-parser's AST (its `tableList` joins qualified names with "::"
 * and ".", which is ambiguous for quoted names holding a dot, and lists CTE names as tables). Throws the grammar's
 * error when the SQL does not parse.
 */
export function tablesOf(grammars: SqlGrammars, sql: string, dialect: Dialect): TableReference[] {
  const ast = grammars.parser(dialect).astify(sql, { database: dialect });
  const walker = new Walker(dialect);
  for (const statement of Array.isArray(ast) ? ast : [ast]) walker.statement(statement);
  return walker.found;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** Names (and aliases) of a DELETE's target tables, which its FROM list repeats. */
function deleteTargets(node: Node): Set<string> {
  const names = new Set<string>();
  for (const item of Array.isArray(node.table) ? node.table : [])
    if (isNode(item))
      for (const key of ["table", "as"]) if (typeof item[key] === "string") names.add(item[key].toLowerCase());
  return names;
}

// Statement types whose target table is written.
const WRITES = new Set(["insert", "replace", "update", "delete", "create", "drop", "alter", "truncate", "rename"]);

/** Walks statements in order; names bound by WITH (per scope) and temporary tables (per query) are not tables. */
class Walker {
  readonly found: TableReference[] = [];
  private readonly temporary = new Set<string>();

  constructor(private readonly dialect: Dialect) {}

  statement(node: unknown): void {
    this.visit(node, new Set());
  }

  private visit(node: unknown, scope: ReadonlySet<string>): void {
    if (Array.isArray(node)) {
      for (const item of node) this.visit(item, scope);
      return;
    }
    if (!isNode(node)) return;
    const inner = this.withScope(node, scope);
    const type = typeof node.type === "string" ? node.type.toLowerCase() : "";
    if (WRITES.has(type)) this.writeTarget(node, type, inner);
    if (Array.isArray(node.from)) this.fromList(node.from, inner, type === "delete" ? deleteTargets(node) : new Set());
    for (const [key, value] of Object.entries(node)) {
      if (key === "from" || key === "with" || key === "loc") continue;
      if (WRITES.has(type) && (key === "table" || key === "name")) continue;
      if (typeof value === "object" && value !== null) this.visit(value, inner);
    }
  }

  /** The scope below `node`: `scope` plus the names of its WITH clause, whose bodies are walked here. */
  private withScope(node: Node, scope: ReadonlySet<string>): ReadonlySet<string> {
    const ctes = Array.isArray(node.with) ? node.with : isNode(node.with) ? [node.with] : [];
    if (ctes.length === 0) return scope;
    const inner = new Set(scope);
    for (const cte of ctes) {
      if (!isNode(cte)) continue;
      const name = isNode(cte.name) ? text(cte.name.value) : text(cte.name);
      if (name !== null) inner.add(name.toLowerCase());
    }
    for (const cte of ctes)
      if (isNode(cte)) this.visit(isNode(cte.stmt) && "ast" in cte.stmt ? cte.stmt.ast : cte.stmt, inner);
    return inner;
  }

  /** FROM items are read, but those naming a DELETE's target (`targets`, by name or alias) are that target. */
  private fromList(items: readonly unknown[], scope: ReadonlySet<string>, targets: ReadonlySet<string>): void {
    for (const item of items) {
      if (!isNode(item)) continue;
      const named = typeof item.table === "string" && item.expr === undefined;
      if (named && !targets.has(String(item.table).toLowerCase()) && !targets.has(String(item.as ?? "").toLowerCase()))
        this.reference(item, "read", scope);
      for (const [key, value] of Object.entries(item)) {
        if (key === "loc" || key === "surround") continue;
        if (typeof value === "object" && value !== null) this.visit(value, scope);
      }
    }
  }

  private writeTarget(node: Node, type: string, scope: ReadonlySet<string>): void {
    const targets = [node.table, type === "rename" || type === "alter" ? node.name : undefined].flatMap((t) =>
      Array.isArray(t) ? t : t === undefined ? [] : [t],
    );
    // CREATE VIEW names its view under `view`: { db, view }.
    if (isNode(node.view) && typeof node.view.view === "string") targets.push({ ...node.view, table: node.view.view });
    const temporary = type === "create" && typeof node.temporary === "string" && node.temporary !== "";
    for (const target of targets) {
      const items = isNode(target) && Array.isArray(target.table) ? target.table : [target];
      for (const item of items) {
        if (!isNode(item) || typeof item.table !== "string") continue;
        // UPDATE a JOIN b …: the joined tables are read; only the first is written.
        if (item.join !== undefined) this.reference(item, "read", scope);
        else if (temporary) this.temporary.add(item.table.toLowerCase());
        else this.reference(item, "write", scope);
        if (isNode(item.on)) this.visit(item.on, scope);
      }
    }
  }

  private reference(item: Node, operation: "read" | "write", scope: ReadonlySet<string>): void {
    const surround = isNode(item.surround) ? item.surround : {};
    const quote = (part: string, key: string): string => {
      const q = text(surround[key]);
      return q === null ? part : `${q}${part}${q === "[" ? "]" : q}`;
    };
    const parts: string[] = [];
    for (const key of ["db", "schema", "table"]) {
      const value = text(item[key]);
      if (value === null) continue;
      // BigQuery reads a backtick-quoted path as its parts: `project.dataset.table`
      // (https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical#table_names).
      if (this.dialect === "bigquery" && surround[key] === "`" && value.includes(".")) parts.push(...value.split("."));
      else parts.push(value);
    }
    const table = parts.at(-1);
    if (table === undefined) return;
    if (parts.length === 1) {
      const name = table.toLowerCase();
      if (scope.has(name) || this.temporary.has(name)) return;
    }
    const qualifiers = parts.slice(0, -1);
    const schema = qualifiers.at(-1) ?? null;
    const database = qualifiers.length >= 2 ? qualifiers.slice(0, -1).join(".") : null;
    const written = ["db", "schema", "table"].flatMap((key) => {
      const value = text(item[key]);
      return value === null ? [] : [quote(value, key)];
    });
    this.found.push({ written: written.join("."), database, schema, table, operation });
  }
}
