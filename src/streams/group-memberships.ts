import type { StreamDefinition } from "./types.js";

/**
 * Members of each group, under `_embedded.group_memberships` (docs/mode-api.md §3.11, §7.5). Admin only like groups
 * (`swagger.yaml` lists 403 for `listGroupMemberships`).
 */
export const groupMembershipsStream: StreamDefinition = {
  name: "group_memberships",
  walk: "with-parent",
  path: "/{workspace}/groups/{group}/memberships",
  kind: "list",
  embeddedKey: "group_memberships",
  paged: false,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  parent: "groups",
  contextFields: { group_token: "group" },
  tolerate: [403, 404],
  selectedByDefault: true,
  description: "Members of each user group (admin only).",
};
