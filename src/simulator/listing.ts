import type { JsonValue } from "../json.js";
import type { ListPage, Pagination } from "./hal.js";
import { badRequest, type ApiResponse } from "./responses.js";

/**
 * Filtering, ordering and paging of list endpoints (docs/mode-api.md §2.4, §2.5).
 * Filter grammar `{created_at|updated_at}.{gt|lt}.{ISO8601}`; `order=asc|desc`; `order_by=created_at|updated_at`.
 */
export interface PagePolicy {
  readonly defaultPerPage: number;
  readonly maxPerPage: number;
  /** Whether `per_page` is honoured (reports ignore it: 30 per page). */
  readonly honoursPerPage: boolean;
  /** Whether the `pagination` block is always present (report runs, svinstech; groups, mode_sdk). */
  readonly alwaysPaginate: boolean;
}

/** Page policies per list family; lists not named here return everything at once (docs/mode-api.md §2.4, §7.9). */
export const PagePolicies = {
  /** `per_page` capped at 30 (mode_sdk [SECONDARY]). */
  spaces: { defaultPerPage: 30, maxPerPage: 30, honoursPerPage: true, alwaysPaginate: false },
  /** 30 per page whatever `per_page` says (Amundsen, DataHub, OpenMetadata). Datasets are reports. */
  reports: { defaultPerPage: 30, maxPerPage: 30, honoursPerPage: false, alwaysPaginate: false },
  /** Report and dataset runs: pages of 20 by default ([SECONDARY]); the simulator honours up to 100. */
  runs: { defaultPerPage: 20, maxPerPage: 100, honoursPerPage: true, alwaysPaginate: true },
  /** Schedules take `page` (swagger listReportSchedules); sizes as runs [UNCERTAIN]. */
  schedules: { defaultPerPage: 20, maxPerPage: 100, honoursPerPage: true, alwaysPaginate: false },
  /** Groups: `per_page: 20` block on every page (mode_sdk [SECONDARY]). */
  groups: { defaultPerPage: 20, maxPerPage: 20, honoursPerPage: false, alwaysPaginate: true },
} as const satisfies Record<string, PagePolicy>;

export type TimeField = "created_at" | "updated_at";

export interface TimeFilter {
  readonly field: TimeField;
  readonly op: "gt" | "lt";
  readonly at: number;
}

const FILTER = /^(created_at|updated_at)\.(gt|lt)\.(.+)$/;

/** Parses `filter`; undefined when absent, a 400 response when malformed. */
export function parseTimeFilter(value: string | null): TimeFilter | undefined | ApiResponse {
  if (value === null || value === "") return undefined;
  const match = FILTER.exec(value);
  const at = match?.[3] !== undefined ? Date.parse(match[3]) : Number.NaN;
  if (match === null || Number.isNaN(at)) {
    // [UNCERTAIN] Mode's answer to a malformed filter is not documented; a 400 surfaces client bugs.
    return badRequest(`Invalid filter "${value}": expected {created_at|updated_at}.{gt|lt}.{ISO8601}`);
  }
  return { field: match[1] as TimeField, op: match[2] as "gt" | "lt", at };
}

export interface Timestamped {
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * Applies `filter`, `order` and `order_by`. Unknown `order`/`order_by` values fall back to the
 * endpoint's default, as Rails apps usually do. Ties are broken by the original order (stable sort).
 */
export function filterAndOrder<T>(
  items: readonly T[],
  times: (item: T) => Timestamped,
  query: URLSearchParams,
  defaults: { order: "asc" | "desc"; orderBy: TimeField },
): T[] | ApiResponse {
  const filter = parseTimeFilter(query.get("filter"));
  if (filter !== undefined && "kind" in filter) return filter;
  let selected = items.slice();
  if (filter !== undefined) {
    selected = selected.filter((item) => {
      const t = times(item);
      const value = filter.field === "created_at" ? t.createdAt : t.updatedAt;
      return filter.op === "gt" ? value > filter.at : value < filter.at;
    });
  }
  const orderParam = query.get("order");
  const byParam = query.get("order_by");
  const order = orderParam === "asc" || orderParam === "desc" ? orderParam : defaults.order;
  const orderBy: TimeField = byParam === "created_at" || byParam === "updated_at" ? byParam : defaults.orderBy;
  const sign = order === "asc" ? 1 : -1;
  const keyed = selected.map((item, i) => ({
    item,
    i,
    key: orderBy === "created_at" ? times(item).createdAt : times(item).updatedAt,
  }));
  keyed.sort((a, b) => (a.key - b.key) * sign || (a.i - b.i) * sign);
  return keyed.map((k) => k.item);
}

function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number.parseInt(value, 10);
  return n >= 1 ? n : undefined;
}

/** The page numbers a request asks for. */
export function pageRequest(
  query: URLSearchParams,
  policy: PagePolicy,
): { page: number; perPage: number; explicit: boolean } {
  const page = positiveInt(query.get("page")) ?? 1;
  const asked = positiveInt(query.get("per_page"));
  const perPage =
    policy.honoursPerPage && asked !== undefined ? Math.min(asked, policy.maxPerPage) : policy.defaultPerPage;
  return { page, perPage, explicit: query.has("page") || query.has("per_page") };
}

function hrefWithPage(path: string, query: URLSearchParams, page: number): string {
  const params = new URLSearchParams(query);
  params.delete("page");
  params.set("page", String(page));
  return `${path}?${params.toString()}`;
}

export function selfHref(path: string, query: URLSearchParams): string {
  const qs = query.toString();
  return qs === "" ? path : `${path}?${qs}`;
}

/**
 * One page of a paged list. The `pagination` block and `next_page`/`prev_page` links appear when
 * the client asked for a page, when the list spans several pages, or always for endpoints that
 * always send them. A page past the end is an empty list under the same key (docs/mode-api.md §2.4).
 */
export function paginate(
  all: readonly JsonValue[] | ((from: number, to: number) => JsonValue[]),
  total: number,
  key: string,
  path: string,
  query: URLSearchParams,
  policy: PagePolicy,
  options: { bogusNextPage?: boolean } = {},
): ListPage {
  const { page, perPage, explicit } = pageRequest(query, policy);
  const from = Math.min((page - 1) * perPage, total);
  const to = Math.min(from + perPage, total);
  const items = typeof all === "function" ? all(from, to) : all.slice(from, to);
  const totalPages = Math.ceil(total / perPage);
  const show = policy.alwaysPaginate || explicit || totalPages > 1;
  if (!show) return { self: selfHref(path, query), key, items };
  const pagination: Pagination = {
    page,
    per_page: perPage,
    count: items.length,
    total_pages: totalPages,
    total_count: total,
  };
  const hasNext = page < totalPages || options.bogusNextPage === true;
  const result: ListPage = {
    self: selfHref(path, query),
    key,
    items,
    pagination,
    ...(hasNext ? { next: hrefWithPage(path, query, page + 1) } : {}),
    ...(page > 1 ? { prev: hrefWithPage(path, query, page - 1) } : {}),
  };
  return result;
}
