import type { JsonObject } from "../json.js";
import type { Logger } from "../log.js";
import { MalformedResponseError, PaginationLoopError } from "./errors.js";
import { embeddedItems, HalShapeError, isHalObject, linkHref, paginationBlock, type PaginationBlock } from "./hal.js";
import type { Page, PageRequest, RequestSpec } from "./types.js";

/** What the paginator needs from the client. */
export interface PageSource {
  getJson(spec: RequestSpec): Promise<JsonObject>;
  /** The root-relative path a `path` resolves to, so `/acme/x` and the href `/api/acme/x` compare equal. */
  resolvePath?(path: string): string;
}

type Query = Readonly<Record<string, string | number | undefined>>;

interface Target {
  readonly path: string;
  readonly query: Query;
  /** The page number asked for, when known. */
  readonly page?: number;
}

/**
 * Walks a Mode list page by page (the Meltano SDK's paginator as a generator; breaking out of
 * `for await` stops it).
 *
 * Order of evidence (docs/mode-api.md §2.4): the `pagination` counters when present (they win over
 * `_links.next_page`, which `/groups` emits past the end), else `next_page` (root-relative href),
 * else the caller's `paged` flag. It stops on an empty page, throws PaginationLoopError when sent
 * back to a URL or cursor it already read, and warns when the items seen differ from
 * `total_count`: a list is never cut short silently (OpenMetadata issue #33190).
 */
