import type { JsonValue } from "../json.js";
import { isJsonObject } from "../json.js";

/**
 * What the runner must do with an error, the grouping of the Meltano SDK's `exceptions.py`:
 * stop the sync, try again later, or skip the item and carry on.
 */
export type ErrorKind = "fatal" | "retriable" | "skippable";

/** Safe facts about a failed call. Never a credential, a full URL or a query string. */
export interface ApiErrorDetails {
  readonly method: string;
  /** Path template, e.g. `/{workspace}/reports/{report}/runs`. */
  readonly template: string;
  readonly status?: number;
  /** Network error code (`ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`, ...) when there was no response. */
  readonly code?: string;
  /** Mode's error `id` from the body, e.g. `rate_limited` (docs/mode-api.md §6.2). */
  readonly modeId?: string;
  /** Mode's error `message` from the body. */
  readonly modeMessage?: string;
}

/** Base of every error raised by the Mode API client. */
export class ModeApiError extends Error {
  readonly kind: ErrorKind;
  readonly method: string;
  readonly template: string;
  readonly status?: number;
  readonly code?: string;
  readonly modeId?: string;
  readonly modeMessage?: string;

  constructor(message: string, details: ApiErrorDetails, kind: ErrorKind = "fatal", options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind;
    this.method = details.method;
    this.template = details.template;
    if (details.status !== undefined) this.status = details.status;
    if (details.code !== undefined) this.code = details.code;
    if (details.modeId !== undefined) this.modeId = details.modeId;
    if (details.modeMessage !== undefined) this.modeMessage = details.modeMessage;
  }
}

/** 401 or 403: the credential is wrong or lacks access. Never retried. */
export class AuthenticationError extends ModeApiError {
  constructor(details: ApiErrorDetails, message?: string) {
    super(
      message ??
        `${describe(details)}: authentication failed; check api_token, api_secret and that the token has access to ` +
          `the workspace`,
      details,
      "fatal",
    );
  }
}

/**
 * 403: authenticated but not allowed. A subclass so a caller can skip admin-only streams
 * (groups, audit logs answer 403 to non-admins, docs/mode-api.md §6.2).
 */
export class ForbiddenError extends AuthenticationError {
  constructor(details: ApiErrorDetails) {
    super(
      details,
      `${describe(details)}: access forbidden; check api_token, api_secret and that the token has access to the ` +
        `workspace (admin-only endpoints answer 403 to other tokens)`,
    );
  }
}

/** 404: the resource is gone (a report deleted between list and detail). The caller decides. */
export class NotFoundError extends ModeApiError {
  constructor(details: ApiErrorDetails) {
    super(`${describe(details)}: not found`, details, "skippable");
  }
}

/** Any other client error (400, 422, unexpected 3xx/5xx): retrying cannot help. */
export class FatalApiError extends ModeApiError {
  constructor(details: ApiErrorDetails, reason?: string) {
    super(`${describe(details)}${reason === undefined ? "" : `: ${reason}`}`, details, "fatal");
  }
}

/** A failure a later attempt may not see: 429, 5xx, connection errors, a truncated body. */
export class TransientApiError extends ModeApiError {
  constructor(details: ApiErrorDetails, reason: string) {
    super(`${describe(details)}: ${reason}`, details, "retriable");
  }
}

/** The response headers or body did not arrive within `request_timeout_seconds`. */
export class TimeoutError extends TransientApiError {}

/**
 * Connection failures that mean the API host was not reached at all (refused, unknown name, no route, connect
 * timeout), as opposed to a connection reset or timeout after the request reached it.
 */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** What to tell the user when the host cannot be reached: its name and the setting that names it. */
export function unreachableReason(host: string, code: string): string {
  return `cannot reach ${host} (${code}): check base_url and the network`;
}

/**
 * The API host was never reached in this run: a wrong `base_url` (or no network) is far likelier than a blip, so the
 * sync stops at once with one line naming the host instead of retrying for minutes. Its kind stays `retriable`: a
 * later run may well reach it (the Airbyte adapter reports a transient error).
 */
export class HostUnreachableError extends ModeApiError {
  readonly host: string;

  constructor(details: ApiErrorDetails, host: string) {
    super(
      `${unreachableReason(host, details.code ?? "no connection")} (${details.method} ${details.template})`,
      details,
      "retriable",
    );
    this.host = host;
  }
}

/** The last retriable failure once `max_retries` is used up; `cause` holds it. */
export class RetriesExhaustedError extends ModeApiError {
  readonly attempts: number;

  constructor(lastError: ModeApiError, attempts: number) {
    super(
      `${lastError.method} ${lastError.template}: giving up after ${attempts} attempts; last error: ` +
        `${lastError.message}`,
      lastError,
      "fatal",
      { cause: lastError },
    );
    this.attempts = attempts;
  }
}

/** The body is not what the endpoint promises: not a HAL object, wrong `_embedded`, not JSON. */
export class MalformedResponseError extends ModeApiError {
  constructor(details: ApiErrorDetails, reason: string) {
    super(`${describe(details)}: malformed response: ${reason}`, details, "fatal");
  }
}

/** The paginator was sent to a page or cursor it had already read (docs/mode-api.md §2.4, §3.15). */
export class PaginationLoopError extends MalformedResponseError {}

/** True when the caller may skip the item and continue (404). */
export function isSkippable(error: unknown): error is NotFoundError {
  return error instanceof ModeApiError && error.kind === "skippable";
}

/** True when the error should stop the sync. */
export function isFatal(error: unknown): error is ModeApiError {
  return error instanceof ModeApiError && error.kind === "fatal";
}

/** True when the error is transient (raised directly only for a non-idempotent request). */
export function isRetriable(error: unknown): error is TransientApiError {
  return error instanceof ModeApiError && error.kind === "retriable";
}

const MAX_MESSAGE_CHARS = 300;

/**
 * Mode's `{"id": "...", "message": "..."}` error body (docs/mode-api.md §6.2). 422 bodies may be
 * Rails-style `{"message": {"name": ["is too long"]}}`, so a non-string message is stringified.
 */
export function modeErrorFields(body: JsonValue | undefined): { modeId?: string; modeMessage?: string } {
  if (!isJsonObject(body)) return {};
  const fields: { modeId?: string; modeMessage?: string } = {};
  if (typeof body.id === "string") fields.modeId = body.id.slice(0, MAX_MESSAGE_CHARS);
  const message = body.message;
  if (typeof message === "string") fields.modeMessage = message.slice(0, MAX_MESSAGE_CHARS);
  else if (message !== undefined && message !== null)
    fields.modeMessage = JSON.stringify(message).slice(0, MAX_MESSAGE_CHARS);
  return fields;
}

function describe(details: ApiErrorDetails): string {
  const outcome =
    details.status !== undefined ? ` HTTP ${details.status}` : details.code !== undefined ? ` ${details.code}` : "";
  const mode = [details.modeId, details.modeMessage].filter((part) => part !== undefined).join(": ");
  return `${details.method} ${details.template}${outcome}${mode.length > 0 ? ` (${mode})` : ""}`;
}
