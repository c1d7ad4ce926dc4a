import { tokenOf } from "./tokens.js";
import type { StreamDefinition } from "./types.js";

/**
 * Spaces (renamed Collections in Mode's UI; the API still says spaces, mode-api notes §1.1). `filter=all` adds other
 * users' personal collections, which the default listing hides (mode-api notes §2.5, §7.1); it is sent unless the
 * config turns `include_personal_spaces` off. Spaces have no timestamps, so full table only (mode-api notes §3.2).
 * Pages of at most 30 (`per_page` is clamped to 30, mode-api notes §2.4).
 */
export const spacesStream: StreamDefinition = {
  name: "spaces",
  path: "/{workspace}/spaces",
  kind: "list",
  embeddedKey: "spaces",
  paged: true,
  perPage: 30,
  cursor: "page",
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  contextFields: {},
  childContext: (record) => ({ space: tokenOf(record) }),
  query: (config): Record<string, string> => (config.includePersonalSpaces ? { filter: "all" } : {}),
  selectedByDefault: true,
  description: "Spaces (collections) of the workspace, personal ones included unless include_personal_spaces is false.",
};
