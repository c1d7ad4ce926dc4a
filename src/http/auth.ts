/**
 * The `Authorization` header value for Mode's HTTP Basic auth: API token as user name, secret as
 * password (docs/mode-api.md §1.2). The result is a credential: callers put it in a request header
 * and nowhere else (never in a log line, error or metric).
 */
export function basicAuthHeader(apiToken: string, apiSecret: string): string {
  return `Basic ${Buffer.from(`${apiToken}:${apiSecret}`, "utf8").toString("base64")}`;
}
