import { InputError, InterruptedError } from "../errors.js";
import { AuthenticationError, ModeApiError, RetriesExhaustedError } from "../http/errors.js";
import type { FailureType } from "./messages.js";

/**
 * The `failure_type` of the TRACE ERROR that ends a run (AirbyteErrorTraceMessage, docs/singer-notes.md §4.2), from
 * the tap's error grouping (docs/house-style.md §5):
 * - config_error: what the user must fix: config, catalog or state input (InputError), and credentials Mode rejects
 *   (401/403 on a request the sync cannot do without).
 * - transient_error: what a later attempt may not meet: retries used up on 429/5xx/network errors, a timeout, a
 *   retriable failure, or the run being stopped by SIGINT/SIGTERM.
 * - system_error: anything else (a malformed response, a bug).
 */
export function failureTypeOf(error: unknown): FailureType {
  if (error instanceof InputError || error instanceof AuthenticationError) return "config_error";
  if (error instanceof RetriesExhaustedError || error instanceof InterruptedError) return "transient_error";
  if (error instanceof ModeApiError && error.kind === "retriable") return "transient_error";
  return "system_error";
}

/** The one-line, credential-free message of an error (the tap's errors never carry a credential). */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
