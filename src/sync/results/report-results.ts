import type { ReportResultsConfig } from "../../config.js";
import { NotFoundError } from "../../http/errors.js";
import type { JsonObject } from "../../json.js";
import type { SyncContext } from "../context.js";
import { timestampOf } from "../lists.js";
import { TaskPool } from "../task-pool.js";
import { alreadyExtracted, extractedRun } from "./bookmarks.js";
import type { ResultStreams } from "./streams.js";
import {
  describeFailure,
  reportErrorKind,
  ReportFailedError,
  ReportResultsError,
  type ReportFailure,
} from "./errors.js";
import { extractRun, type ExtractedRun } from "./extract-run.js";
import { runOutcome } from "../../streams/run-states.js";
import { fetchRun, triggerRun, waitForRun } from "./report-runs.js";
import { fetchReport, lastSuccessfulRun, notFound, reportTargets, type ReportTarget } from "./targets.js";

/** Rows per unit of work: a STATE may follow every chunk, and memory holds at most one chunk per report in flight. */
export const RESULT_CHUNK_ROWS = 500;

/** Reports handled at once; at most this many result downloads hold a connection, leaving the others for polls. */
const MAX_PARALLEL_REPORTS = 4;

type ReportOutcome = { kind: "extracted"; run: ExtractedRun } | { kind: "unchanged"; run: string } | { kind: "no-run" };

/**
 * Extracts the report results of one sync (the `results` walk, src/sync/strategies/results.ts). For each report named
 * by `report_results` (tokens, or every report of chosen spaces) it either triggers a fresh run (`trigger_run`: `POST
 * …/runs` with the configured parameters, then polls it, docs/mode-api.md §4) or takes the report's latest
 * successful run, and streams every query's result rows as records of the results stream (extract-run.ts). A run whose
 * results were already extracted (per-report bookmark) is skipped.
 *
 * A report that fails (its run failed, was cancelled or timed out; the report is missing; a result is malformed) is
 * logged at ERROR and the others go on. Returns the failures: the strategy turns them into a ReportResultsError raised
 * once the sync has finished and written its final STATE, which keeps the sync a complete one (an error thrown here
 * would leave the "resume" markers of an unfinished sync in the STATE).
 */
export async function extractReportResults(
  ctx: SyncContext,
  streams: ResultStreams,
): Promise<ReportResultsError | undefined> {
  const failures: ReportFailure[] = [];
  let attempted = 0;
  const fail = (report: string, error: unknown): void => {
    const reason = describeFailure(error);
    failures.push({ report, reason });
    ctx.logger.error(`report results: ${report}: ${reason}`);
  };
  const settings = ctx.config.reportResults;
  if (settings === undefined || (settings.reports.length === 0 && settings.spaces.length === 0)) {
    ctx.logger.warn(
      `${streams.results} is selected but report_results names no reports or spaces in the config; no ` +
        `results extracted`,
    );
    return undefined;
  }
  const started = ctx.clock.now();
  const pool = new TaskPool(Math.max(1, Math.min(MAX_PARALLEL_REPORTS, ctx.config.maxConcurrency - 1)));
  const tally = { extracted: 0, unchanged: 0, noRun: 0, rows: 0 };
  const handle = async (target: ReportTarget): Promise<void> => {
    try {
      const outcome = await syncReport(ctx, streams, settings, target);
      if (outcome.kind === "extracted") {
        tally.extracted++;
        tally.rows += outcome.run.rows;
      } else if (outcome.kind === "unchanged") tally.unchanged++;
      else tally.noRun++;
    } catch (error) {
      if (ctx.signal.aborted || reportErrorKind(error) !== "skippable") throw error;
      fail(target.token, error);
    }
  };
  try {
    const spaceFailed = (space: string, error: unknown): void => {
      attempted++;
      fail(`space ${space}`, error);
    };
    for await (const target of reportTargets(ctx, streams, settings, spaceFailed)) {
      attempted++;
      await pool.run(() => handle(target));
    }
    await pool.drain();
  } catch (error) {
    // Stop the reports still in flight before reporting the failure, so no request outlives the sync.
    ctx.abort(error);
    await Promise.allSettled([pool.drain()]);
    throw error;
  }
  const seconds = ((ctx.clock.now() - started) / 1000).toFixed(1);
  ctx.logger.info(
    `report results: ${attempted} reports in ${seconds} s: ${tally.extracted} extracted (${tally.rows} ` +
      `rows), ${tally.unchanged} already extracted, ` +
      `${tally.noRun} without a successful run, ${failures.length} failed`,
  );
  return failures.length > 0 ? new ReportResultsError([...failures], attempted) : undefined;
}

