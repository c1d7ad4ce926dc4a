import type { Page } from "../http/client.js";
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
  return ctx.client.paginate({
    path: fillPath(definition.path, context),
    template: definition.path,
    query: { ...base, ...query },
    embeddedKey: definition.embeddedKey,
    paged: definition.paged,
    ...(definition.perPage !== undefined ? { perPage: definition.perPage } : {}),
    ...(definition.cursor !== undefined ? { cursor: definition.cursor } : {}),
    signal: ctx.signal,
  });
}

export type Tolerated = "tolerated" | "not-found";

/** Mode answered 404 for a workspace-level list: the workspace does not exist, or the token cannot see it. */
export class WorkspaceNotFoundError extends Error {
  override readonly name = "WorkspaceNotFoundError";
  readonly exitCode = 1;
  constructor(workspace: string, template: string) {
    super(
      `Mode answered 404 (not found) for ${template} of workspace "${workspace}": the workspace does not exist or the token cannot see it (check the workspace setting)`,
    );
  }
}

/**
 * Runs `body` and turns the errors a stream declares tolerable (403 on admin-only endpoints) and 404s (a parent deleted
 * between listing and fetching, mode-api notes §7.12) into one warning and a return value; everything else propagates.
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
    // A 404 on a list of the workspace itself (spaces, data sources, ...) means the workspace is unknown: nothing else
    // can succeed, so the sync stops at once, unless the stream declares 404 normal ("No default Library found" for
    // definitions, mode-api notes §3.9).
    if (status === 404 && definition.parent === undefined && !definition.tolerate?.includes(404)) {
      throw new WorkspaceNotFoundError(ctx.config.workspace, definition.path ?? definition.name);
    }
    if (status === 404) {
      const message = `stream ${definition.name}: Mode answered 404 for ${typeof where === "string" ? where : where()} (deleted while the sync ran?); skipping it`;
      ctx.warnOnce(`404:${definition.name}`, `${message} (further 404s of this stream are logged at debug level)`);
      ctx.logger.debug(message);
      return "not-found";
    }
    if (status !== undefined && definition.tolerate?.includes(status)) {
      const why =
        status === 403 ? "it needs rights (admin) the token does not have" : "Mode declares this status for it";
      ctx.warnOnce(
        `tolerate:${definition.name}:${status}`,
        `stream ${definition.name}: Mode answered ${status} for ${definition.path ?? definition.name}; skipping it (${why})`,
      );
      return "tolerated";
    }
    throw error;
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
