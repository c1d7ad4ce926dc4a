import type { JsonObject } from "../../json.js";
import { links, templatedLink } from "../hal.js";
import { hash32 } from "../random.js";
import type { MemberState } from "../state.js";
import { memberDisplayName } from "../text.js";
import { isoMs } from "../time.js";
import { idValue, IdBase, type World } from "../world.js";
import { apiPath } from "./context.js";
import { dataSourceToken } from "./management.js";

/**
 * Account bodies: the workspace (`GET /{ws}`), users (`GET /{username}`) and `GET /verify`
 * (docs/mode-api.md §3.1, §1.4).
 */

function avatar(initials: string, token: string, seed: number): JsonObject {
  return {
    initials,
    seed: token,
    color_class: `mode-avatar-color-${(hash32(seed, Number.parseInt(token.slice(0, 8), 16)) % 12) + 1}`,
    type: "initials",
  };
}

/** The report-list rels a workspace and a user account both carry (swagger `AccountLinks`), in the API's order. */
function reportListLinks(base: string): Record<string, string | JsonObject> {
  return {
    report: templatedLink(`${base}/reports{/id}`),
    reports: `${base}/reports`,
    archived_reports: `${base}/reports?filter=archived`,
    public_reports: `${base}/reports?filter=public`,
    drafts_reports: `${base}/reports?filter=drafts`,
    starred_reports: `${base}/reports?filter=starred`,
    by_ids_reports: templatedLink(`${base}/reports?filter=by_ids&ids={ids}`),
    viewed_reports: `${base}/reports?filter=viewed`,
  };
}

/** `GET /api/{ws}`: an `Account` with `user: false` (swagger `Account`, `AccountLinks` required rels). */
export function workspaceAccount(world: World): JsonObject {
  const ws = world.workspace;
  const base = apiPath(world);
  const liveSpaces = world.state.spaces.length;
  return {
    username: ws,
    name: ws.charAt(0).toUpperCase() + ws.slice(1),
    id: idValue(world, world.state.accountId),
    token: world.state.accountToken,
    dataset_size_limit_mb: 10,
    query_run_size_limit_mb: 1000,
    avatar: avatar(ws.slice(0, 2).toUpperCase(), world.state.accountToken, world.seed),
    user: false,
    thoughtspot_integrated: false,
    space_count: liveSpaces,
    data_source_count: world.size.dataSources,
    default_data_source_token: world.size.dataSources > 0 ? dataSourceToken(world, 0) : null,
    membership_type: "admin",
    payment_method_confirmed: true,
    private_definition_count: 0,
    private_definition_limit: 10,
    authorized_domains: ["example.com"],
    plan_code: "standard",
    seat_limit_reached: false,
    org_seat_limit_reached: false,
    python_performance_first_tier: false,
    admin_data_source_connections_only: false,
    admin_collection_creation_only: false,
    created_at: isoMs(world.state.accountCreatedAt),
    _links: links({
      self: base,
      web: `/${ws}`,
      web_settings: `/organizations/${ws}/settings`,
      web_public_datasource_home: `/home/${ws}/data_sources`,
      web_spaces: `/${ws}/spaces`,
      web_groups: `/organizations/${ws}/groups`,
      web_new_organization: "/organizations/new",
      data_sources: `${base}/data_sources`,
      data_source: templatedLink(`${base}/data_sources{/id}`),
      memberships: `${base}/memberships`,
      home_web: `/home/${ws}`,
      home_starred_web: `/home/${ws}/starred`,
      home_explorations_web: `/home/${ws}/explorations`,
      home_search_web: `/home/${ws}/search`,
      new_invite_web: `/${ws}/invites/new`,
      new_upload_web: `/${ws}/uploads/new`,
      ...reportListLinks(base),
      starred_datasets: `${base}/datasets?filter=starred`,
      by_ids_datasets: templatedLink(`${base}/datasets?filter=by_ids&ids={ids}`),
      viewed_datasets: `${base}/datasets?filter=viewed`,
      starred_base_reports: `${base}/base_reports?filter=starred`,
      by_ids_base_reports: templatedLink(`${base}/base_reports?filter=by_ids&ids={ids}`),
      viewed_base_reports: `${base}/base_reports?filter=viewed`,
      groups: `${base}/groups`,
      group: templatedLink(`${base}/groups{/id}`),
      spaces: `${base}/collections`,
      space: templatedLink(`${base}/collections{/id}`),
      custom_spaces: `${base}/collections?filter=custom`,
      definitions: `${base}/definitions`,
      definition: templatedLink(`${base}/definitions{/id}`),
      all_color_palettes: "/api/color_palettes/predefined",
      schedules: `${base}/schedules`,
      api_keys: `${base}/api_keys`,
    }),
  };
}

/** `GET /api/{username}`: a user `Account` (`user: true`), with the key set of DataHub's `user.json`. */
export function userAccount(world: World, member: MemberState): JsonObject {
  const u = member.username;
  const base = `/api/${u}`;
  const name = memberDisplayName(member.index);
  return {
    username: u,
    name,
    id: idValue(world, IdBase.user + member.index),
    token: member.token,
    email: `${u}@example.com`,
    dataset_size_limit_mb: 10,
    query_run_size_limit_mb: 1000,
    email_verified: !member.invited,
    avatar: avatar(
      name
        .split(" ")
        .map((p) => p.charAt(0))
        .join("")
        .toUpperCase(),
      member.token,
      world.seed,
    ),
    user: true,
    data_source_count: 0,
    organizations_count: 1,
    created_at: isoMs(member.createdAt),
    _links: links({
      self: base,
      web: `/${u}`,
      web_settings: "/settings",
      web_public_datasource_home: `/home/${u}/data_sources/${world.state.accountToken}`,
      web_spaces: `/${u}/spaces`,
      web_groups: `/organizations/${u}/groups`,
      web_new_organization: "/organizations/new",
      data_sources: `${base}/data_sources`,
      data_source: templatedLink(`${base}/data_sources{/id}`),
      home_web: `/home/${u}`,
      home_starred_web: `/home/${u}/starred`,
      home_explorations_web: `/home/${u}/explorations`,
      home_search_web: `/home/${u}/search`,
      new_invite_web: `/${u}/invites/new`,
      new_upload_web: `/${u}/uploads/new`,
      public_data_sources: "/api/data_sources",
      organizations: `${base}/organizations`,
      preference: `${base}/preferences`,
      table: templatedLink(`${base}/tables{/id}`),
      ...reportListLinks(base),
      by_tokens_definitions: templatedLink(`${base}/definitions?filter=by_tokens&tokens={tokens}`),
      bridges: `${base}/bridges`,
      access_tokens: `${base}/access_tokens`,
      new_report: `${base}/reports/new`,
      new_report_web: `/editor/${u}/reports/new`,
      validate_table: "/api/table/validate",
      report_views: `${base}/report_views`,
      spaces: `${base}/collections`,
      space: templatedLink(`${base}/collections{/id}`),
      custom_spaces: `${base}/collections?filter=custom`,
      move_to_spaces: `${base}/collections?filter=editable`,
      definitions: `${base}/definitions`,
      definition: templatedLink(`${base}/definitions{/id}`),
      all_color_palettes: "/api/color_palettes/predefined",
      validate_definition_name: templatedLink(`${base}/definitions/validate{?definition[name]}`),
    }),
  };
}

/** `GET /api/verify` (DataHub `verify.json`; swagger `verifyCurrentUser`). */
export function verifyBody(world: World): JsonObject {
  return {
    workspace: world.workspace,
    workspace_token: world.state.accountToken,
    _links: links({ self: apiPath(world) }),
  };
}
