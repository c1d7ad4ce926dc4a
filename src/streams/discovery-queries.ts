import { DISCOVERY_LIST, includeSpaces } from "./discovery-list.js";
import type { StreamDefinition } from "./types.js";

/**
 * Every query of the workspace from the Discovery API (https://mode.com/developer/discovery-api/analytics/queries/).
 */
export const discoveryQueriesStream: StreamDefinition = {
  ...DISCOVERY_LIST,
  name: "discovery_queries",
  path: "/{workspace}/queries",
  embeddedKey: "queries",
  query: includeSpaces,
  description: "Queries (SQL) of the whole workspace from the Discovery API, without one request per report; opt-in.",
};
