import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import { ConfigError } from "./errors.js";
import { isJsonObject, type JsonObject } from "./json.js";
import { packageInfo, packageRoot } from "./package-info.js";
import { closestName } from "./suggest.js";

export interface ReportResultsConfig {
  readonly reports: readonly string[];
  readonly spaces: readonly string[];
  readonly triggerRun: boolean;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly waitTimeoutSeconds: number;
  readonly pollIntervalSeconds: number;
  readonly rowLimit?: number;
}

/** The validated, defaulted configuration of a run. */
export interface Config {
  readonly apiToken: string;
  readonly apiSecret: string;
  readonly workspace: string;
  readonly startDate?: string;
  readonly baseUrl: string;
  readonly userAgent: string;
  readonly requestTimeoutSeconds: number;
  readonly rateLimitRequests: number;
  readonly rateLimitWindowSeconds: number;
  readonly maxConcurrency: number;
  readonly maxRetries: number;
  readonly includePersonalSpaces: boolean;
  /** FULL_TABLE reads are versioned and activated when complete (docs/deletions.md). */
  readonly emitActivateVersionMessages: boolean;
  /** Lifetime of the Discovery API signature token a run creates (docs/discovery.md). */
  readonly discoveryTokenLifetimeHours: number;
  readonly invalidRecords: "fail" | "skip";
  readonly stateIntervalRecords: number;
  readonly stateIntervalSeconds: number;
  readonly progressIntervalSeconds: number;
  readonly logLevel: "debug" | "info" | "warn" | "error";
  readonly logFormat: "text" | "json";
  readonly requestMetrics: "summary" | "per_request" | "off";
  readonly reportResults?: ReportResultsConfig;
  /** Stream maps and flattening (src/maps/), as the Meltano SDK's built-in settings. */
  readonly streamMaps: JsonObject;
  readonly streamMapConfig: JsonObject;
  readonly flatteningEnabled: boolean;
  readonly flatteningMaxDepth?: number;
}

export interface ConfigSchemaProperty {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly title?: string;
  readonly default?: unknown;
  readonly secret?: boolean;
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly properties?: Readonly<Record<string, ConfigSchemaProperty>>;
}

export interface ConfigSchema {
  readonly type: "object";
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, ConfigSchemaProperty>>;
}

/** The config JSON Schema (schemas/config.json): the single source for validation, --about, Airbyte SPEC, Meltano. */
export function loadConfigSchema(root: string = packageRoot()): ConfigSchema {
  return JSON.parse(readFileSync(join(root, "schemas", "config.json"), "utf8")) as ConfigSchema;
}

/** Names of settings whose values must never be echoed. */
export function secretKeys(schema: ConfigSchema): ReadonlySet<string> {
  return new Set(
    Object.entries(schema.properties)
      .filter(([, p]) => p.secret === true)
      .map(([k]) => k),
  );
}

/**
 * Environment variable of a setting: TAP_MODE_<SETTING> (Meltano SDK `--config ENV` convention,
 * docs/singer-notes.md §3.2).
 */
export function envVarName(setting: string): string {
  return `TAP_MODE_${setting.toUpperCase()}`;
}

/** Reads one --config argument: a JSON file, or ENV for TAP_MODE_* variables. */
export function readConfigSource(
  source: string,
  schema: ConfigSchema,
  env: NodeJS.ProcessEnv = process.env,
): { label: string; values: JsonObject } {
  if (source === "ENV") return { label: "environment", values: configFromEnv(schema, env) };
  return { label: source, values: readJsonObjectFile(source, "config", ConfigError) };
}

