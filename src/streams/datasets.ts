import { tokenOf } from "./tokens.js";
import type { StreamDefinition } from "./types.js";

/**
 * Datasets of each space. A dataset is a report with `type: "DatasetReport"`, listed under `_embedded.reports`, not
 * `datasets` (mode-api notes §3.13, §7.4). Same filters as reports (`filter`, `order`, `order_by`; mode-api notes
 * §2.5), so incremental on `updated_at`.
 */
export const datasetsStream: StreamDefinition = {
  name: "datasets",
  path: "/{workspace}/spaces/{space}/datasets",
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
  childContext: (record) => ({ dataset: tokenOf(record) }),
  tolerate: [403, 404],
  selectedByDefault: true,
  description: "Datasets of each space (reports of type DatasetReport), incremental on updated_at.",
};
