import type { Page } from "../http/client.js";
import { ModeApiError, type ErrorKind } from "../http/errors.js";
import { canonicalTimestamp } from "../records/timestamps.js";
import type { StreamContext, StreamDefinition } from "../streams/types.js";
import type { SyncContext } from "./context.js";

/** Fills a path template (`/{workspace}/reports/{report}`) from the context. */
export function fillPath(template: string, context: StreamContext): string {
  // Runs for every request: plain indexOf scanning (a regex split with a capture group costed ~5 µs a call).
  let path = "";
  let from = 0;
  for (let open = template.indexOf("{"); open >= 0; open = template.indexOf("{", from)) {
    const close = template.indexOf("}", open);
    if (close < 0) break;
    const name = template.slice(open + 1, close);
    const value = context[name];
    if (value === undefined) throw new Error(`internal: no value for {${name}} in ${template}`);
    path += template.slice(from, open) + encodeURIComponent(value);
    from = close + 1;
  }
  return path + template.slice(from);
}

/** The HTTP status of an error from the client, if it has one. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "status" in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === "number") return status;
  }
  return undefined;
}

/** Pages of a list stream in a context, with extra query parameters (filters, ordering). */
export function listPages(
  ctx: SyncContext,
  definition: StreamDefinition,
  context: StreamContext,
  query: Readonly<Record<string, string>> = {},
): AsyncGenerator<Page, void, undefined> {
  if (definition.path === null || definition.embeddedKey === undefined)
    throw new Error(`internal: ${definition.name} is not a list stream`);
  const base = definition.query?.({ includePersonalSpaces: ctx.config.includePersonalSpaces }) ?? {};
  const pages = ctx.client.paginate({
    path: fillPath(definition.path, context),
    template: definition.path,
    query: { ...base, ...query },
    embeddedKey: definition.embeddedKey,
    paged: definition.paged,
    ...(definition.perPage !== undefined ? { perPage: definition.perPage } : {}),
    ...(definition.cursor !== undefined ? { cursor: definition.cursor } : {}),
    signal: ctx.signal,
  });
  return reportingPages(ctx, definition.name, pages);
}

/** Hands each page on, telling the progress reporter its size and Mode's announced total (the time estimate). */
async function* reportingPages(
  ctx: SyncContext,
  kind: string,
  pages: AsyncGenerator<Page, void, undefined>,
): AsyncGenerator<Page, void, undefined> {
  const list = ctx.progress.openList(kind);
  try {
    for await (const page of pages) {
      list.page(page.items.length, page.totalCount, page.totalPages);
      yield page;
    }
  } finally {
    list.close();
  }
}

export type Tolerated = "tolerated" | "not-found";

/** Mode answered 404 for a workspace-level list: the workspace does not exist, or the token cannot see it. */
export class WorkspaceNotFoundError extends Error {
  override readonly name = "WorkspaceNotFoundError";
  readonly exitCode = 1;
  constructor(workspace: string, template: string) {
    super(
      `Mode answered 404 (not found) for ${template} of workspace "${workspace}": the workspace does not exist or ` +
        `the token cannot see it (check the workspace setting)`,
    );
  }
}

/**
 * The one dispatch of a stream's request errors, by the kind the client gives them (src/http/errors.ts) and the
 * statuses the stream declares in `tolerate`: a declared status is skippable (the stream, or this parent's list of it,
 * is skipped with a warning: 403 on admin-only endpoints, 404 where a parent may be deleted between listing and
 * fetching, docs/mode-api.md §7.12); anything else the client raised, or any other error, is fatal to the sync. A 404
 * is skippable only where declared: the client marks every 404 skippable, but a workspace-level list answering 404
 * means the workspace itself is unknown. The client has already retried what was retriable.
 */
export function errorKindOf(error: unknown, definition: StreamDefinition): ErrorKind {
  const status = statusOf(error);
  if (status !== undefined && definition.tolerate?.includes(status)) return "skippable";
  if (error instanceof ModeApiError && error.kind === "retriable") return "retriable";
  return "fatal";
}

/**
 * Runs `body`; an error `errorKindOf` calls skippable becomes one warning (per stream and status) and a return value,
 * anything else propagates. A 404 on a workspace-level stream that does not declare it names the workspace: nothing
 * else can succeed, so the sync stops at once (definitions declares 404: "No default Library found",
 * docs/mode-api.md §3.9).
 */
export async function tolerating(
  ctx: SyncContext,
  definition: StreamDefinition,
  where: string | (() => string),
  body: () => Promise<void>,
): Promise<Tolerated | undefined> {
  try {
    await body();
    return undefined;
  } catch (error) {
    const status = statusOf(error);
    if (errorKindOf(error, definition) !== "skippable") {
      if (status === 404 && definition.parent === undefined)
        throw new WorkspaceNotFoundError(ctx.config.workspace, definition.path ?? definition.name);
      throw error;
    }
    if (status === 404) {
      const message =
        `stream ${definition.name}: Mode answered 404 for ` +
        `${typeof where === "string" ? where : where()} (deleted while the sync ran?); skipping it`;
      ctx.warnOnce(`404:${definition.name}`, `${message} (further 404s of this stream are logged at debug level)`);
      ctx.logger.debug(message);
      return "not-found";
    }
    const why = status === 403 ? "it needs rights (admin) the token does not have" : "Mode declares this status for it";
    ctx.warnOnce(
      `tolerate:${definition.name}:${status}`,
      `stream ${definition.name}: Mode answered ${status} for ${definition.path ?? definition.name}; skipping it ` +
        `(${why})`,
    );
    return "tolerated";
  }
}

/**
 * A timestamp field in the canonical UTC form the records carry (src/records/timestamps.ts), or null: bookmarks are
 * compared with exactly the values the tap emits.
 */
export function timestampOf(item: Readonly<Record<string, unknown>>, field: string): string | null {
  const value = item[field];
  return typeof value === "string" ? (canonicalTimestamp(value) ?? null) : null;
}
