/**
 * The rules of MeltanoHub's extractor definition schemas that meltano/tap-mode.yml relies on, written out here (the
 * Hub's own schemas are not part of this project): https://github.com/meltano/hub/tree/main/schemas, files
 * plugin_definitions/extractors.schema.json, plugin_definitions/hub_metadata.schema.json and common/*.schema.json as of
 * commit 9d28b36a64bf1ba18d6b0dd6936d8f14d2eaa0ba (2026-08-01). MeltanoHub validates with JSON Schema draft 7 and no
 * format checks; so does the test that uses this.
 */

/** Extractor capabilities the Hub accepts. */
export const HUB_CAPABILITIES = [
  "properties",
  "catalog",
  "discover",
  "state",
  "about",
  "stream-maps",
  "schema-flattening",
  "activate-version",
  "batch",
  "test",
  "log-based",
  "structured-logging",
] as const;

/** Setting kinds the Hub accepts (`decimal` since 2025-09, understood by Meltano 3.9 and later). */
export const HUB_SETTING_KINDS = [
  "oauth",
  "hidden",
  "password",
  "date_iso8601",
  "file",
  "email",
  "integer",
  "options",
  "object",
  "array",
  "boolean",
  "string",
  "decimal",
] as const;

const string = { type: "string" } as const;
const strings = { type: "array", items: string } as const;

/** One entry of `settings`: a closed set of keys. */
const setting = {
  type: "object",
  required: ["name"],
  additionalProperties: false,
  properties: {
    name: string,
    aliases: strings,
    label: string,
    value: {},
    placeholder: string,
    kind: { enum: HUB_SETTING_KINDS },
    description: string,
    tooltip: string,
    documentation: string,
    env: string,
    value_processor: { enum: ["upcase_string", "nest_object", "stringify"] },
    value_post_processor: { enum: ["upcase_string", "nest_object", "stringify"] },
    oauth: { type: "object", required: ["provider"], properties: { provider: string } },
    // An option's value is a string (so are tap-mode's enums).
    options: { type: "array", items: { type: "object", properties: { label: string, value: string } } },
    docs: string,
    hidden: { type: "boolean" },
    sensitive: { type: "boolean" },
  },
} as const;

/** An extractor definition: a closed set of top-level keys, `quality` required next to the plugin's identity. */
export const HUB_EXTRACTOR_RULES = {
  type: "object",
  required: ["name", "namespace", "variant", "quality"],
  additionalProperties: false,
  properties: {
    name: string,
    pip_url: string,
    variant: string,
    namespace: string,
    label: string,
    description: string,
    executable: string,
    settings: { type: "array", items: setting },
    docs: string,
    repo: string,
    logo_url: { type: ["string", "null"] },
    hidden: { type: "boolean" },
    python: string,
    settings_group_validation: { type: "array", items: strings },
    commands: { type: "object" },
    capabilities: { type: "array", items: { enum: HUB_CAPABILITIES } },
    metadata: { type: "object" },
    schema: { type: "object" },
    select: strings,
    maintenance_status: { enum: ["active", "beta", "development", "inactive", "unknown"] },
    quality: { enum: ["gold", "silver", "bronze", "unknown"] },
    domain_url: { type: ["string", "null"] },
    keywords: strings,
    requires: { type: "object" },
    definition: string,
    next_steps: string,
    settings_preamble: string,
    usage: string,
    prereq: string,
    supported_python_versions: { type: "array", items: { type: "string", pattern: "^3\\.\\d+$" } },
    log_parser: string,
  },
} as const;
