import type { StreamDefinition } from "./types.js";

/**
 * The workspace itself: `GET /{workspace}` answers one `Account` object with `user: false`
 * (docs/mode-api.md §1.4, §3.1). The best proof that the credential reaches the workspace, so it is read first.
 */
export const workspacesStream: StreamDefinition = {
  name: "workspaces",
  walk: "workspace-list",
  path: "/{workspace}",
  kind: "object",
  paged: false,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  contextFields: {},
  selectedByDefault: true,
  description: "The workspace (Mode Account object): name, plan, limits and settings.",
};
