import { tokenOf } from "./tokens.js";
import type { StreamDefinition } from "./types.js";

/**
 * Reports of each space (docs/mode-api.md §3.3): pages of 30 (docs/mode-api.md §2.4), incremental on `updated_at`
 * through `filter=updated_at.gt.…&order=asc&order_by=updated_at` (docs/mode-api.md §2.5). There is no workspace-wide
 * report list in the REST API, so reports are read per space (docs/mode-api.md §3.0). A space deleted mid-sync answers
 * 403 or 404 (docs/mode-api.md §7.12).
 */
export const reportsStream: StreamDefinition = {
  name: "reports",
  walk: "versioned-parent",
  path: "/{workspace}/spaces/{space}/reports",
  kind: "list",
  embeddedKey: "reports",
  paged: true,
  perPage: 30,
  cursor: "page",
  keyProperties: ["token"],
  validReplicationKeys: ["updated_at"],
  replicationMethods: ["INCREMENTAL", "FULL_TABLE"],
  defaultReplicationKey: "updated_at",
  parent: "spaces",
  contextFields: { space_token: "space" },
  childContext: (record) => ({ report: tokenOf(record) }),
  tolerate: [403, 404],
  // Report pages often carry no total (docs/mode-api.md §2.4); when they do, the progress estimate follows reports.
  progressEstimate: 1,
  selectedByDefault: true,
  description: "Reports of each space, incremental on updated_at.",
};
