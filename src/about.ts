import type { ConfigSchema } from "./config.js";
import { envVarName } from "./config.js";
import type { AboutFormat } from "./args.js";
import type { PackageInfo } from "./package-info.js";
import type { StreamDefinition } from "./streams/types.js";

/**
 * What the tap does, as MeltanoHub's capability strings (docs/singer-notes.md §3.1): the flags it honours, exactly.
 * `properties` is the legacy alias of --catalog, which the command accepts.
 */
export const CAPABILITIES: readonly string[] = [
  "about",
  "catalog",
  "discover",
  "properties",
  "state",
  "test",
  // Inline stream maps and flattening (stream_maps, flattening_enabled; src/maps/), as the Meltano SDK's.
  "stream-maps",
  "schema-flattening",
];

export interface AboutInput {
  readonly info: PackageInfo;
  readonly schema: ConfigSchema;
  readonly streams: readonly StreamDefinition[];
}

interface AboutStream {
  name: string;
  description: string;
  key_properties: readonly string[];
  replication_methods: readonly string[];
  replication_keys: readonly string[];
  parent: string | null;
  selected_by_default: boolean;
}

function streamSummaries(streams: readonly StreamDefinition[]): AboutStream[] {
  return streams.map((s) => ({
    name: s.name,
    description: s.description,
    key_properties: s.keyProperties,
    replication_methods: s.replicationMethods,
    replication_keys: s.validReplicationKeys,
    parent: s.parent ?? null,
    selected_by_default: s.selectedByDefault,
  }));
}

/** `--about` output in the Meltano SDK's three formats (docs/singer-notes.md §3.2), plus the stream list. */
export function renderAbout(input: AboutInput, format: AboutFormat): string {
  const { info, schema, streams } = input;
  if (format === "json") {
    return `${JSON.stringify(
      {
        name: info.name,
        description: info.description,
        version: info.version,
        sdk_version: null,
        supported_python_versions: null,
        capabilities: CAPABILITIES,
        settings: schema,
        streams: streamSummaries(streams),
      },
      null,
      2,
    )}\n`;
  }
  const settings = Object.entries(schema.properties);
  const required = new Set(schema.required);
  if (format === "markdown") {
    const lines = [
      `# \`${info.name}\``,
      "",
      info.description,
      "",
      "## Capabilities",
      "",
      ...CAPABILITIES.map((c) => `* \`${c}\``),
      "",
      "## Settings",
      "",
      "| Setting | Required | Default | Description |",
      "|:--------|:--------:|:-------:|:------------|",
      ...settings.map(
        ([name, p]) =>
          `| ${name} | ${required.has(name) ? "True" : "False"} | ` +
          `${p.default === undefined ? "None" : JSON.stringify(p.default)} | ` +
          `${(p.description ?? "").replace(/\|/g, "\\|")} |`,
      ),
      "",
      "## Streams",
      "",
      "| Stream | Key | Replication | Parent | Description |",
      "|:-------|:----|:------------|:-------|:------------|",
      ...streams.map(
        (s) =>
          `| ${s.name} | ${s.keyProperties.join(", ")} | ${s.replicationMethods.join(", ")}` +
          `${s.validReplicationKeys.length ? ` (${s.validReplicationKeys.join(", ")})` : ""} | ` +
          `${s.parent ?? ""} | ${s.description} |`,
      ),
      "",
      `A full list of supported settings and capabilities is available by running: \`${info.name} --about\``,
    ];
    return `${lines.join("\n")}\n`;
  }
  const lines = [
    `Name: ${info.name}`,
    `Description: ${info.description}`,
    `Version: ${info.version}`,
    "Capabilities:",
    ...CAPABILITIES.map((c) => `  - ${c}`),
    "Settings:",
    ...settings.flatMap(([name, p]) => [
      `  - Name: ${name}`,
      `    Type: ${JSON.stringify(p.type ?? "object")}`,
      ...(required.has(name) ? ["    Required: true"] : []),
      ...(p.default !== undefined ? [`    Default: ${JSON.stringify(p.default)}`] : []),
      ...(p.secret ? ["    Secret: true"] : []),
      `    Environment Variable: ${envVarName(name)}`,
      `    Description: ${p.description ?? ""}`,
    ]),
    "Streams:",
    ...streams.map((s) => `  - ${s.name}: ${s.description}`),
  ];
  return `${lines.join("\n")}\n`;
}
