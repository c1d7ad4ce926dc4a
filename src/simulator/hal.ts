import type { JsonObject, JsonValue } from "../json.js";

/**
 * HAL pieces as Mode writes them (docs/mode-api.md §2.1): root-relative `_links` (`/api/{ws}/...`), some
 * templated (`{"templated": true, "href": ...}`, key order as captured), `_forms` for mutations and
 * lists as `{_links, pagination?, _embedded: {<key>: [...]}}`.
 */
export function link(href: string): JsonObject {
  return { href };
}

export function templatedLink(href: string): JsonObject {
  return { templated: true, href };
}

/** `{rel: {href}}` for every entry; entries whose href is null are left out. */
export function links(rels: Readonly<Record<string, string | JsonObject | null>>): JsonObject {
  const out: JsonObject = {};
  // for...in over a plain literal: the same keys and order as Object.entries, without the pair arrays.
  for (const rel in rels) {
    const value = rels[rel] as string | JsonObject | null;
    if (value === null) continue;
    out[rel] = typeof value === "string" ? { href: value } : value;
  }
  return out;
}

export function form(
  method: "get" | "post" | "patch" | "put" | "delete",
  action: string,
  input?: JsonObject,
  contentType?: string,
): JsonObject {
  const out: JsonObject = { method, action };
  if (contentType !== undefined) out.content_type = contentType;
  if (input !== undefined) out.input = input;
  return out;
}

export function textInput(value?: JsonValue): JsonObject {
  return value === undefined ? { type: "text" } : { type: "text", value };
}

export function selectInput(options: JsonValue[], value: JsonValue): JsonObject {
  return { type: "select", options, value };
}

/** The `pagination` block real responses carry (not swagger's `first_page`/`last_page`; docs/mode-api.md §2.4). */
export interface Pagination {
  readonly page: number;
  readonly per_page: number;
  readonly count: number;
  readonly total_pages: number;
  readonly total_count: number;
}

export interface ListPage {
  /** Self href, with the request's query string. */
  readonly self: string;
  readonly key: string;
  readonly items: JsonValue[];
  readonly pagination?: Pagination;
  readonly next?: string;
  readonly prev?: string;
  /** Extra top-level members (e.g. `_forms`, `next_token`). */
  readonly extra?: JsonObject;
}

export function listBody(page: ListPage): JsonObject {
  const body: JsonObject = {
    _links: links({ self: page.self, next_page: page.next ?? null, prev_page: page.prev ?? null }),
  };
  if (page.pagination !== undefined) body.pagination = { ...page.pagination };
  body._embedded = { [page.key]: page.items };
  if (page.extra !== undefined) Object.assign(body, page.extra);
  return body;
}
