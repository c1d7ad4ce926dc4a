import { expandDefinitions, type DefinitionLookup } from "./definitions.js";
import { dialectsFor, type Dialect } from "./dialects.js";
import { createSqlTemplateEngine } from "./liquid.js";
import { readModeForm } from "./mode-form.js";
import { elideSelectLists } from "./select-lists.js";
import { createSqlGrammars, tablesOf, type TableReference } from "./sql-tables.js";
import { isBlank, splitStatements } from "./statements.js";

export type { TableReference } from "./sql-tables.js";
export type { Dialect } from "./dialects.js";
export type { DefinitionLookup } from "./definitions.js";

/** What lineage needs to know about one Mode query. */
export interface LineageInput {
  /** `raw_query`: SQL with Mode's Liquid, `{% form %}` block and `{{ @definition }}` references. */
  readonly sql: string | null | undefined;
  /** The data source's `adapter` (e.g. "jdbc:snowflake"); null or unknown takes the permissive grammars. */
  readonly adapter: string | null | undefined;
  /** A definition's SQL by name; undefined where it is not known. */
  readonly definition?: DefinitionLookup;
}

/** The tables of one query, or why (some of) its SQL could not be read. */
export interface QueryLineage {
  /** The grammar that parsed the SQL (the adapter's own when nothing parsed); null for empty SQL. */
  readonly dialect: Dialect | null;
  /** Distinct by operation and name as written, in order of appearance. */
  readonly tables: readonly TableReference[];
  /** Reasons, one per problem: a Liquid error, a statement no grammar parses, a definition not found. */
  readonly errors: readonly string[];
}

export interface LineageExtractor {
  /** Never throws: whatever cannot be read is reported in `errors`. */
  extract(input: LineageInput): QueryLineage;
}

export interface LineageExtractorOptions {
  /**
   * Parse results kept by rendered SQL and adapter (0: none). Parsing costs about 1 ms per clause with
   * node-sql-parser (docs/lineage.md), and copies of one query across reports are common.
   */
  readonly cacheSize?: number;
  /**
   * Rendered SQL longer than this is not parsed (a parse_error says so): parsing time grows with length, about half
   * a second for 32 KB, and one pasted dump must not stall a sync. Default 200,000 characters.
   */
  readonly maxSqlLength?: number;
}

/** An extractor with its own Liquid engine, grammars (loaded on first use, then reused) and parse cache. */
export function createLineageExtractor(options: LineageExtractorOptions = {}): LineageExtractor {
  const liquid = createSqlTemplateEngine();
  const grammars = createSqlGrammars();
  const noDefinitions: DefinitionLookup = () => undefined;
  const cacheSize = options.cacheSize ?? 0;
  const maxSqlLength = options.maxSqlLength ?? 200_000;
  const cache = new Map<string, QueryLineage>();

  const parseWith = (
    sql: string,
    dialects: readonly Dialect[],
  ): { dialect: Dialect; tables: TableReference[] } | { error: string } => {
    // Without the SELECT lists first (fast, and the tables are the same); the text as written when that fails.
    const elided = elideSelectLists(sql);
    if (elided !== sql)
      for (const dialect of dialects) {
        try {
          return { dialect, tables: tablesOf(grammars, elided, dialect) };
        } catch {
          // The text as written is parsed below, and its error is the one reported.
        }
      }
    let first: string | undefined;
    for (const dialect of dialects) {
      try {
        return { dialect, tables: tablesOf(grammars, sql, dialect) };
      } catch (error) {
        first ??= reasonOf(dialect, error);
      }
    }
    return { error: first ?? "no grammar" };
  };

  return {
    extract(input) {
      const raw = input.sql ?? "";
      if (isBlank(raw)) return { dialect: null, tables: [], errors: [] };
      const dialects = dialectsFor(input.adapter);
      const errors: string[] = [];
      const expanded = expandDefinitions(raw, input.definition ?? noDefinitions);
      for (const name of expanded.missing) errors.push(`definition @${name} not found`);
      const form = readModeForm(expanded.sql);
      let sql: string;
      try {
        sql = liquid.render(form.sql, form.defaults);
      } catch (error) {
        return { dialect: null, tables: [], errors: [...errors, `Liquid: ${messageOf(error)}`] };
      }
      if (isBlank(sql)) return { dialect: null, tables: [], errors };
      if (sql.length > maxSqlLength)
        return {
          dialect: null,
          tables: [],
          errors: [...errors, `SQL of ${sql.length} characters not parsed (longer than ${maxSqlLength})`],
        };
      if (cacheSize === 0) return parseAll(sql, dialects, errors);
      const key = `${dialects.join(",")}\u0000${sql}`;
      let parsed = cache.get(key);
      if (parsed === undefined) {
        parsed = parseAll(sql, dialects, []);
        // Oldest first out: a Map iterates in insertion order.
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
        cache.set(key, parsed);
      }
      return errors.length === 0 ? parsed : { ...parsed, errors: [...errors, ...parsed.errors] };
    },
  };

  function parseAll(sql: string, dialects: readonly Dialect[], errors: string[]): QueryLineage {
    const whole = parseWith(sql, dialects);
    if ("dialect" in whole) return { dialect: whole.dialect, tables: distinct(whole.tables), errors };
    // One statement no grammar reads should not hide the tables of the others: parse them one by one.
    const statements = splitStatements(sql);
    if (statements.length < 2) return { dialect: dialects[0] ?? null, tables: [], errors: [...errors, whole.error] };
    const tables: TableReference[] = [];
    let dialect: Dialect | undefined;
    statements.forEach((statement, index) => {
      const result = parseWith(statement, dialect === undefined ? dialects : [dialect, ...dialects]);
      if ("dialect" in result) {
        dialect ??= result.dialect;
        tables.push(...result.tables);
      } else errors.push(`statement ${index + 1} of ${statements.length}: ${result.error}`);
    });
    return { dialect: dialect ?? dialects[0] ?? null, tables: distinct(tables), errors };
  }
}

function distinct(tables: readonly TableReference[]): TableReference[] {
  const seen = new Set<string>();
  return tables.filter((t) => {
    const key = `${t.operation}\u0000${t.written}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/** A grammar's error in one line: where, and the text it stopped at (the full list of expected tokens is noise). */
function reasonOf(dialect: Dialect, error: unknown): string {
  const e = error as { location?: { start?: { line?: number; column?: number } }; found?: unknown };
  const at = e.location?.start;
  if (at?.line !== undefined) {
    const found = typeof e.found === "string" ? ` at "${e.found}"` : e.found === null ? " at the end" : "";
    return `${dialect} syntax error, line ${at.line} column ${at.column ?? 0}${found}`;
  }
  return `${dialect}: ${messageOf(error)}`;
}
