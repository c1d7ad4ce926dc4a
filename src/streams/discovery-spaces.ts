import { DISCOVERY_LIST } from "./discovery-list.js";
import type { StreamDefinition } from "./types.js";

/**
 * Every space (collection) of the workspace from the Discovery API
 * (https://mode.com/developer/discovery-api/analytics/collections/). The list takes no `include_spaces`.
 */
export const discoverySpacesStream: StreamDefinition = {
  ...DISCOVERY_LIST,
  name: "discovery_spaces",
  path: "/{workspace}/spaces",
  embeddedKey: "spaces",
  description: "Spaces (collections) of the workspace from the Discovery API (Enterprise, admin key); opt-in.",
};
