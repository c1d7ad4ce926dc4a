/**
 * Which SQL grammar reads a Mode query: the data source's `adapter` (Mode's data source API,
 * https://mode.com/developer/api-reference/management/data-sources/) names the warehouse; node-sql-parser has one
 * grammar per dialect (its `database` option). See docs/lineage.md for the table and the fallback rule.
 */

/** node-sql-parser grammars used here (each is a build of its own: node-sql-parser/build/<name>.js). */
export type Dialect =
  | "postgresql"
  | "redshift"
  | "snowflake"
  | "bigquery"
  | "mysql"
  | "mariadb"
  | "trino"
  | "athena"
  | "hive"
  | "transactsql"
  | "sqlite";

/**
 * Grammars tried after the adapter's own, in order, when it cannot parse a query: PostgreSQL's grammar takes the
 * most ANSI SQL, MySQL's takes backtick quoting, BigQuery's takes backtick paths. The first that parses wins and is
 * reported as the record's dialect.
 */
export const PERMISSIVE: readonly Dialect[] = ["postgresql", "mysql", "bigquery"];

// Mode adapter -> grammar. Adapters without a grammar of their own take the closest one: Presto, Treasure Data and
// Athena speak Trino's SQL; Databricks, Spark, Impala and Hive speak HiveQL; Vertica, Druid, Denodo, Oracle and Mode's
// own datasets read as ANSI (PostgreSQL); ClickHouse quotes with backticks like MySQL.
const BY_ADAPTER: Readonly<Record<string, Dialect>> = {
  "jdbc:postgresql": "postgresql",
  "jdbc:redshift": "redshift",
  "jdbc:snowflake": "snowflake",
  "jdbc:bigquery": "bigquery",
  bigquery: "bigquery",
  "jdbc:mysql": "mysql",
  "jdbc:mariadb": "mariadb",
  "jdbc:trino": "trino",
  "jdbc:presto": "trino",
  presto: "trino",
  trino: "trino",
  "jdbc:treasuredata": "trino",
  "jdbc:athena": "athena",
  "jdbc:databricks": "hive",
  databricks: "hive",
  "jdbc:spark": "hive",
  "jdbc:hive": "hive",
  "jdbc:impala": "hive",
  "jdbc:sqlserver": "transactsql",
  "jdbc:clickhouse": "mysql",
  "jdbc:vertica": "postgresql",
  "jdbc:druid": "postgresql",
  "jdbc:denodo": "postgresql",
  "jdbc:oracle": "postgresql",
  "jdbc:oracleadb": "postgresql",
  "jdbc:modedatasets": "postgresql",
};

/**
 * The grammars to try for a data source adapter, its own first, then the permissive ones; unknown adapters get those.
 */
export function dialectsFor(adapter: string | null | undefined): readonly Dialect[] {
  const own = adapter === null || adapter === undefined ? undefined : BY_ADAPTER[adapter.trim().toLowerCase()];
  return own === undefined ? PERMISSIVE : [own, ...PERMISSIVE.filter((d) => d !== own)];
}
