import { tokenOf } from "./tokens.js";
import type { StreamDefinition } from "./types.js";

/**
 * User groups of the workspace (docs/mode-api.md §3.11): admin only, 403 for other users, so a 403 skips the stream
 * with a warning. Pages of 20 with a `next_page` link emitted even past the end (docs/mode-api.md §2.4): the engine
 * relies on the counters and its repeated-page guard.
 */
export const groupsStream: StreamDefinition = {
  name: "groups",
  walk: "workspace-list",
  path: "/{workspace}/groups",
  kind: "list",
  embeddedKey: "groups",
  paged: true,
  cursor: "page",
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  contextFields: {},
  childContext: (record) => ({ group: tokenOf(record) }),
  tolerate: [403],
  selectedByDefault: true,
  description: "User groups of the workspace (admin only; skipped with a warning otherwise).",
};
