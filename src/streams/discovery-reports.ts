import { DISCOVERY_LIST, includeSpaces } from "./discovery-list.js";
import type { StreamDefinition } from "./types.js";

/**
 * Every report of the workspace from the Discovery API (https://mode.com/developer/discovery-api/analytics/reports/).
 */
export const discoveryReportsStream: StreamDefinition = {
  ...DISCOVERY_LIST,
  name: "discovery_reports",
  path: "/{workspace}/reports",
  embeddedKey: "reports",
  query: includeSpaces,
  description:
    "Reports of the whole workspace in one flat list from the Discovery API (Enterprise, admin key); opt-in.",
};
