import type { ReportResultsConfig } from "../../config.js";
import { NotFoundError } from "../../http/errors.js";
import type { JsonObject } from "../../json.js";
import type { SyncContext } from "../context.js";
import { fillPath, listPages, statusOf } from "../lists.js";
import { reportErrorKind, ReportFailedError } from "./errors.js";
import { requiredToken } from "./report-runs.js";
import type { ResultStreams } from "./streams.js";

/** A report whose results to extract. */
export interface ReportTarget {
  readonly token: string;
  /** The report as listed in its space (it carries `last_successful_run_token`), when it came from `spaces`. */
  readonly listed?: JsonObject;
}

const REPORT = "/{workspace}/reports/{report}";

/**
 * The reports named in `report_results`: the `reports` tokens in their order, then every report of each of the
 * `spaces` (docs/mode-api.md §3.3: `GET /{ws}/spaces/{space}/reports`, pages of 30), each report once. Datasets are
 * not reports here (they live under `…/datasets`). A space that cannot be listed is passed to `onSpaceFailure` and
 * the others go on.
 */
export async function* reportTargets(
  ctx: SyncContext,
  streams: ResultStreams,
  settings: ReportResultsConfig,
  onSpaceFailure: (space: string, error: unknown) => void,
): AsyncGenerator<ReportTarget, void, undefined> {
  const seen = new Set<string>();
  for (const token of settings.reports) {
    if (seen.has(token)) continue;
    seen.add(token);
    yield { token };
  }
  for (const space of settings.spaces) {
    const found: JsonObject[] = [];
    try {
      // The space's list is read to its end before its reports start, so a failure halfway never leaves half a space.
      for await (const page of listPages(ctx, streams.reports, { workspace: ctx.config.workspace, space }))
        found.push(...page.items);
    } catch (error) {
      if (ctx.signal.aborted || reportErrorKind(error) !== "skippable") throw error;
      onSpaceFailure(
        space,
        statusOf(error) === 404 || statusOf(error) === 403
          ? new ReportFailedError(`the space was not found or the token may not list it (HTTP ${statusOf(error)})`)
          : error,
      );
      continue;
    }
    ctx.logger.info(`report results: space ${space} has ${found.length} reports`);
    for (const item of found) {
      let token: string;
      try {
        token = requiredToken(item, `a report of space ${space}`);
      } catch (error) {
        onSpaceFailure(space, error);
        continue;
      }
      if (seen.has(token)) continue;
      seen.add(token);
      yield { token, listed: item };
    }
  }
}

/** `GET /{ws}/reports/{report}` (docs/mode-api.md §3.3); a 404 becomes a clear report failure. */
export async function fetchReport(ctx: SyncContext, report: string): Promise<JsonObject> {
  try {
    return await ctx.client.getJson({
      path: fillPath(REPORT, { workspace: ctx.config.workspace, report }),
      template: REPORT,
      signal: ctx.signal,
    });
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound(ctx);
    throw error;
  }
}

/** A report Mode does not know (404), as a failure of that report. */
export function notFound(ctx: SyncContext): ReportFailedError {
  return new ReportFailedError(
    `report not found in workspace ${ctx.config.workspace} (deleted, or the token cannot see it)`,
  );
}

/**
 * The token of a report's latest successful run: `last_successful_run_token`, else the last segment of
 * `_links.last_successful_run.href` (Mode's own sample starts there, docs/mode-api.md §4). Null for a report that
 * never ran successfully.
 */
export function lastSuccessfulRun(report: JsonObject): string | null {
  const token = report.last_successful_run_token;
  if (typeof token === "string" && token !== "") return token;
  const links = report._links;
  if (links !== null && typeof links === "object" && !Array.isArray(links)) {
    const link = links.last_successful_run;
    if (link !== null && typeof link === "object" && !Array.isArray(link) && typeof link.href === "string") {
      const segment = link.href
        .split("?")[0]
        ?.split("/")
        .filter((s) => s !== "")
        .at(-1);
      if (segment !== undefined && segment !== "runs") return segment;
    }
  }
  return null;
}
