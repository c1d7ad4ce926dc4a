import type { StreamDefinition } from "./types.js";

/**
 * What every Discovery ("batch") API stream shares (docs/discovery.md): one flat, workspace-wide list read page by
 * page with a signature token, 1,000 rows a page; no updated-since filter exists, so FULL_TABLE only, read in full on
 * every sync. Not selected by default: reading them creates (and then deletes) a signature token in the workspace,
 * and only Enterprise workspaces with an admin's API key have the API.
 */
export const DISCOVERY_LIST = {
  api: "discovery",
  walk: "discovery-list",
  kind: "list",
  paged: true,
  perPage: 1000,
  keyProperties: ["token"],
  validReplicationKeys: [],
  replicationMethods: ["FULL_TABLE"],
  contextFields: {},
  selectedByDefault: false,
} as const satisfies Partial<StreamDefinition>;

/**
 * `include_spaces=all` adds content of members' personal spaces to the reports, queries, charts and report_stats lists
 * (https://mode.com/developer/discovery-api/analytics/reports/); sent unless `include_personal_spaces` is false, as
 * the REST spaces list sends `filter=all`.
 */
export function includeSpaces(config: { readonly includePersonalSpaces: boolean }): Record<string, string> {
  return config.includePersonalSpaces ? { include_spaces: "all" } : {};
}
