import type { JsonObject, JsonValue } from "../json.js";
import { isJsonObject } from "../json.js";

/** Where a list's items came from. */
export interface EmbeddedItems {
  readonly items: readonly JsonObject[];
  /** Set when the named key was absent and the only array under `_embedded` was used instead. */
  readonly fallbackKey?: string;
}

/** Why a body could not be read as a HAL list; the caller wraps it in a MalformedResponseError. */
export class HalShapeError extends Error {}

/** True for a HAL resource: a JSON object with `_links` or `_embedded` (docs/mode-api.md §2.1). */
export function isHalObject(body: JsonValue): body is JsonObject {
  return isJsonObject(body) && (isJsonObject(body._links) || isJsonObject(body._embedded));
}

/**
 * The items of a HAL list under `_embedded[key]`.
 *
 * The `_embedded` key often differs from the path segment (datasets -> `reports`, filters ->
 * `report_filters`, docs/mode-api.md §7.5), so when `key` is absent and `_embedded` holds exactly one
 * array, that array is used and reported through `fallbackKey`. A missing or empty `_embedded` is
 * an empty page: Mode's page past the end looks like that (DataHub `final_page.json`, §2.4).
 */
export function embeddedItems(body: JsonObject, key: string): EmbeddedItems {
  const embedded = body._embedded;
  if (embedded === undefined || embedded === null) return { items: [] };
  if (!isJsonObject(embedded)) throw new HalShapeError("_embedded is not an object");
  const named = embedded[key];
  if (named !== undefined) return { items: objectsOf(named, key) };
  const keys = Object.keys(embedded);
  if (keys.length === 0) return { items: [] };
  const arrays = keys.filter((k) => Array.isArray(embedded[k]));
  const only = arrays[0];
  if (arrays.length === 1 && only !== undefined) return { items: objectsOf(embedded[only], only), fallbackKey: only };
  throw new HalShapeError(`_embedded has no "${key}" list (keys: ${keys.slice(0, 10).join(", ")})`);
}

/** `_links[name].href` when it is a non-empty string. */
export function linkHref(body: JsonObject, name: string): string | undefined {
  const links = body._links;
  if (!isJsonObject(links)) return undefined;
  const link = links[name];
  if (!isJsonObject(link)) return undefined;
  return typeof link.href === "string" && link.href.length > 0 ? link.href : undefined;
}

/**
 * Mode's `pagination` block as numbers (`page`, `per_page`, `count`, `total_pages`, `total_count`,
 * docs/mode-api.md §2.4).
 */
export interface PaginationBlock {
  readonly page?: number;
  readonly perPage?: number;
  readonly totalPages?: number;
  readonly totalCount?: number;
}

export function paginationBlock(body: JsonObject): PaginationBlock | undefined {
  const block = body.pagination;
  if (!isJsonObject(block)) return undefined;
  const result: { page?: number; perPage?: number; totalPages?: number; totalCount?: number } = {};
  const page = integer(block.page);
  const perPage = integer(block.per_page);
  const totalPages = integer(block.total_pages);
  const totalCount = integer(block.total_count);
  if (page !== undefined) result.page = page;
  if (perPage !== undefined) result.perPage = perPage;
  if (totalPages !== undefined) result.totalPages = totalPages;
  if (totalCount !== undefined) result.totalCount = totalCount;
  return result;
}

function objectsOf(value: JsonValue | undefined, key: string): readonly JsonObject[] {
  if (!Array.isArray(value)) throw new HalShapeError(`_embedded.${key} is not an array`);
  if (!value.every(isJsonObject)) throw new HalShapeError(`_embedded.${key} holds a non-object item`);
  return value as JsonObject[];
}

/** Counts are JSON integers in real bodies though Swagger types them string (docs/mode-api.md §2.2). */
function integer(value: JsonValue | undefined): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
