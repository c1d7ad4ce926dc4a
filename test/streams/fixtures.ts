import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isJsonObject, parseJsonLossless, type JsonObject } from "../../src/json.js";
import { packageRoot } from "../../src/package-info.js";

export interface RecordFixture {
  readonly about: string;
  readonly context: Readonly<Record<string, string>>;
  readonly items: readonly JsonObject[];
}

/** test/fixtures/records/<stream>.json, parsed like an API body (lossless: big integers stay exact strings). */
export function recordFixture(stream: string): RecordFixture {
  const text = readFileSync(join(packageRoot(), "test", "fixtures", "records", `${stream}.json`), "utf8");
  const value = parseJsonLossless(text);
  if (
    !isJsonObject(value) ||
    !Array.isArray(value.items) ||
    !isJsonObject(value.context) ||
    typeof value.about !== "string"
  ) {
    throw new Error(`test/fixtures/records/${stream}.json: expected {about, context, items}`);
  }
  return {
    about: value.about,
    context: value.context as Record<string, string>,
    items: value.items.filter(isJsonObject),
  };
}
