import type { JsonValue } from "../json.js";

/** What a route handler answers; server.ts turns it into bytes (and applies faults). */
export type ApiResponse =
  | {
      readonly kind: "json";
      readonly status: number;
      readonly body: JsonValue;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: "stream";
      readonly status: number;
      readonly contentType: string;
      /** Body chunks, generated lazily while they are written (results are never materialised). */
      readonly chunks: () => Iterable<string>;
      /** Result rows in the body (statistics). */
      readonly rows: number;
    }
  | { readonly kind: "html"; readonly status: number; readonly body: string };

export function json(status: number, body: JsonValue, headers?: Readonly<Record<string, string>>): ApiResponse {
  return headers === undefined ? { kind: "json", status, body } : { kind: "json", status, body, headers };
}

/** Mode's error body `{"id", "message"}` (swagger error definitions, docs/mode-api.md §6.2). */
export function modeError(status: number, id: string, message: string): ApiResponse {
  return json(status, { id, message });
}

/** 404 with Mode's wording: "Report not found", "Space not found", ... */
export function notFound(resource: string): ApiResponse {
  return modeError(404, "not_found", `${resource} not found`);
}

export function badRequest(message: string): ApiResponse {
  return modeError(400, "bad_request", message);
}

/** Rails' ParameterMissing wording, which Mode's `param_missing` error id comes from. */
export function paramMissing(name: string): ApiResponse {
  return modeError(400, "param_missing", `param is missing or the value is empty: ${name}`);
}

export function forbidden(message = "You do not have permission to perform this action"): ApiResponse {
  return modeError(403, "forbidden", message);
}
