import type { JsonObject } from "../../json.js";
import type { SyncContext } from "../context.js";
import { fillPath, listPages, timestampOf } from "../lists.js";
import { ReportFailedError } from "./errors.js";
import type { ResultStreams } from "./streams.js";
import { runOutcome } from "../../streams/run-states.js";

/**
 * A token Mode must send (a run's, a query run's, a listed report's). Its absence is a malformed answer about one
 * report, which fails that report only.
 */
export function requiredToken(item: Readonly<Record<string, unknown>>, what: string): string {
  const token = item.token;
  if (typeof token === "string" && token !== "") return token;
  throw new ReportFailedError(`Mode sent ${what} without a token`);
}

/** Mode's free-text error on one line, at most 300 characters (SQL errors span lines). */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

const RUN = "/{workspace}/reports/{report}/runs/{run}";
const RUNS = "/{workspace}/reports/{report}/runs";

/** Longest pause between two polls; the first pause is `poll_interval_seconds`, each next one 1.5 times longer. */
const MAX_POLL_MS = 30_000;
const POLL_BACKOFF = 1.5;

/** `GET …/reports/{report}/runs/{run}` (docs/mode-api.md §3.6). */
export function fetchRun(ctx: SyncContext, report: string, run: string): Promise<JsonObject> {
  return ctx.client.getJson({
    path: fillPath(RUN, { workspace: ctx.config.workspace, report, run }),
    template: RUN,
    signal: ctx.signal,
  });
}

/**
 * `POST …/reports/{report}/runs` with `{"parameters": {...}}`, answered 202 with the run `enqueued`
 * (docs/mode-api.md §4). The client does not retry a POST whose outcome is unknown (a timeout or reset could have
 * started the run), so a second run is never started by accident.
 */
export async function triggerRun(
  ctx: SyncContext,
  streams: ResultStreams,
  report: string,
  parameters: JsonObject,
): Promise<JsonObject> {
  const run = await ctx.client.postJson({
    path: fillPath(RUNS, { workspace: ctx.config.workspace, report }),
    template: RUNS,
    body: { parameters },
    signal: ctx.signal,
  });
  if (typeof run.token === "string" && run.token !== "") return run;
  // The 202 of this POST is not pinned down (docs/mode-api.md §10) and may come without a body; the created run is
  // then the report's newest (a client saw it at report_runs[0] at once, docs/mode-api.md §4).
  for await (const page of listPages(
    ctx,
    streams.runs,
    { workspace: ctx.config.workspace, report },
    { order: "desc", order_by: "created_at" },
  )) {
    const newest = page.items[0];
    if (newest !== undefined && runOutcome(newest.state) === "in-progress") {
      ctx.logger.warn(
        `report results: ${report}: Mode accepted the run without naming it; following the report's newest ` +
          `run ${requiredToken(newest, "a run")}`,
      );
      return newest;
    }
    break;
  }
  throw new ReportFailedError(
    "Mode accepted the run request but named no run, and the report has no run in progress to follow",
  );
}

export interface WaitSettings {
  readonly timeoutMs: number;
  readonly firstPollMs: number;
}

/**
 * Polls a run until it ends, with backoff (docs/mode-api.md §4: "poll `GET …/runs/{run}` until terminal"). Every
 * poll is an ordinary request through the client, inside the rate limit; pauses use the injected clock. Resolves with
 * the run once it succeeded; throws ReportFailedError when it failed or was cancelled (with the query runs'
 * `error_code` and `error_message`, docs/mode-api.md §3.7) or is still running at the deadline. A timed-out run is
 * left running in Mode.
 */
export async function waitForRun(
  ctx: SyncContext,
  streams: ResultStreams,
  report: string,
  started: JsonObject,
  settings: WaitSettings,
): Promise<JsonObject> {
  const token = requiredToken(started, "a run");
  const deadline = ctx.clock.now() + settings.timeoutMs;
  let run = started;
  let pause = settings.firstPollMs;
  const maxPause = Math.max(settings.firstPollMs, MAX_POLL_MS);
  let polls = 0;
  for (;;) {
    const outcome = runOutcome(run.state);
    if (outcome === "succeeded") {
      ctx.logger.debug(`report ${report}: run ${token} ${String(run.state)} after ${polls} polls`);
      return run;
    }
    if (outcome === "failed") throw new ReportFailedError(await describeRunFailure(ctx, streams, report, run));
    const left = deadline - ctx.clock.now();
    if (left <= 0) {
      throw new ReportFailedError(
        `run ${token} did not finish within wait_timeout_seconds (${settings.timeoutMs / 1000} s; last ` +
          `state "${String(run.state)}" after ${polls} polls); giving up on this report, the run goes on in ` +
          `Mode`,
      );
    }
    await ctx.clock.sleep(Math.min(pause, left), ctx.signal);
    pause = Math.min(pause * POLL_BACKOFF, maxPause);
    run = await fetchRun(ctx, report, token);
    polls++;
  }
}

/** "run R failed: query "Q" (token): SqlUnknownColumn: ERROR: …", from the run's query runs. */
export async function describeRunFailure(
  ctx: SyncContext,
  streams: ResultStreams,
  report: string,
  run: JsonObject,
): Promise<string> {
  const token = requiredToken(run, "a run");
  const state = String(run.state);
  const completed = timestampOf(run, "completed_at");
  const head = `run ${token} ${state}${completed === null ? "" : ` at ${completed}`}`;
  const details: string[] = [];
  try {
    for await (const page of listPages(ctx, streams.queryRuns, {
      workspace: ctx.config.workspace,
      report,
      run: token,
    })) {
      for (const item of page.items) {
        if (runOutcome(item.state) !== "failed" && item.error_code === undefined && item.error_message === undefined)
          continue;
        const name = typeof item.query_name === "string" ? `"${oneLine(item.query_name)}"` : "a query";
        const query = typeof item.query_token === "string" ? ` (${item.query_token})` : "";
        const code = typeof item.error_code === "string" ? `${item.error_code}: ` : "";
        const message =
          typeof item.error_message === "string"
            ? oneLine(item.error_message)
            : `state ${String(item.state)}, no error message from Mode`;
        details.push(`query ${name}${query}: ${code}${message}`);
      }
    }
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    details.push(`its query runs could not be read (${error instanceof Error ? error.message : String(error)})`);
  }
  return details.length === 0 ? `${head}; Mode gave no error details` : `${head}: ${details.join("; ")}`;
}
