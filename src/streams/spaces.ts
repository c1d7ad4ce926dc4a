import { tokenOf } from "./tokens.js";
import type { StreamDefinition } from "./types.js";

/**
 * Spaces (renamed Collections in Mode's UI; the API still says spaces, docs/mode-api.md §1.1). `filter=all` adds other
 * users' personal collections, which the default listing hides (docs/mode-api.md §2.5, §7.1); it is sent unless the
 * config turns `include_personal_spaces` off. Spaces have no timestamps, so full table only (docs/mode-api.md §3.2).
 * Pages of at most 30 (`per_page` is clamped to 30, docs/mode-api.md §2.4).
 */
export const spacesStream: StreamDefinition = {
  name: "spaces",
  walk: "partition-list",
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
  // The spaces list always tells how many spaces there are: the estimate's fallback when report totals are unknown.
  progressEstimate: 2,
  selectedByDefault: true,
  description: "Spaces (collections) of the workspace, personal ones included unless include_personal_spaces is false.",
};
