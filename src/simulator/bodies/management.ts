import type { JsonObject } from "../../json.js";
import { form, links, selectInput, templatedLink, textInput } from "../hal.js";
import { between, hash32, pick } from "../random.js";
import type { MemberState } from "../state.js";
import { definitionSql } from "../text.js";
import { DAY, HISTORY_END, HISTORY_START, isoMs, isoOrNull, MINUTE } from "../time.js";
import { TokenKind } from "../tokens.js";
import { idValue, IdBase, type World } from "../world.js";
import { apiPath, memberOf, userPath } from "./context.js";
import { liveMemberships } from "../live.js";

/**
 * Data sources (docs/mode-api.md §3.8), definitions (§3.9), memberships (§3.10), groups and group memberships
 * (§3.11).
 */

const ADAPTERS = [
  {
    adapter: "jdbc:postgresql",
    vendor: "postgresql",
    name: "PostgreSQL",
    port: 5432,
    version: "42.2.23",
    warehouse: null,
    custom: { instance_name: "" },
  },
  {
    adapter: "jdbc:snowflake",
    vendor: "snowflake",
    name: "Snowflake",
    port: 443,
    version: "3.13.29",
    warehouse: "COMPUTE_WH",
    custom: {},
  },
  {
    adapter: "jdbc:bigquery",
    vendor: "bigquery",
    name: "BigQuery",
    port: 443,
    version: "1.2.25",
    warehouse: null,
    custom: { standard_sql: true },
  },
  {
    adapter: "jdbc:redshift",
    vendor: "redshift",
    name: "Redshift",
    port: 5439,
    version: "2.1.0.9",
    warehouse: null,
    custom: {},
  },
  { adapter: "jdbc:mysql", vendor: "mysql", name: "MySQL", port: 3306, version: "8.0.28", warehouse: null, custom: {} },
] as const;

/** The `adapter` of data source `index` (its SQL dialect). */
export function dataSourceAdapter(index: number): string {
  return (ADAPTERS[index % ADAPTERS.length] ?? ADAPTERS[0]).adapter;
}

export function dataSourceToken(world: World, index: number): string {
  return world.tokens.make(TokenKind.dataSource, index);
}

/** A data source with the key set of DataHub's `data_sources.json` plus swagger's `soft_deleted`. */
export function dataSourceBody(world: World, index: number): JsonObject {
  const token = dataSourceToken(world, index);
  const kind = ADAPTERS[index % ADAPTERS.length] ?? ADAPTERS[0];
  const createdAt = HISTORY_START + between(DAY, 60 * DAY, world.seed, index, 151);
  const updatedAt = createdAt + between(0, 400 * DAY, world.seed, index, 152);
  const name = index < ADAPTERS.length ? kind.name : `${kind.name} ${Math.floor(index / ADAPTERS.length) + 1}`;
  const ws = world.workspace;
  return {
    id: idValue(world, IdBase.dataSource + index),
    name,
    description: index % 3 === 2 ? null : `${kind.name} warehouse`,
    token,
    adapter: kind.adapter,
    created_at: isoMs(createdAt),
    updated_at: isoMs(updatedAt),
    has_expensive_schema_updates: false,
    public: false,
    asleep: false,
    queryable: true,
    soft_deleted: false,
    display_name: name,
    account_id: idValue(world, world.state.accountId),
    account_username: ws,
    organization_token: world.state.accountToken,
    default: index === 0,
    default_for_organization_id: index === 0 ? world.state.accountToken : null,
    database: `analytics_${index}`,
    host: kind.vendor === "bigquery" ? null : `db-${index}.internal.example.com`,
    port: kind.port,
    ssl: true,
    username: `mode_reader_${index}`,
    provider: "default",
    vendor: kind.vendor,
    ldap: false,
    warehouse: kind.warehouse,
    bridged: false,
    adapter_version: kind.version,
    custom_attributes: { ...kind.custom },
    default_access_level: "View",
    _links: links({
      self: apiPath(world, "data_sources", token),
      creator: userPath(memberOf(world, 0)),
      account: apiPath(world),
      permissions: apiPath(world, "data_sources", token, "permissions"),
      web: `/organizations/${ws}/data_sources/${token}`,
      web_home: `/home/${ws}/data_sources/${token}`,
    }),
    _forms: {
      edit: form(
        "patch",
        apiPath(world, "data_sources", token),
        { data_source: { "tables[]": { name: textInput(), description: textInput(), schema: textInput() } } },
        "application/json",
      ),
    },
  };
}

export function definitionToken(world: World, index: number): string {
  return world.tokens.make(TokenKind.definition, index);
}

const DEFINITION_NAMES = [
  "customer_payment_date",
  "join_on_definition",
  "active_accounts",
  "revenue_by_day",
  "orders_enriched",
];

