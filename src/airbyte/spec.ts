import type { ConfigSchema } from "../config.js";
import type { JsonObject, JsonValue } from "../json.js";
import type { ConnectorSpecification } from "./messages.js";

/**
 * Where an Airbyte user reads about the source's API (the Meltano Hub entry's domain_url, docs/singer-notes.md §3.14).
 */
const DOCUMENTATION_URL = "https://mode.com/developer/api-reference/";

/**
 * The SPEC of `tap-mode airbyte spec`: `connectionSpecification` is schemas/config.json, the same schema Singer mode
 * validates with, as Draft 7 (the draft Airbyte reads). Our `secret: true` becomes `airbyte_secret: true`, the Airbyte
 * UI convention that masks the field and its logs (docs/singer-notes.md §4.2, note under the examples); the internal
 * `$comment` is dropped. Unknown keys stay allowed: Airbyte may add its own to a stored config.
 */
export function connectorSpecification(schema: ConfigSchema): ConnectorSpecification {
  const properties: JsonObject = {};
  for (const [name, property] of Object.entries(schema.properties))
    properties[name] = airbyteProperty(property as unknown as JsonValue);
  return {
    documentationUrl: DOCUMENTATION_URL,
    connectionSpecification: {
      $schema: "http://json-schema.org/draft-07/schema#",
      title: "Mode Analytics (tap-mode)",
      type: "object",
      required: [...schema.required],
      additionalProperties: true,
      properties,
    },
  };
}

// Converts one schema node: `secret` and `$comment` are keywords here, while the keys of `properties` are setting
// names (a setting called "secret" must survive), so the walk follows the schema structure rather than every object.
function airbyteProperty(node: JsonValue): JsonValue {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  const out: JsonObject = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === "secret") {
      if (value === true) out.airbyte_secret = true;
    } else if (keyword === "$comment") {
      continue;
    } else if (keyword === "properties" && value !== null && typeof value === "object" && !Array.isArray(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, airbyteProperty(child)]));
    } else if (keyword === "items") {
      out.items = airbyteProperty(value);
    } else {
      out[keyword] = value;
    }
  }
  return out;
}