/** Reads a file that must hold one JSON object; errors are one line naming the file. */
export function readJsonObjectFile(path: string, what: string, ErrorType: new (message: string) => Error): JsonObject {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ErrorType(`${what} file ${path}: cannot be read (${code})`);
  }
  if (text.trim() === "") throw new ErrorType(`${what} file ${path}: is empty (expected a JSON object)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ErrorType(`${what} file ${path}: is not valid JSON (${(error as Error).message.split("\n")[0]})`);
  }
  if (!isJsonObject(value))
    throw new ErrorType(
      `${what} file ${path}: must hold a JSON object, found ${Array.isArray(value) ? "an array" : typeof value}`,
    );
  return value;
}

function configFromEnv(schema: ConfigSchema, env: NodeJS.ProcessEnv): JsonObject {
  const values: JsonObject = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    const raw = env[envVarName(key)];
    if (raw === undefined || raw === "") continue;
    const type = Array.isArray(property.type) ? property.type.find((t) => t !== "null") : property.type;
    if (type === "string" || type === undefined) {
      values[key] = raw;
      continue;
    }
    // Integers, numbers, booleans, objects and arrays are cast as JSON, as the Meltano SDK does
    // (docs/singer-notes.md §3.2).
    try {
      values[key] = JSON.parse(raw) as JsonObject;
    } catch {
      throw new ConfigError(`environment: ${envVarName(key)} must be JSON of type ${type}`);
    }
  }
  return values;
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** `: did you mean "workspace"?` when a known name is close to the unknown `key` ("worksapce"), else "". */
function didYouMean(key: string, known: Iterable<string>, prefix = ""): string {
  const suggestion = closestName(key, known);
  return suggestion === undefined ? "" : `: did you mean "${prefix}${suggestion}"?`;
}

function describeAjvError(error: ErrorObject, schema: ConfigSchema, unknownKeys: readonly string[]): string {
  const path = error.instancePath.replace(/^\//, "").replace(/\//g, ".");
  if (error.keyword === "required") {
    const missing = String(error.params.missingProperty);
    // A required setting is often missing because it was misspelt: name the misspelling first.
    const typo = path === "" ? unknownKeys.find((key) => closestName(key, [missing]) === missing) : undefined;
    if (typo !== undefined)
      return `unknown setting "${typo}"${didYouMean(typo, [missing])} (the required setting "${missing}" is missing)`;
    return `missing required setting "${path ? `${path}.` : ""}${missing}"`;
  }
  if (error.keyword === "additionalProperties") {
    const nested = path === "" ? schema.properties : (schema.properties[path]?.properties ?? {});
    const key = String(error.params.additionalProperty);
    const prefix = path ? `${path}.` : "";
    return `unknown setting "${prefix}${key}"${didYouMean(key, Object.keys(nested), prefix)}`;
  }
  const field = path || "(root)";
  // ajv messages describe the constraint, never the value, so a bad secret is not echoed.
  const detail =
    error.keyword === "enum"
      ? `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`
      : (error.message ?? "is invalid");
  return `"${field}" ${detail}`;
}

export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: readonly string[];
}

/**
 * Merges the --config sources (later ones win, as the Meltano SDK merges repeated --config;
 * docs/singer-notes.md §3.2), validates the result against schemas/config.json and applies defaults. Throws
 * ConfigError with one line naming the source and the field; a secret's value never appears in a message.
 */
export function loadConfig(
  sources: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  schema: ConfigSchema = loadConfigSchema(),
): LoadedConfig {
  const merged: JsonObject = {};
  const labels: string[] = [];
  for (const source of sources) {
    const { label, values } = readConfigSource(source, schema, env);
    labels.push(label);
    Object.assign(merged, values);
  }
  return validateConfig(merged, labels.join(" + ") || "config", schema);
}

/** Validates an already merged config object. */
export function validateConfig(
  values: JsonObject,
  label: string,
  schema: ConfigSchema = loadConfigSchema(),
): LoadedConfig {
  const warnings: string[] = [];
  const known = new Set(Object.keys(schema.properties));
  const checked: JsonObject = {};
  const unknownKeys: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    // Meltano and other runners add their own keys; an unknown key is worth one warning, not a failure.
    if (known.has(key)) checked[key] = value;
    else unknownKeys.push(key);
  }
  for (const key of unknownKeys)
    warnings.push(`config ${label}: unknown setting "${key}"${didYouMean(key, known) || " ignored"}`);
  const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  if (!validate(checked)) {
    const error = validate.errors?.[0];
    throw new ConfigError(`config ${label}: ${error ? describeAjvError(error, schema, unknownKeys) : "is invalid"}`);
  }
  const baseUrl = String(checked.base_url).replace(/\/+$/, "");
  const url = new URL(baseUrl);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.test(url.hostname))) {
    throw new ConfigError(
      `config ${label}: "base_url" must use https:// (http:// is accepted only for loopback hosts such as ` +
        `127.0.0.1 or localhost)`,
    );
  }
  if (url.username || url.password)
    throw new ConfigError(`config ${label}: "base_url" must not carry credentials; use api_token and api_secret`);
  if (checked.flattening_enabled === true && typeof checked.flattening_max_depth !== "number")
    throw new ConfigError(`config ${label}: "flattening_max_depth" is required when "flattening_enabled" is true`);
  const results = checked.report_results;
  const config: Config = {
    apiToken: String(checked.api_token),
    apiSecret: String(checked.api_secret),
    workspace: String(checked.workspace),
    ...(typeof checked.start_date === "string" ? { startDate: new Date(checked.start_date).toISOString() } : {}),
    baseUrl,
    userAgent: typeof checked.user_agent === "string" ? checked.user_agent : `tap-mode/${packageInfo().version}`,
    requestTimeoutSeconds: Number(checked.request_timeout_seconds),
    rateLimitRequests: Number(checked.rate_limit_requests),
    rateLimitWindowSeconds: Number(checked.rate_limit_window_seconds),
    maxConcurrency: Number(checked.max_concurrency),
    maxRetries: Number(checked.max_retries),
    includePersonalSpaces: checked.include_personal_spaces === true,
    emitActivateVersionMessages: checked.emit_activate_version_messages !== false,
    discoveryTokenLifetimeHours: Number(checked.discovery_token_lifetime_hours),
    invalidRecords: checked.invalid_records === "skip" ? "skip" : "fail",
    stateIntervalRecords: Number(checked.state_interval_records),
    stateIntervalSeconds: Number(checked.state_interval_seconds),
    progressIntervalSeconds: Number(checked.progress_interval_seconds),
    logLevel: checked.log_level as Config["logLevel"],
    logFormat: checked.log_format === "json" ? "json" : "text",
    requestMetrics: checked.request_metrics as Config["requestMetrics"],
    ...(isJsonObject(results) ? { reportResults: reportResultsConfig(results) } : {}),
    streamMaps: isJsonObject(checked.stream_maps) ? checked.stream_maps : {},
    streamMapConfig: isJsonObject(checked.stream_map_config) ? checked.stream_map_config : {},
    flatteningEnabled: checked.flattening_enabled === true,
    ...(typeof checked.flattening_max_depth === "number" ? { flatteningMaxDepth: checked.flattening_max_depth } : {}),
  };
  return { config, warnings };
}

function reportResultsConfig(raw: JsonObject): ReportResultsConfig {
  return {
    reports: Array.isArray(raw.reports) ? raw.reports.map(String) : [],
    spaces: Array.isArray(raw.spaces) ? raw.spaces.map(String) : [],
    triggerRun: raw.trigger_run === true,
    parameters: isJsonObject(raw.parameters) ? raw.parameters : {},
    waitTimeoutSeconds: Number(raw.wait_timeout_seconds),
    pollIntervalSeconds: Number(raw.poll_interval_seconds),
    ...(typeof raw.row_limit === "number" ? { rowLimit: raw.row_limit } : {}),
  };
}
