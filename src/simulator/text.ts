import { hash32, pick } from "./random.js";
import type { SqlVariant } from "./state.js";

/** Names and SQL for the synthetic workspace: plain, unicode, Liquid-templated and very long variants. */

const FIRST = [
  "ada",
  "grace",
  "alan",
  "edsger",
  "barbara",
  "donald",
  "margaret",
  "ken",
  "frances",
  "tim",
  "radia",
  "john",
  "hedy",
  "linus",
  "sophie",
  "dennis",
];
const LAST = [
  "lovelace",
  "hopper",
  "turing",
  "dijkstra",
  "liskov",
  "knuth",
  "hamilton",
  "thompson",
  "allen",
  "lee",
  "perlman",
  "backus",
  "lamarr",
  "torvalds",
  "wilson",
  "ritchie",
];

export function memberUsername(index: number): string {
  const first = FIRST[index % FIRST.length] as string;
  const last = LAST[(index * 7 + 3) % LAST.length] as string;
  const suffix = index >= FIRST.length ? String(Math.floor(index / FIRST.length)) : "";
  return `${first}_${last}${suffix}`;
}

export function memberDisplayName(index: number): string {
  const [first = "", last = ""] = memberUsername(index).split("_");
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return `${cap(first)} ${cap(last)}`;
}

const SPACE_NAMES = [
  "Marketing",
  "Finance",
  "Growth Analytics",
  "Product & Data",
  "Sales Ops",
  "Customer Success",
  "Données Produit",
  "データ分析",
  "Engineering Metrics",
  "Executive",
];

export function spaceName(seed: number, index: number): string {
  const base = SPACE_NAMES[(index + (seed % SPACE_NAMES.length)) % SPACE_NAMES.length] as string;
  return index >= SPACE_NAMES.length ? `${base} ${Math.floor(index / SPACE_NAMES.length) + 1}` : base;
}

const ADJECTIVES = [
  "Weekly",
  "Monthly",
  "Daily",
  "Quarterly",
  "Rolling",
  "Cohort",
  "Funnel",
  "Regional",
  "Top",
  "Churn",
];
const NOUNS = [
  "Revenue",
  "Signups",
  "Retention",
  "Orders",
  "Sessions",
  "Pipeline",
  "Usage",
  "Tickets",
  "Margin",
  "Activation",
];

export function reportName(seed: number, serial: number): string {
  return `${pick(ADJECTIVES, seed, serial, 1)} ${pick(NOUNS, seed, serial, 2)} ${serial}`;
}

/** Names that exercise UTF-8 handling end to end (accents, CJK, emoji outside the BMP, RTL, quotes). */
export const UNICODE_NAMES = [
  "Umsatz 📈 – Übersicht «Q3»",
  "売上レポート（月次）",
  "Отчёт по выручке",
  "تقرير المبيعات",
  "Café “naïve” ☕ résumé",
  "🚀 Launch KPIs 🧪",
];

export function unicodeName(seed: number, serial: number): string {
  return pick(UNICODE_NAMES, seed, serial, 3);
}

export function datasetName(seed: number, serial: number): string {
  return `${pick(NOUNS, seed, serial, 4)} dataset ${serial}`;
}

const TABLES = ["orders", "customers", "payments", "sessions", "events", "subscriptions", "tickets", "invoices"];
// A second table each first one joins to, and the column they join on.
const JOINS: Readonly<Record<string, readonly [string, string]>> = {
  orders: ["customers", "customer_id"],
  customers: ["subscriptions", "customer_id"],
  payments: ["invoices", "invoice_id"],
  sessions: ["customers", "customer_id"],
  events: ["sessions", "session_id"],
  subscriptions: ["customers", "customer_id"],
  tickets: ["customers", "customer_id"],
  invoices: ["customers", "customer_id"],
};

/**
 * How table names are written on a data source: schema.table on PostgreSQL and Redshift, DATABASE.SCHEMA.TABLE on
 * Snowflake, backtick `project.dataset.table` paths on BigQuery, backticked database.table on MySQL.
 */
