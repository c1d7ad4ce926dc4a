import { DISCOVERY_LIST } from "./discovery-list.js";
import type { StreamDefinition } from "./types.js";

/**
 * Workspace members with engagement dates from the Discovery API
 * (https://mode.com/developer/discovery-api/analytics/members/). Mode's Swagger names the list `memberships`, its
 * docs' example `members`: either is read. The list takes no `include_spaces`.
 */
export const discoveryMembersStream: StreamDefinition = {
  ...DISCOVERY_LIST,
  name: "discovery_members",
  path: "/{workspace}/members",
  embeddedKey: "memberships",
  alternateKeys: ["members"],
  description:
    "Members of the workspace with their last report views, runs and engagement from the Discovery API; opt-in.",
};
