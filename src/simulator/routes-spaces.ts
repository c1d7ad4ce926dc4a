import type { JsonValue } from "../json.js";
import { datasetListItem, reportBody } from "./bodies/reports.js";
import { spaceBody, spaceMemberIndexes, spaceMembershipBody } from "./bodies/spaces.js";
import { listBody } from "./hal.js";
import { filterAndOrder, paginate, PagePolicies, selfHref } from "./listing.js";
import { json, notFound, type ApiResponse } from "./responses.js";
import type { Route, RouteRequest } from "./router.js";
import type { ReportState, SpaceState } from "./state.js";
import { liveMemberships } from "./live.js";

/** Collections and what hangs off them: reports, datasets, memberships (docs/mode-api.md §3.2, §3.3, §3.13). */

// `filter=all` lists every collection; the default (and `custom`) hides other users' personal ones,
// and an API token has no personal collection of its own (docs/mode-api.md §7.1; svinstech test). Unknown
// values, matched case-sensitively, answer the default list ([SECONDARY], docs/mode-api.md §2.5).
function visibleSpaces(request: RouteRequest): SpaceState[] {
  const all = request.world.state.spaces;
  return request.query.get("filter") === "all" ? [...all] : all.filter((s) => s.kind !== "personal");
}

function listSpaces(request: RouteRequest): ApiResponse {
  const spaces = visibleSpaces(request);
  const page = paginate(
    (from, to) => spaces.slice(from, to).map((s) => spaceBody(request.world, s)),
    spaces.length,
    "spaces",
    request.path,
    request.query,
    PagePolicies.spaces,
  );
  return json(200, listBody(page));
}

function withSpace(request: RouteRequest, then: (space: SpaceState) => ApiResponse): ApiResponse {
  const space = request.model.space(request.params.space ?? "");
  return space === undefined ? notFound("Space") : then(space);
}

// Reports and datasets lists share filter/order/paging: 30 per page, `per_page` ignored.
function listReportLike(
  request: RouteRequest,
  items: readonly ReportState[],
  render: (report: ReportState) => JsonValue,
): ApiResponse {
  // [UNCERTAIN] Mode's default order is not documented; the simulator lists oldest first.
  const ordered = filterAndOrder(items, (r) => r, request.query, { order: "asc", orderBy: "created_at" });
  if (!Array.isArray(ordered)) return ordered;
  const page = paginate(
    (from, to) => ordered.slice(from, to).map(render),
    ordered.length,
    "reports",
    request.path,
    request.query,
    PagePolicies.reports,
  );
  return json(200, listBody(page));
}

function listReportsInSpace(request: RouteRequest): ApiResponse {
  return withSpace(request, (space) => listReportLike(request, space.reports, (r) => reportBody(request.body, r)));
}

// Datasets come back under `_embedded.reports` (docs/mode-api.md §7.4).
function listDatasetsInSpace(request: RouteRequest): ApiResponse {
  return withSpace(request, (space) =>
    listReportLike(request, space.datasets, (d) => datasetListItem(request.body, d)),
  );
}

function listSpaceMemberships(request: RouteRequest): ApiResponse {
  return withSpace(request, (space) => {
    const items = liveMemberships(request.world, spaceMemberIndexes(request.world, space)).map(({ position, member }) =>
      spaceMembershipBody(request.world, space, position, member),
    );
    return json(200, listBody({ self: selfHref(request.path, request.query), key: "space_memberships", items }));
  });
}

/** Routes on `spaces`; routes.ts registers them again under the `collections` alias. */
export function spaceRoutes(segment: "spaces" | "collections"): Route[] {
  return [
    { method: "GET", template: `/{ws}/${segment}`, handler: listSpaces },
    {
      method: "GET",
      template: `/{ws}/${segment}/{space}`,
      handler: (r) => withSpace(r, (s) => json(200, spaceBody(r.world, s))),
    },
    { method: "GET", template: `/{ws}/${segment}/{space}/reports`, handler: listReportsInSpace },
    { method: "GET", template: `/{ws}/${segment}/{space}/datasets`, handler: listDatasetsInSpace },
    { method: "GET", template: `/{ws}/${segment}/{space}/memberships`, handler: listSpaceMemberships },
  ];
}