function tableName(adapter: string | null, table: string): string {
  switch (adapter) {
    case "jdbc:snowflake":
      return `ANALYTICS.CORE.${table.toUpperCase()}`;
    case "jdbc:bigquery":
      return `\`acme-prod.analytics.${table}\``;
    case "jdbc:mysql":
      return `shop.\`${table}\``;
    default:
      return `analytics.${table}`;
  }
}

/**
 * SQL the way analysts write it in Mode, in the data source's dialect (`adapter`, docs/mode-api.md §3.8): a CTE, a
 * join and a window function; some queries use Liquid (a `{% form %}` block, `{{ }}` variables, `{% if %}` and a
 * definition reference, docs/mode-api.md §7.15). Tags stay within what `renderLiquid` below renders (no `{% else %}`).
 */
export function querySql(
  seed: number,
  serial: number,
  variant: "plain" | "liquid" | "unicode" | "long",
  adapter: string | null = null,
): string {
  const table = pick(TABLES, seed, serial, 5);
  const [other, on] = JOINS[table] ?? ["customers", "customer_id"];
  const from = tableName(adapter, table);
  const joined = tableName(adapter, other);
  switch (variant) {
    case "plain":
      return [
        `WITH recent AS (`,
        `  SELECT id, ${on}, amount, created_at, is_active`,
        `  FROM ${from}`,
        `  WHERE created_at >= '2024-01-01'`,
        `)`,
        `SELECT r.id, o.name AS customer_name, r.amount, r.created_at,`,
        `  SUM(r.amount) OVER (PARTITION BY r.${on} ORDER BY r.created_at) AS running_amount`,
        `FROM recent r`,
        `LEFT JOIN ${joined} o ON o.id = r.${on}`,
        `WHERE r.is_active`,
        `ORDER BY r.created_at DESC`,
      ].join("\n");
    case "liquid":
      return [
        `SELECT b.id, b.customer_name, b.amount, b.created_at{% if include_${other} == 'yes' %}, o.name{% endif %}`,
        `FROM {{ @customer_payment_date as b }}`,
        `JOIN ${from} t ON t.id = b.id`,
        `{% if include_${other} == 'yes' %}LEFT JOIN ${joined} o ON o.id = t.${on}{% endif %}`,
        `WHERE t.state = '{{ state }}'`,
        ``,
        `{% form %}`,
        `state:`,
        `  type: select`,
        `  default: 'CA'`,
        `  options: ['CA', 'GA', 'NY']`,
        `include_${other}:`,
        `  type: select`,
        `  default: 'yes'`,
        `  options: ['yes', 'no']`,
        `{% endform %}`,
      ].join("\n");
    case "unicode":
      return (
        `-- Ümlaut, 日本語 and emoji 🧮 in a comment\nSELECT id, customer_name AS "顧客名", amount ` +
        `AS "Betrag €", created_at, is_active\nFROM ${from}\nWHERE customer_name <> 'Zoë'`
      );
    case "long":
      return longSql(seed, serial, from);
  }
}

/**
 * SQL of definition `index` (docs/mode-api.md §3.9): a plain join, or a definition built on the first one
 * (`{{ @customer_payment_date }}`), as in DataHub's captured `definitions.json`.
 */
export function definitionSql(seed: number, index: number): string {
  if (index % 4 === 1)
    return (
      `SELECT cpd.*, t.staff_id\nFROM {{ @customer_payment_date as cpd }}\nINNER JOIN analytics.tickets t ON ` +
      `t.customer_id = cpd.customer_id`
    );
  const table = pick(TABLES, seed, 1_000_000 + index, 5);
  return (
    `SELECT c.id AS customer_id, c.customer_name, p.id, p.amount, p.created_at, p.is_active, p.state\nFROM ` +
    `analytics.customers c\nINNER JOIN analytics.${table} p ON p.customer_id = c.id`
  );
}

