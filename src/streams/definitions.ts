import type { StreamDefinition } from "./types.js";

/**
 * Definitions (reusable SQL snippets) of the workspace (docs/mode-api.md §3.9). The endpoint ignores `page`
 * (docs/mode-api.md §2.4). A workspace without a definitions library answers 404 "No default `Library` found": nothing
 * to read, not a failure.
 */
export const definitionsStream: StreamDefinition = {
  name: "definitions",
  walk: "workspace-list",
  path: "/{workspace}/definitions",
  kind: "list",
  embeddedKey: "definitions",
  paged: false,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  contextFields: {},
  tolerate: [404],
  selectedByDefault: true,
  description: "Definitions (reusable SQL snippets) of the workspace.",
};
