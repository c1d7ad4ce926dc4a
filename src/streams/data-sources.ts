import type { StreamDefinition } from "./types.js";

/**
 * Data source connections of the workspace (docs/mode-api.md §3.8). The endpoint ignores `page` and carries no
 * counters (docs/mode-api.md §2.4), so it is read unpaged.
 */
export const dataSourcesStream: StreamDefinition = {
  name: "data_sources",
  walk: "workspace-list",
  path: "/{workspace}/data_sources",
  kind: "list",
  embeddedKey: "data_sources",
  paged: false,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  contextFields: {},
  selectedByDefault: true,
  description: "Data source connections (warehouses) of the workspace.",
};