// About 24 KB of SQL: a wide CASE expression with Liquid loops, the kind analysts paste into Mode.
function longSql(seed: number, serial: number, from: string): string {
  const lines = [
    `-- generated report ${serial}: very long SQL`,
    `{% assign regions = "north,south,east,west" | split: "," %}`,
    `SELECT`,
  ];
  for (let i = 0; i < 320; i++) {
    const threshold = hash32(seed, serial, i) % 10_000;
    lines.push(
      `  SUM(CASE WHEN amount > ${threshold} AND region = '{{ regions[${i % 4}] }}' THEN amount ELSE 0 ` +
        `END) AS bucket_${i},`,
    );
  }
  lines.push(`  COUNT(*) AS total_rows`, `FROM ${from}`, `{% if include_tests %}WHERE is_test = false{% endif %}`);
  return lines.join("\n");
}

/** Liquid rendered the simple way Mode's `rendered_source` shows it: tags dropped, variables substituted. */
export function renderLiquid(sql: string, parameters: Readonly<Record<string, unknown>>): string {
  // Every pattern below starts with "{": plain SQL (most queries) skips the four scans.
  if (!sql.includes("{")) return sql.trimEnd();
  return sql
    .replace(/\{% form %\}[\s\S]*?\{% endform %\}/g, "")
    .replace(/\{%[\s\S]*?%\}/g, "")
    .replace(/\{\{\s*@(\w+)\s+as\s+(\w+)\s*\}\}/g, "(SELECT * FROM $1) AS $2")
    .replace(/\{\{\s*(\w+)[^}]*\}\}/g, (_m, name: string) => {
      const value = parameters[name];
      return value === undefined ? "CA" : String(value);
    })
    .trimEnd();
}

/** `querySql` and `renderLiquid` for the queries of one workspace, remembered once computed. */
export interface SqlTexts {
  /** `querySql(seed, serial, variant, adapter)` (a query's serial fixes its data source, hence its adapter). */
  raw(serial: number, variant: SqlVariant, adapter: string | null): string;
  /** `renderLiquid(raw(serial, variant, adapter), parameters)`. */
  rendered(
    serial: number,
    variant: SqlVariant,
    adapter: string | null,
    parameters: Readonly<Record<string, unknown>>,
  ): string;
}

const SQL_VARIANTS: readonly SqlVariant[] = ["plain", "liquid", "unicode", "long"];

// Renderings are keyed by parameter sets, which POSTed runs choose freely: start afresh past this many.
const MAX_RENDERINGS = 50_000;

/**
 * A query's SQL goes into every run's query runs (raw and rendered), and long SQL is 24 KB of
 * generated text with four regular-expression passes to render: each is built once per query (and
 * parameter set) instead of once per body.
 */
export function createSqlTexts(seed: number): SqlTexts {
  const raws = new Map<number, string>();
  const renderings = new Map<string, string>();
  const raw = (serial: number, variant: SqlVariant, adapter: string | null): string => {
    // A query's serial fixes its variant; the key carries both anyway.
    const key = serial * 4 + SQL_VARIANTS.indexOf(variant);
    let sql = raws.get(key);
    if (sql === undefined) {
      sql = querySql(seed, serial, variant, adapter);
      raws.set(key, sql);
    }
    return sql;
  };
  return {
    raw,
    rendered: (serial, variant, adapter, parameters) => {
      const sql = raw(serial, variant, adapter);
      if (!sql.includes("{")) return renderLiquid(sql, parameters);
      const key = `${serial}:${variant}:${JSON.stringify(parameters)}`;
      let text = renderings.get(key);
      if (text === undefined) {
        text = renderLiquid(sql, parameters);
        if (renderings.size >= MAX_RENDERINGS) renderings.clear();
        renderings.set(key, text);
      }
      return text;
    },
  };
}

/** First 120 characters, as `query_preview` carries them (docs/mode-api.md §3.3). */
export function preview(sql: string): string {
  return sql.slice(0, 120);
}
