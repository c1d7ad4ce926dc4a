import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CAPABILITIES } from "../../src/about.js";
import { loadConfigSchema, type ConfigSchemaProperty } from "../../src/config.js";
import { streamDefinitions } from "../../src/streams/registry.js";
import { PROJECT_ROOT } from "../support/run-cli.js";
import { HUB_CAPABILITIES, HUB_EXTRACTOR_RULES, HUB_SETTING_KINDS } from "./hub-rules.js";

type Mapping = { [key: string]: unknown };

/** YAML 1.2, core schema (the yaml package's default); a duplicate key is an error. */
function readYaml(path: string): Mapping {
  const value = parse(readFileSync(join(PROJECT_ROOT, path), "utf8"), {
    uniqueKeys: true,
    prettyErrors: true,
  }) as unknown;
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`${path} is not a mapping`);
  return value as Mapping;
}

const asMappings = (value: unknown): Mapping[] => (Array.isArray(value) ? value : []) as Mapping[];

const schema = loadConfigSchema();
const definition = readYaml("meltano/tap-mode.yml");
const settings = asMappings(definition.settings);

/**
 * The kind each config property must have. A JSON Schema `number` (the durations in seconds) is `decimal`, so Meltano
 * converts a fractional value from the environment as a number; an `integer` (counts) stays `integer`
 * (docs/meltano.md).
 */
function expectedKind(property: ConfigSchemaProperty): string {
  if (property.secret === true) return "password";
  if (property.enum !== undefined) return "options";
  if (property.format === "date-time") return "date_iso8601";
  if (property.type === "number") return "decimal";
  return String(property.type);
}

describe("the Meltano plugin definition (meltano/tap-mode.yml)", () => {
  it("follows MeltanoHub's extractor definition rules (test/meltano/hub-rules.ts)", () => {
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(HUB_EXTRACTOR_RULES);
    expect(validate(definition), JSON.stringify(validate.errors)).toBe(true);
    // ...and the rules catch what they are for: a definition without `quality`, an unknown key or kind.
    const { quality: _quality, ...withoutQuality } = definition;
    for (const broken of [
      withoutQuality,
      { ...definition, pip_url_typo: "x" },
      { ...definition, settings: [{ name: "x", kind: "float" }] },
    ])
      expect(validate(broken)).toBe(false);
  });

  it("carries the Hub metadata: quality, maintenance status, repository, docs and how tap-mode gets on PATH", () => {
    expect(definition.quality).toBe("unknown");
    expect(definition.maintenance_status).toBe("beta");
    const repo = String(definition.repo);
    expect(repo).toMatch(/^https:\/\/github\.com\/[^/]+\/tap-mode$/);
    expect(definition.docs).toBe(`${repo}/blob/main/docs/meltano.md`);
    expect(definition.prereq).toContain("npm install -g");
    expect(definition.prereq).toContain("PATH");
  });

  it("names the plugin, its namespace and its executable", () => {
    expect(definition).toMatchObject({
      name: "tap-mode",
      namespace: "tap_mode",
      executable: "tap-mode",
      label: "Mode",
    });
    expect(typeof definition.variant).toBe("string");
    expect(definition.pip_url).toBeUndefined();
  });

  it("declares exactly the capabilities the tap has (CAPABILITIES in src/about.ts)", () => {
    expect(definition.capabilities).toEqual([...CAPABILITIES]);
    for (const capability of CAPABILITIES) expect(HUB_CAPABILITIES).toContain(capability);
  });

  it("lists the settings of schemas/config.json, in order, with report_results as one object setting", () => {
    expect(settings.map((s) => s.name)).toEqual(Object.keys(schema.properties));
    expect(settings.find((s) => s.name === "report_results")?.kind).toBe("object");
  });

  it("gives every setting the kind, label, description and default of its config property", () => {
    for (const setting of settings) {
      const name = String(setting.name);
      const property = schema.properties[name] as ConfigSchemaProperty;
      expect(HUB_SETTING_KINDS, name).toContain(setting.kind);
      expect(setting.kind, name).toBe(expectedKind(property));
      expect(setting.label, name).toBe(property.title);
      expect(setting.description, name).toBe(property.description);
      expect(setting.value, name).toEqual(property.default);
      if (property.enum !== undefined)
        expect(
          asMappings(setting.options).map((o) => o.value),
          name,
        ).toEqual([...property.enum]);
      else expect(setting.options, name).toBeUndefined();
    }
  });

  it("marks the credentials sensitive, and only them", () => {
    const sensitive = settings.filter((s) => s.sensitive === true).map((s) => s.name);
    expect(sensitive).toEqual(
      Object.entries(schema.properties)
        .filter(([, p]) => p.secret === true)
        .map(([name]) => name),
    );
    expect(sensitive).toEqual(["api_token", "api_secret"]);
  });

  it("requires the config schema's required settings together", () => {
    expect(definition.settings_group_validation).toEqual([[...schema.required]]);
  });

  it("deselects exactly the streams that are not selected by default", () => {
    const select = definition.select as string[];
    expect(select[0]).toBe("*.*");
    const excluded = select.slice(1).map((rule) => /^!([a-z_]+)\.\*$/.exec(rule)?.[1]);
    expect(excluded.sort()).toEqual(
      streamDefinitions()
        .filter((d) => !d.selectedByDefault)
        .map((d) => d.name)
        .sort(),
    );
  });
});

describe("the example project (meltano/meltano.yml)", () => {
  const project = readYaml("meltano/meltano.yml");
  const plugins = project.plugins as Mapping;
  const extractor = asMappings(plugins.extractors).find((p) => p.name === "tap-mode") as Mapping;

  it("defines tap-mode as the plugin definition does", () => {
    for (const key of ["namespace", "executable", "capabilities", "settings_group_validation", "select"])
      expect(extractor[key], key).toEqual(definition[key]);
    const short = (list: Mapping[]): Array<Record<string, unknown>> =>
      list.map((s) => ({ name: s.name, kind: s.kind, sensitive: s.sensitive === true }));
    expect(short(asMappings(extractor.settings))).toEqual(short(settings));
  });

  it("configures only known settings and keeps credentials out of the file", () => {
    const config = extractor.config as Mapping;
    for (const key of Object.keys(config)) expect(Object.keys(schema.properties)).toContain(key);
    expect(config.api_token).toBeUndefined();
    expect(config.api_secret).toBeUndefined();
    expect(Number.isNaN(Date.parse(String(config.start_date)))).toBe(false);
  });

  it("runs a job whose tasks name plugins the project defines", () => {
    const names = new Set([...asMappings(plugins.extractors), ...asMappings(plugins.loaders)].map((p) => p.name));
    const jobs = asMappings(project.jobs);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs)
      for (const task of job.tasks as string[]) for (const plugin of task.split(" ")) expect(names).toContain(plugin);
    for (const schedule of asMappings(project.schedules)) expect(jobs.map((j) => j.name)).toContain(schedule.job);
  });
});
