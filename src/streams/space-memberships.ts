import type { StreamDefinition } from "./types.js";

/**
 * Members of each space, under `_embedded.space_memberships` (docs/mode-api.md §3.0). Mode documents this endpoint as
 * due for deprecation, and it costs one request per space on every sync (it has no timestamps to compare), so it is
 * not selected by default. A deleted space answers 403 rather than 404 for a while (docs/mode-api.md §6.2, §7.12), so
 * both skip the partition with a warning.
 */
export const spaceMembershipsStream: StreamDefinition = {
  name: "space_memberships",
  walk: "with-parent",
  path: "/{workspace}/spaces/{space}/memberships",
  kind: "list",
  embeddedKey: "space_memberships",
  paged: false,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  parent: "spaces",
  contextFields: { space_token: "space" },
  tolerate: [403, 404],
  selectedByDefault: false,
  description:
    "Memberships of each space (who can view or edit it); Mode marks the endpoint deprecated; not selected by default.",
};