/** A definition (DataHub `definitions.json`). */
export function definitionBody(world: World, index: number): JsonObject {
  const token = definitionToken(world, index);
  const createdAt = HISTORY_START + between(2 * DAY, 300 * DAY, world.seed, index, 161);
  const updatedAt = Math.min(HISTORY_END, createdAt + between(MINUTE, 200 * DAY, world.seed, index, 162));
  const name = index < DEFINITION_NAMES.length ? (DEFINITION_NAMES[index] as string) : `definition_${index}`;
  const source = definitionSql(world.seed, index);
  const dataSource =
    world.size.dataSources > 0 ? idValue(world, IdBase.dataSource + (index % world.size.dataSources)) : null;
  const self = apiPath(world, "definitions", token);
  return {
    id: idValue(world, IdBase.definition + index),
    token,
    name,
    description: index % 3 === 2 ? null : `Reusable SQL: ${name}`,
    source,
    data_source_id: dataSource,
    created_at: isoMs(createdAt),
    updated_at: isoMs(updatedAt),
    last_successful_sync_at: null,
    last_saved_at: isoMs(updatedAt + 29),
    github_link: null,
    _links: links({
      self,
      // `last_run` may be absent (svinstech "make DefinitionLinks.last_run optional", docs/mode-api.md §3.9).
      last_run: index % 2 === 0 ? `${self}/runs/latest` : null,
      web_edit: `/editor/${world.workspace}/definitions/${token}`,
      creator: userPath(memberOf(world, index % world.size.members)),
    }),
    _forms: {
      edit: form("patch", self, {
        definition: {
          name: textInput(name),
          description: textInput(),
          source: textInput(source),
          data_source_id: textInput(dataSource),
        },
      }),
      destroy: form("delete", self),
      execute: form("put", `${self}/execute`, {
        definition: { source: textInput(source) },
        limit: selectInput([true, false], true),
      }),
    },
  };
}

/** A workspace membership (swagger `Membership`; Airbyte keys it by `member_username`). */
export function membershipBody(world: World, member: MemberState): JsonObject {
  const ws = world.workspace;
  const self = apiPath(world, "memberships", member.username);
  return {
    admin: member.admin,
    invited: member.invited,
    state: member.invited ? "invited" : "active",
    member_username: member.username,
    member_token: member.token,
    activated_at: isoOrNull(member.invited ? null : member.createdAt + DAY),
    managed_by_scim: false,
    _links: links({
      self,
      web_self: `/organizations/${ws}/memberships/${member.username}`,
      organization: apiPath(world),
      user: userPath(member),
      groups: `${self}/groups`,
    }),
  };
}

const GROUP_NAMES = ["Analysts", "Data Engineering", "Finance", "Leadership", "Support"];

export function groupToken(world: World, index: number): string {
  return world.tokens.make(TokenKind.group, index);
}

/** Members of group `g`: `membersPerGroup` distinct members, rotating through the workspace. */
export function groupMemberIndexes(world: World, g: number): number[] {
  const count = Math.min(world.size.membersPerGroup, world.size.members);
  return Array.from({ length: count }, (_, m) => (g + m) % world.size.members);
}

/** A user group (admin-only endpoint, swagger `UserGroup`). */
export function groupBody(world: World, g: number): JsonObject {
  const token = groupToken(world, g);
  const self = apiPath(world, "groups", token);
  return {
    token,
    group_type: "custom",
    name: g < GROUP_NAMES.length ? (GROUP_NAMES[g] as string) : `Group ${g + 1}`,
    description: g % 2 === 1 ? null : `Members of ${pick(GROUP_NAMES, world.seed, g, 171)}`,
    state: "active",
    member_count: liveMemberships(world, groupMemberIndexes(world, g)).length,
    spaces_count: hash32(world.seed, g, 172) % Math.max(1, world.state.spaces.length),
    data_sources_count: world.size.dataSources === 0 ? 0 : hash32(world.seed, g, 173) % world.size.dataSources,
    managed: false,
    _links: links({
      self,
      web: `/organizations/${world.workspace}/groups/${token}`,
      creator: userPath(memberOf(world, 0)),
      group_memberships: `${self}/memberships`,
      membership_by_id: templatedLink(`${self}/memberships/{id}`),
      memberships_preview: `${self}/memberships/preview`,
    }),
  };
}

export function groupMembershipToken(world: World, g: number, m: number): string {
  return world.tokens.make(TokenKind.groupMembership, g * 65_536 + m);
}

/** A group membership: `token` and `member_token`, no `id` (swagger `UserGroupMembership`). */
export function groupMembershipBody(world: World, g: number, m: number, memberIndex: number): JsonObject {
  const token = groupMembershipToken(world, g, m);
  const group = apiPath(world, "groups", groupToken(world, g));
  const member = memberOf(world, memberIndex);
  return {
    token,
    member_token: member?.token ?? null,
    _links: links({
      self: `${group}/memberships/${token}`,
      creator: userPath(memberOf(world, 0)),
      member: userPath(member),
      user_group: group,
    }),
  };
}