export async function* paginate(
  source: PageSource,
  request: PageRequest,
  logger: Logger,
): AsyncGenerator<Page, void, undefined> {
  const template = request.template;
  const details = { method: "GET", template };
  const cursorMode = request.cursor ?? "page";
  const baseQuery: Query = {
    ...request.query,
    ...(request.perPage === undefined ? {} : { per_page: request.perPage }),
  };
  const visited = new Set<string>();
  const cursors = new Set<string>();
  const seenTokens = new Set<string>();
  let next: Target | undefined =
    cursorMode === "page" && request.paged
      ? { path: request.path, query: { ...baseQuery, page: 1 }, page: 1 }
      : { path: request.path, query: baseQuery };
  let pageNumber = 0;
  let itemCount = 0;
  let totalCount: number | undefined;
  let warnedFallback = false;
  let navigated = false;

  while (next !== undefined) {
    const target: Target = next;
    const key = canonical(target, source);
    if (visited.has(key))
      throw new PaginationLoopError(details, `page ${pageNumber + 1} repeats an already visited page`);
    visited.add(key);
    const body = await source.getJson({
      path: target.path,
      template,
      query: target.query,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if (!isHalObject(body)) throw new MalformedResponseError(details, "body is not a HAL object");
    let items: readonly JsonObject[];
    try {
      const extracted = embeddedItems(body, request.embeddedKey);
      items = extracted.items;
      if (extracted.fallbackKey !== undefined && !warnedFallback) {
        warnedFallback = true;
        logger.warn(
          { endpoint: template },
          `${template}: no _embedded.${request.embeddedKey}; using the only list, _embedded.${extracted.fallbackKey}`,
        );
      }
    } catch (error) {
      if (error instanceof HalShapeError) throw new MalformedResponseError(details, error.message);
      throw error;
    }
    pageNumber += 1;
    const counters = paginationBlock(body);
    if (counters?.totalCount !== undefined) totalCount = counters.totalCount;
    const current = counters?.page ?? target.page ?? pageNumber;
    if (items.length === 0) {
      if (counters?.totalPages !== undefined && current < counters.totalPages) {
        logger.warn(
          { endpoint: template, page: current, total_pages: counters.totalPages },
          `${template}: page ${current} of ${counters.totalPages} is empty; stopping`,
        );
      }
      break;
    }
    const nextHref = linkHref(body, "next_page");
    // Once a list has shown a next link or counters, a page without them is its last page; the
    // caller's `paged` flag only speaks for lists that never show either.
    if (nextHref !== undefined || counters?.totalPages !== undefined) navigated = true;
    const fallback = cursorMode === "page" && !navigated;
    if (fallback && request.paged) {
      const fresh = items.filter((item) => !seenTokens.has(tokenOf(item)));
      if (fresh.length === 0) {
        // Some lists ignore `page` and answer the whole list every time (docs/mode-api.md §2.4, §7.9).
        logger.debug(
          { endpoint: template, page: current },
          `${template}: page ${current} brings nothing new; the endpoint ignores page, stopping`,
        );
        break;
      }
      for (const item of items) seenTokens.add(tokenOf(item));
    }
    itemCount += items.length;
    yield {
      items,
      body,
      pageNumber,
      ...(counters?.totalCount === undefined ? {} : { totalCount: counters.totalCount }),
      ...(counters?.totalPages === undefined ? {} : { totalPages: counters.totalPages }),
    };
    if (cursorMode === "next_token") next = nextByCursor(body, request, baseQuery, cursors, details);
    else next = nextByPage({ request, baseQuery, counters, current, nextHref, fallback, logger });
  }

  if (totalCount !== undefined && totalCount !== itemCount) {
    logger.warn(
      { endpoint: template, seen: itemCount, total_count: totalCount },
      `${template}: read ${itemCount} items but total_count says ${totalCount}`,
    );
  }
}

interface NextByPage {
  readonly request: PageRequest;
  readonly baseQuery: Query;
  readonly counters: PaginationBlock | undefined;
  readonly current: number;
  readonly nextHref: string | undefined;
  readonly fallback: boolean;
  readonly logger: Logger;
}

function nextByPage(input: NextByPage): Target | undefined {
  const { request, baseQuery, counters, current, nextHref } = input;
  if (counters?.totalPages !== undefined) {
    if (current >= counters.totalPages) {
      if (nextHref !== undefined)
        input.logger.debug(
          { endpoint: request.template },
          `${request.template}: ignoring next_page past the last page (docs/mode-api.md §2.4)`,
        );
      return undefined;
    }
    return { path: request.path, query: { ...baseQuery, page: current + 1 }, page: current + 1 };
  }
  if (nextHref !== undefined) {
    // The link carries its own query (page, maybe per_page); add the caller's parameters it lacks.
    const own = new URL(nextHref, "http://href.invalid").searchParams;
    const query: Record<string, string | number | undefined> = {};
    for (const [name, value] of Object.entries(baseQuery)) if (!own.has(name)) query[name] = value;
    const page = Number(own.get("page"));
    return { path: nextHref, query, ...(Number.isInteger(page) && page > 0 ? { page } : {}) };
  }
  if (input.fallback && request.paged)
    return { path: request.path, query: { ...baseQuery, page: current + 1 }, page: current + 1 };
  return undefined;
}

function nextByCursor(
  body: JsonObject,
  request: PageRequest,
  baseQuery: Query,
  seen: Set<string>,
  details: { method: string; template: string },
): Target | undefined {
  const raw = body.next_token;
  const token = typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : "";
  if (token === "") return undefined;
  // A cursor seen before would replay the same page forever (docs/mode-api.md §3.15).
  if (seen.has(token)) throw new PaginationLoopError(details, "next_token repeats an earlier cursor");
  seen.add(token);
  return { path: request.path, query: { ...baseQuery, next_token: token } };
}

/** Identity of an item for the "nothing new" check: its token (docs/mode-api.md §2.2), else id, else content. */
function tokenOf(item: JsonObject): string {
  if (typeof item.token === "string") return `token:${item.token}`;
  if (typeof item.id === "string" || typeof item.id === "number") return `id:${String(item.id)}`;
  return `json:${JSON.stringify(item)}`;
}

/** The URL a target asks for, with query names sorted, for loop detection. */
function canonical(target: Target, source: PageSource): string {
  const resolved = source.resolvePath ? source.resolvePath(target.path) : target.path;
  // Only path and query matter (hrefs are root-relative, docs/mode-api.md §2.1); URLSearchParams without a whole URL
  // parse.
  const withoutFragment = resolved.split("#", 1)[0] as string;
  const queryAt = withoutFragment.indexOf("?");
  const pathname = queryAt < 0 ? withoutFragment : withoutFragment.slice(0, queryAt);
  const params = new URLSearchParams(queryAt < 0 ? "" : withoutFragment.slice(queryAt + 1));
  for (const name in target.query) {
    const value = target.query[name];
    if (value !== undefined) params.set(name, String(value));
  }
  params.sort();
  return `${pathname.replace(/^https?:\/\/[^/]*/i, "")}?${params.toString()}`;
}
