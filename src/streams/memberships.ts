import type { StreamDefinition } from "./types.js";

/**
 * Workspace members (docs/mode-api.md §3.10). The object has no `token` of its own; `member_token` (the user's token)
 * is unique per workspace. Whether the endpoint pages is not documented: it is read page by page, and the engine's
 * guard against a repeated page stops it when it ignores `page` (docs/mode-api.md §2.4).
 */
export const membershipsStream: StreamDefinition = {
  name: "memberships",
  walk: "workspace-list",
  path: "/{workspace}/memberships",
  kind: "list",
  embeddedKey: "memberships",
  paged: true,
  cursor: "page",
  keyProperties: ["member_token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  contextFields: {},
  selectedByDefault: true,
  description: "Members of the workspace (admin flag, state, activation).",
};
