import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSchemaRegistry } from "../../src/schemas.js";
import { findStream } from "../../src/streams/registry.js";
import { PROJECT_ROOT } from "../support/run-cli.js";
import { DISCOVERY_STREAMS, discoveryRig, readAll } from "./support.js";

interface FieldSets {
  readonly streams: Record<
    string,
    { swaggerListKey: string; swaggerFields: string[]; docsListKey: string; docsExampleFields: string[] }
  >;
}

const fields = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "test", "fixtures", "discovery", "fields.json"), "utf8"),
) as FieldSets;
const schemas = loadSchemaRegistry();
// HAL-style navigation, never a record field (src/records/normalize.ts).
const NAVIGATION = new Set(["_links"]);

describe("Discovery field sets", () => {
  it("has a field set for each of the six streams", () => {
    expect(Object.keys(fields.streams).sort()).toEqual(DISCOVERY_STREAMS.map((d) => d.name).sort());
  });

  it.each(DISCOVERY_STREAMS.map((d) => [d.name] as const))(
    "%s: the schema declares every field of the Swagger definition and of the docs' example",
    (name) => {
      const set = fields.streams[name];
      if (set === undefined) throw new Error(name);
      const declared = Object.keys(schemas.schema(name).properties ?? {});
      for (const field of [...set.swaggerFields, ...set.docsExampleFields].filter((f) => !NAVIGATION.has(f)))
        expect(declared, `${name}.${field}`).toContain(field);
      const definition = findStream(name);
      expect([definition?.embeddedKey, ...(definition?.alternateKeys ?? [])]).toEqual(
        expect.arrayContaining([set.swaggerListKey, set.docsListKey]),
      );
    },
  );

  it("the simulator sends every Swagger field and nothing the schema lacks", async () => {
    const rig = await discoveryRig();
    try {
      for (const definition of DISCOVERY_STREAMS) {
        const items = await readAll(rig.session, definition);
        expect(items.length, definition.name).toBeGreaterThan(0);
        const set = fields.streams[definition.name];
        const declared = new Set(Object.keys(schemas.schema(definition.name).properties ?? {}));
        for (const item of items) {
          for (const key of Object.keys(item))
            if (!NAVIGATION.has(key)) expect(declared, definition.name).toContain(key);
          for (const field of set?.swaggerFields ?? [])
            expect(item, `${definition.name}.${field}`).toHaveProperty([field]);
        }
      }
    } finally {
      await rig.stop();
    }
  });
});
