import type { Readable } from "node:stream";
import { NotFoundError } from "../../http/errors.js";
import { isJsonObject, type JsonObject } from "../../json.js";
import type { SyncContext } from "../context.js";
import { fillPath, listPages, timestampOf } from "../lists.js";
import type { Unit } from "../output.js";
import { markExtracted } from "./bookmarks.js";
import type { ResultStreams } from "./streams.js";
import { ResultStreamError } from "./errors.js";
import { jsonArrayItems, MalformedResultError, TruncatedResultError } from "./json-array-items.js";
import { runOutcome } from "../../streams/run-states.js";
import { requiredToken } from "./report-runs.js";

const CONTENT = "/{workspace}/reports/{report}/runs/{run}/query_runs/{query_run}/results/content.json";

export interface ExtractSettings {
  /** Rows per unit: records reach stdout (and memory is released) every this many rows. */
  readonly chunkRows: number;
  /** Stop each query's result after this many rows. */
  readonly rowLimit?: number;
  /** Downloads of one result in all (the first plus retries after a failure mid-body). */
  readonly attempts: number;
}

export interface ExtractedRun {
  readonly runToken: string;
  readonly completedAt: string | null;
  readonly rows: number;
  /** Query results read (fully or up to the row limit). */
  readonly queries: number;
  /** Query results Mode no longer has (404 "run results not found"). */
  readonly purged: number;
}

/** Longest pause before downloading a result again after it broke off. */
const MAX_RETRY_PAUSE_MS = 30_000;

/**
 * Extracts every query result of one succeeded report run as `query_results` records. The query runs are listed
 * (docs/mode-api.md §4 "Results"), then each `…/query_runs/{qr}/results/content.json` (docs/mode-api.md §5) is
 * streamed and parsed row by row; records are committed every `chunkRows` rows, so memory holds one chunk whatever the
 * result size, and a slow target slows the download (the commit awaits stdout). The report's bookmark is updated by the
 * last unit only: a run interrupted mid-result is extracted again from its first row next time (the key
 * [query_run_token, row_number] lets a target deduplicate).
 *
 * A result that Mode no longer has (purged: 404 "run results not found", docs/mode-api.md §4) is a warning and counts
 * as extracted. A download that breaks off mid-body is retried from the start, skipping the rows already emitted.
 */
export async function extractRun(
  ctx: SyncContext,
  streams: ResultStreams,
  report: string,
  run: JsonObject,
  settings: ExtractSettings,
): Promise<ExtractedRun> {
  const runToken = requiredToken(run, "a run");
  const completedAt = timestampOf(run, "completed_at");
  const workspace = ctx.config.workspace;
  const items: JsonObject[] = [];
  for await (const page of listPages(ctx, streams.queryRuns, { workspace, report, run: runToken }))
    items.push(...page.items);

  let unit = ctx.output.unit();
  let inUnit = 0;
  let rows = 0;
  let queries = 0;
  let purged = 0;
  const add = async (
    record: Readonly<Record<string, unknown>>,
    context: Readonly<Record<string, string>>,
  ): Promise<void> => {
    unit.add(streams.results, record, context);
    rows++;
    if (++inUnit >= settings.chunkRows) {
      await ctx.output.commit(unit);
      unit = ctx.output.unit();
      inUnit = 0;
    }
  };

  for (const queryRun of items) {
    const queryRunToken = requiredToken(queryRun, "a query run");
    const queryName = typeof queryRun.query_name === "string" ? queryRun.query_name : null;
    const label =
      `report ${report} run ${runToken} query ` +
      `${queryName === null ? queryRunToken : `"${queryName}" (${queryRunToken})`}`;
    if (runOutcome(queryRun.state) !== "succeeded") {
      ctx.logger.warn(`${label}: query run is ${String(queryRun.state)}, it has no result; skipping it`);
      continue;
    }
    const context: Record<string, string> = { workspace, report, run: runToken, query_run: queryRunToken };
    if (typeof queryRun.query_token === "string") context.query = queryRun.query_token;
    const path = fillPath(CONTENT, context);
    const outcome = await streamResult(ctx, label, path, settings, async (row, rowNumber) =>
      add({ query_name: queryName, row_number: rowNumber, row, run_completed_at: completedAt }, context),
    );
    if (outcome === "purged") {
      purged++;
      const purgedAt = timestampOf(run, "purge_completed_at") ?? timestampOf(run, "purge_started_at");
      ctx.logger.warn(
        `${label}: Mode no longer has this result (404 "run results not found"` +
          `${purgedAt === null ? "" : `; results purged at ${purgedAt}`}); skipping it`,
      );
    } else queries++;
  }

  finish(unit, streams.results, report, runToken, completedAt, ctx.syncId);
  await ctx.output.commit(unit);
  return { runToken, completedAt, rows, queries, purged };
}

