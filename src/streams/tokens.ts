/**
 * Reading the tokens that address a record's children. Mode routes every resource by its 12-hex `token`, never by its
 * numeric `id` (docs/mode-api.md §2.2: "`id`s do not route").
 */

/**
 * The string value of `field` (a number is written in decimal); throws when the record has none. With `stream`, the
 * item came straight from a Mode list and the error names it as a malformed response.
 */
export function tokenOf(record: Readonly<Record<string, unknown>>, field = "token", stream?: string): string {
  const value = record[field];
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new Error(
    stream === undefined
      ? `record has no "${field}" to address its children`
      : `malformed ${stream} item from Mode: missing "${field}"`,
  );
}

/** The href of a HAL link (`_links.<rel>.href`), if the item carries it (docs/mode-api.md §2.1). */
export function linkHref(raw: Readonly<Record<string, unknown>>, rel: string): string | undefined {
  const links = raw._links;
  if (typeof links !== "object" || links === null) return undefined;
  const link = (links as Record<string, unknown>)[rel];
  if (typeof link !== "object" || link === null) return undefined;
  const href = (link as Record<string, unknown>).href;
  return typeof href === "string" ? href : undefined;
}

/** The last path segment of a root-relative or absolute href, without query string or fragment. */
export function lastPathSegment(href: string): string | undefined {
  const path = href.split(/[?#]/, 1)[0] ?? "";
  const segments = path.split("/").filter((s) => s !== "");
  const last = segments[segments.length - 1];
  return last === undefined || last.includes("{") ? undefined : last;
}
