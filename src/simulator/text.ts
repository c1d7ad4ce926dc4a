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

/** Ordinary SQL; some queries use Liquid (`{{ }}` and a `{% form %}` block, mode-api §7.15). */
export function querySql(seed: number, serial: number, variant: "plain" | "liquid" | "unicode" | "long"): string {
  const table = pick(TABLES, seed, serial, 5);
  switch (variant) {
    case "plain":
      return `SELECT id, customer_name, amount, created_at, is_active\nFROM analytics.${table}\nWHERE created_at >= '2024-01-01'\nORDER BY created_at DESC`;
    case "liquid":
      return [
        `SELECT id, customer_name, amount, created_at, is_active`,
        `FROM {{ @${table}_definition as base }}`,
        `WHERE state = '{{ state }}'`,
        ``,
        `{% form %}`,
        `state:`,
        `  type: select`,
        `  default: 'CA'`,
        `  options: ['CA', 'GA', 'NY']`,
        `{% endform %}`,
      ].join("\n");
    case "unicode":
      return `-- Ümlaut, 日本語 and emoji 🧮 in a comment\nSELECT id, customer_name AS "顧客名", amount AS "Betrag €", created_at, is_active\nFROM analytics.${table}\nWHERE customer_name <> 'Zoë'`;
    case "long":
      return longSql(seed, serial, table);
  }
}

// About 24 KB of SQL: a wide CASE expression with Liquid loops, the kind analysts paste into Mode.
function longSql(seed: number, serial: number, table: string): string {
  const lines = [
    `-- generated report ${serial}: very long SQL`,
    `{% assign regions = "north,south,east,west" | split: "," %}`,
    `SELECT`,
  ];
  for (let i = 0; i < 320; i++) {
    const threshold = hash32(seed, serial, i) % 10_000;
    lines.push(
      `  SUM(CASE WHEN amount > ${threshold} AND region = '{{ regions[${i % 4}] }}' THEN amount ELSE 0 END) AS bucket_${i},`,
    );
  }
  lines.push(
    `  COUNT(*) AS total_rows`,
    `FROM analytics.${table}`,
    `{% if include_tests %}WHERE is_test = false{% endif %}`,
  );
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
  /** `querySql(seed, serial, variant)`. */
  raw(serial: number, variant: SqlVariant): string;
  /** `renderLiquid(raw(serial, variant), parameters)`. */
  rendered(serial: number, variant: SqlVariant, parameters: Readonly<Record<string, unknown>>): string;
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
  const raw = (serial: number, variant: SqlVariant): string => {
    // A query's serial fixes its variant; the key carries both anyway.
    const key = serial * 4 + SQL_VARIANTS.indexOf(variant);
    let sql = raws.get(key);
    if (sql === undefined) {
      sql = querySql(seed, serial, variant);
      raws.set(key, sql);
    }
    return sql;
  };
  return {
    raw,
    rendered: (serial, variant, parameters) => {
      const sql = raw(serial, variant);
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

/** First 120 characters, as `query_preview` carries them (mode-api §3.3). */
export function preview(sql: string): string {
  return sql.slice(0, 120);
}