function finish(
  unit: Unit,
  stream: string,
  report: string,
  runToken: string,
  completedAt: string | null,
  syncId: string,
): void {
  unit.onCommit((state) =>
    markExtracted(state, stream, report, { run_token: runToken, completed_at: completedAt, sync_id: syncId }),
  );
}

type RowSink = (row: JsonObject, rowNumber: number) => Promise<void>;

/**
 * Streams one result into `onRow` (row numbers from 1), retrying a download that breaks off (reset, gzip error, body
 * cut short) up to `attempts` times in all, each retry skipping the rows already passed on. Resolves "purged" on 404.
 */
async function streamResult(
  ctx: SyncContext,
  label: string,
  path: string,
  settings: ExtractSettings,
  onRow: RowSink,
): Promise<"done" | "purged"> {
  let delivered = 0;
  for (let attempt = 1; ; attempt++) {
    let body: Readable;
    try {
      ({ body } = await ctx.client.getStream({
        path,
        template: CONTENT,
        accept: "application/json",
        signal: ctx.signal,
      }));
    } catch (error) {
      if (error instanceof NotFoundError) return "purged";
      throw error;
    }
    let seen = 0;
    try {
      for await (const item of jsonArrayItems(guarded(body))) {
        seen++;
        if (seen <= delivered) continue;
        if (!isJsonObject(item))
          throw new MalformedResultError(
            `row ${seen} is ` +
              `${Array.isArray(item) ? "an array" : typeof item === "object" ? "null" : `a ${typeof item}`}, ` +
              `not an object of columns`,
          );
        await onRow(item, seen);
        delivered = seen;
        if (settings.rowLimit !== undefined && delivered >= settings.rowLimit) {
          ctx.logger.info(`${label}: stopped at row_limit (${settings.rowLimit} rows)`);
          break;
        }
      }
      return "done";
    } catch (error) {
      body.destroy();
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (error instanceof MalformedResultError) throw new MalformedResultError(`${label}: ${error.message}`);
      const retriable = error instanceof ResultStreamError || error instanceof TruncatedResultError;
      if (!retriable) throw error;
      if (attempt >= settings.attempts)
        throw new ResultStreamError(
          `${label}: the result download broke off ${attempt} times; last time after ${seen} rows: ${error.message}`,
        );
      const pause = Math.min(1000 * 2 ** (attempt - 1), MAX_RETRY_PAUSE_MS);
      ctx.logger.warn(
        `${label}: the result download broke off after ${seen} rows (${error.message}); downloading it ` +
          `again in ${pause} ms, skipping the ${delivered} rows already extracted (attempt ${attempt + 1} of ` +
          `${settings.attempts})`,
      );
      await ctx.clock.sleep(pause, ctx.signal);
    }
  }
}

/** The body's chunks, with a failure while reading (socket, gzip) marked as a broken download. */
async function* guarded(body: Readable): AsyncGenerator<Buffer, void, undefined> {
  try {
    for await (const chunk of body) yield chunk as Buffer;
  } catch (error) {
    throw new ResultStreamError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
