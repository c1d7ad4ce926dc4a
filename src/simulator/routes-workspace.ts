import type { JsonValue } from "../json.js";
import { userAccount, verifyBody, workspaceAccount } from "./bodies/account.js";
import {
  AUDIT_LOG_PAGE_SIZE,
  auditLogBody,
  decodeCursor,
  encodeCursor,
  firstAuditLogAtOrAfter,
} from "./bodies/audit-logs.js";
import {
  dataSourceBody,
  definitionBody,
  definitionToken,
  groupBody,
  groupMemberIndexes,
  groupMembershipBody,
  membershipBody,
} from "./bodies/management.js";
import { TokenKind } from "./tokens.js";
import { form, listBody } from "./hal.js";
import { paginate, PagePolicies, selfHref } from "./listing.js";
import { badRequest, forbidden, json, modeError, notFound, paramMissing, type ApiResponse } from "./responses.js";
import type { Route, RouteRequest } from "./router.js";
import { apiPath } from "./bodies/context.js";
import { isLive, liveMembers, liveMemberships, liveOf } from "./live.js";

/** The workspace account, users, verify, data sources, definitions, memberships, groups, audit logs. */

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

// Index of a workspace-level entity from its token (tokens decode to their ordinal, tokens.ts).
function indexOfToken(
  request: RouteRequest,
  kind: TokenKind,
  count: number,
  token: string | undefined,
): number | undefined {
  const i = request.world.tokens.ordinalOf(kind, token ?? "");
  return i !== undefined && i < count ? i : undefined;
}

// `GET /api/account` is "(Not Supported)" in swagger and answers 400 for API keys ([SECONDARY],
// docs/mode-api.md §1.4).
function account(request: RouteRequest): ApiResponse {
  const member = request.world.state.members[0];
  if (request.model.options.legacyAccountEndpoint && member !== undefined)
    return json(200, userAccount(request.world, member));
  return badRequest("This endpoint is unsupported for use with Api Keys");
}

// `GET /api/{name}`: a member's user account; anything else is unknown.
function userOrUnknown(request: RouteRequest): ApiResponse {
  const member = request.world.state.members.find((m) => m.username === request.params.username);
  return member === undefined ? notFound("Account") : json(200, userAccount(request.world, member));
}

// Groups and audit logs are admin-only: 403 otherwise (docs/mode-api.md §3.11, §3.15).
function adminOnly(request: RouteRequest, then: () => ApiResponse): ApiResponse {
  return request.model.options.admin ? then() : forbidden("Only workspace admins can access this resource");
}

function listDefinitions(request: RouteRequest): ApiResponse {
  const { world, query } = request;
  let indexes = liveOf(world, "definitions");
  // `filter=by_tokens&tokens=a,b` (swagger listDefinitions).
  if (query.get("filter") === "by_tokens") {
    const wanted = new Set((query.get("tokens") ?? "").split(",").filter((t) => t !== ""));
    indexes = indexes.filter((i) => wanted.has(definitionToken(world, i)));
  }
  return json(
    200,
    listBody({
      self: selfHref(request.path, query),
      key: "definitions",
      items: indexes.map((i) => definitionBody(world, i)),
      extra: { _forms: { create: form("post", apiPath(world, "definitions")) } },
    }),
  );
}

function listGroups(request: RouteRequest): ApiResponse {
  return adminOnly(request, () => {
    const { world } = request;
    const groups = liveOf(world, "groups");
    const page = paginate(
      (from, to) => groups.slice(from, to).map((g) => groupBody(world, g)),
      groups.length,
      "groups",
      request.path,
      request.query,
      PagePolicies.groups,
      {
        bogusNextPage: request.model.options.quirks.groupsBogusNextPage === true,
      },
    );
    return json(200, listBody(page));
  });
}

function withGroup(request: RouteRequest, then: (g: number) => ApiResponse): ApiResponse {
  return adminOnly(request, () => {
    const g = indexOfToken(request, TokenKind.group, request.world.size.groups, request.params.group);
    return isLive(request.world, "groups", g) ? then(g) : notFound("Group");
  });
}