/** One report: pick (or start) its run, skip it when already extracted, extract it. */
async function syncReport(
  ctx: SyncContext,
  streams: ResultStreams,
  settings: ReportResultsConfig,
  target: ReportTarget,
): Promise<ReportOutcome> {
  const report = target.token;
  const extract = {
    chunkRows: RESULT_CHUNK_ROWS,
    attempts: ctx.config.maxRetries + 1,
    ...(settings.rowLimit !== undefined ? { rowLimit: settings.rowLimit } : {}),
  };
  let run: JsonObject;
  if (settings.triggerRun) {
    const previous = extractedRun(ctx.output.state, streams.results, report);
    if (previous?.sync_id === ctx.syncId) {
      ctx.logger.info(
        `report results: ${report}: run ${previous.run_token} was extracted by the interrupted sync this ` +
          `one resumes; not running the report again`,
      );
      return { kind: "unchanged", run: previous.run_token };
    }
    let started: JsonObject;
    try {
      started = await triggerRun(ctx, streams, report, settings.parameters as JsonObject);
    } catch (error) {
      if (error instanceof NotFoundError) throw notFound(ctx);
      throw error;
    }
    ctx.logger.info(
      `report results: ${report}: started run ${String(started.token)}; waiting for it (up to ` +
        `${settings.waitTimeoutSeconds} s)`,
    );
    run = await waitForRun(ctx, streams, report, started, {
      timeoutMs: settings.waitTimeoutSeconds * 1000,
      firstPollMs: settings.pollIntervalSeconds * 1000,
    });
  } else {
    const item = target.listed ?? (await fetchReport(ctx, report));
    const token = lastSuccessfulRun(item);
    if (token === null) {
      ctx.logger.warn(
        `report results: ${report}: the report has no successful run; nothing to extract (set trigger_run to run it)`,
      );
      return { kind: "no-run" };
    }
    if (
      alreadyExtracted(
        extractedRun(ctx.output.state, streams.results, report),
        token,
        timestampOf(item, "last_successfully_run_at"),
      )
    ) {
      ctx.logger.info(`report results: ${report}: run ${token} was already extracted; skipping it`);
      return { kind: "unchanged", run: token };
    }
    try {
      run = await fetchRun(ctx, report, token);
    } catch (error) {
      // The run the report names is gone (deleted, or purged with its results, docs/mode-api.md §4): like purged
      // results, a warning rather than a failed report.
      if (!(error instanceof NotFoundError)) throw error;
      ctx.logger.warn(
        `report results: ${report}: its latest successful run ${token} is no longer in Mode (404); nothing to extract`,
      );
      return { kind: "no-run" };
    }
    if (runOutcome(run.state) !== "succeeded")
      throw new ReportFailedError(`its latest successful run ${token} is "${String(run.state)}"`);
  }
  const extracted = await extractRun(ctx, streams, report, run, extract);
  ctx.logger.info(
    `report results: ${report}: ${extracted.rows} rows from run ${extracted.runToken} (completed ` +
      `${extracted.completedAt ?? "at an unknown time"}; ` +
      `${extracted.queries} query results${extracted.purged > 0 ? `, ${extracted.purged} purged` : ""})`,
  );
  return { kind: "extracted", run: extracted };
}
