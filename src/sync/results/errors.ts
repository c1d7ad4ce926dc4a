import { AuthenticationError, ForbiddenError, ModeApiError, type ErrorKind } from "../../http/errors.js";
import { MalformedResultError, TruncatedResultError } from "./json-array-items.js";

/** Why one report's results were not extracted. The other reports go on; the sync ends non-zero at the end. */
export class ReportFailedError extends Error {
  override readonly name = "ReportFailedError";
}

/** One report that failed, for the end-of-sync summary. */
export interface ReportFailure {
  readonly report: string;
  readonly reason: string;
}

/**
 * Thrown once, after the whole sync finished and its final STATE was written, when one or more reports failed (a run
 * failed or was cancelled, did not finish in time, the report was not found...). Exit code 1, so a scheduled job
 * notices; the STATE already covers every report that was extracted.
 */
export class ReportResultsError extends Error {
  override readonly name = "ReportResultsError";
  readonly exitCode = 1;

  constructor(
    readonly failures: readonly ReportFailure[],
    readonly attempted: number,
  ) {
    super(
      `report results: ${failures.length} of ${attempted} report${attempted === 1 ? "" : "s"} failed ` +
        `(everything else was extracted and the final STATE written): ` +
        failures.map((f) => `${f.report}: ${f.reason}`).join("; "),
    );
  }
}

/** A failure while a result body streamed (socket reset, gzip error, body cut short): the download may be retried. */
export class ResultStreamError extends Error {
  override readonly name = "ResultStreamError";
}

/**
 * The error kind (src/http/errors.ts: fatal, retriable, skippable) of a failure while one report's results were
 * extracted, the report being the item skipped: Mode API errors are skippable (a 404 report, a 403 on one report, a 400
 * on bad parameters, retries exhausted), as are our own report failures and malformed results; a 401 (the credential
 * itself is wrong), an interruption, a closed stdout, an invalid record with `invalid_records: fail` and bugs are
 * fatal to the sync.
 */
export function reportErrorKind(error: unknown): ErrorKind {
  if (
    error instanceof ReportFailedError ||
    error instanceof MalformedResultError ||
    error instanceof ResultStreamError ||
    error instanceof TruncatedResultError
  )
    return "skippable";
  if (error instanceof AuthenticationError) return error instanceof ForbiddenError ? "skippable" : "fatal";
  return error instanceof ModeApiError ? "skippable" : "fatal";
}

/** One line for a failure. */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