function parseInstant(value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

// `start_timestamp` and `end_timestamp` are required; pages continue with the `next_token` cursor.
function listAuditLogs(request: RouteRequest): ApiResponse {
  return adminOnly(request, () => {
    const { world, query } = request;
    for (const name of ["start_timestamp", "end_timestamp"])
      if (!query.has(name) || query.get(name) === "") return paramMissing(name);
    const start = parseInstant(query.get("start_timestamp"));
    const end = parseInstant(query.get("end_timestamp"));
    if (start === undefined || end === undefined)
      return badRequest("start_timestamp and end_timestamp must be ISO 8601 timestamps");
    const first = firstAuditLogAtOrAfter(world, start);
    const stop = Math.max(first, firstAuditLogAtOrAfter(world, end));
    let offset = first;
    const cursor = query.get("next_token");
    if (cursor !== null && cursor !== "") {
      const decoded = decodeCursor(cursor, start, end);
      if (decoded === undefined) return modeError(400, "bad_request", "Invalid next_token");
      offset = Math.max(first, decoded);
    }
    const to = Math.min(stop, offset + AUDIT_LOG_PAGE_SIZE);
    const items = range(Math.max(0, to - offset)).map((i) => auditLogBody(world, offset + i));
    return json(
      200,
      listBody({
        self: selfHref(request.path, query),
        key: "audit_logs",
        items,
        extra: { next_token: to < stop ? encodeCursor(to, start, end) : null },
      }),
    );
  });
}

export function workspaceRoutes(): Route[] {
  const unpaged = (r: RouteRequest, key: string, items: JsonValue[]): ApiResponse =>
    json(200, listBody({ self: selfHref(r.path, r.query), key, items }));
  return [
    { method: "GET", template: "/verify", handler: (r) => json(200, verifyBody(r.world)) },
    { method: "GET", template: "/account", handler: account },
    { method: "GET", template: "/{ws}", handler: (r) => json(200, workspaceAccount(r.world)) },
    {
      method: "GET",
      template: "/{ws}/data_sources",
      handler: (r) =>
        unpaged(
          r,
          "data_sources",
          liveOf(r.world, "dataSources").map((i) => dataSourceBody(r.world, i)),
        ),
    },
    {
      method: "GET",
      template: "/{ws}/data_sources/{data_source}",
      handler: (r) => {
        // Data sources route by token; an `id` answers 404 ([SECONDARY], docs/mode-api.md §2.2).
        const i = indexOfToken(r, TokenKind.dataSource, r.world.size.dataSources, r.params.data_source);
        return isLive(r.world, "dataSources", i) ? json(200, dataSourceBody(r.world, i)) : notFound("Data source");
      },
    },
    { method: "GET", template: "/{ws}/definitions", handler: listDefinitions },
    {
      method: "GET",
      template: "/{ws}/definitions/{definition}",
      handler: (r) => {
        const i = indexOfToken(r, TokenKind.definition, r.world.size.definitions, r.params.definition);
        return isLive(r.world, "definitions", i) ? json(200, definitionBody(r.world, i)) : notFound("Definition");
      },
    },
    {
      method: "GET",
      template: "/{ws}/memberships",
      handler: (r) =>
        unpaged(
          r,
          "memberships",
          liveMembers(r.world).map((m) => membershipBody(r.world, m)),
        ),
    },
    {
      method: "GET",
      template: "/{ws}/memberships/{membership}",
      handler: (r) => {
        const member = liveMembers(r.world).find(
          (m) => m.username === r.params.membership || m.token === r.params.membership,
        );
        return member === undefined
          ? modeError(404, "not_found", "Membership not found for Workspace")
          : json(200, membershipBody(r.world, member));
      },
    },
    { method: "GET", template: "/{ws}/groups", handler: listGroups },
    {
      method: "GET",
      template: "/{ws}/groups/{group}",
      handler: (r) => withGroup(r, (g) => json(200, groupBody(r.world, g))),
    },
    {
      method: "GET",
      template: "/{ws}/groups/{group}/memberships",
      handler: (r) =>
        withGroup(r, (g) =>
          unpaged(
            r,
            "group_memberships",
            liveMemberships(r.world, groupMemberIndexes(r.world, g)).map(({ position, member }) =>
              groupMembershipBody(r.world, g, position, member),
            ),
          ),
        ),
    },
    { method: "GET", template: "/{ws}/audit_logs", handler: listAuditLogs },
    { method: "GET", template: "/{username}", handler: userOrUnknown },
  ];
}
