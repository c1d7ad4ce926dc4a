import { DISCOVERY_LIST, includeSpaces } from "./discovery-list.js";
import type { StreamDefinition } from "./types.js";

/** Every chart of the workspace from the Discovery API (https://mode.com/developer/discovery-api/analytics/charts/). */
export const discoveryChartsStream: StreamDefinition = {
  ...DISCOVERY_LIST,
  name: "discovery_charts",
  path: "/{workspace}/charts",
  embeddedKey: "charts",
  query: includeSpaces,
  description: "Charts of the whole workspace from the Discovery API, without one request per query; opt-in.",
};
