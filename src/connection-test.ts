import type { Config } from "./config.js";
import type { ModeClient } from "./http/client.js";
import {
  AuthenticationError,
  ForbiddenError,
  ModeApiError,
  NotFoundError,
  RetriesExhaustedError,
} from "./http/errors.js";

export interface ConnectionResult {
  readonly ok: boolean;
  /** One line for stdout/stderr. Never contains a credential. */
  readonly message: string;
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL|EPROTO)/;
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (typeof current === "object" && current !== null) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === "string" && code !== "") return code;
      current =
        (current as { cause?: unknown; lastError?: unknown }).cause ?? (current as { lastError?: unknown }).lastError;
    } else break;
  }
  return undefined;
}

/**
 * The `--test` check: one authenticated GET of /{workspace} (docs/mode-api.md §1.4: it proves the credential reaches
 * that workspace; /account is unsupported for API keys), reported in one line with the reason when it fails.
 */
export async function testConnection(config: Config, client: ModeClient): Promise<ConnectionResult> {
  const host = new URL(config.baseUrl).host;
  try {
    const body = await client.getJson({ path: `/${encodeURIComponent(config.workspace)}`, template: "/{workspace}" });
    const name = typeof body.name === "string" ? ` (${body.name})` : "";
    return {
      ok: true,
      message: `connection ok: workspace ${config.workspace}${name} is reachable at ${host} with these credentials`,
    };
  } catch (error) {
    return { ok: false, message: `connection failed: ${explain(error, config, host)}` };
  }
}

function explain(error: unknown, config: Config, host: string): string {
  const inner =
    error instanceof RetriesExhaustedError ? ((error as unknown as { cause?: unknown }).cause ?? error) : error;
  if (inner instanceof ForbiddenError)
    return (
      `Mode answered 403 for workspace ${config.workspace}: the token is valid but may not read this ` +
      `workspace (check that it belongs to it)`
    );
  if (inner instanceof AuthenticationError)
    return "Mode answered 401: bad credentials (check api_token and api_secret)";
  if (inner instanceof NotFoundError)
    return `Mode answered 404: unknown workspace "${config.workspace}" (check the workspace setting)`;
  const code = causeCode(error);
  if (code && TLS_CODES.test(code))
    return `TLS error talking to ${host} (${code}): check base_url and the machine's CA certificates`;
  if (code && UNREACHABLE_CODES.has(code)) return `cannot reach ${host} (${code}): check base_url and the network`;
  if (error instanceof ModeApiError) return `${error.message}`;
  return `${(error as Error).message ?? String(error)}`;
}
