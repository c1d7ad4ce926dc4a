import { isJsonObject, type JsonObject } from "../json.js";

/**
 * Signature tokens of the Discovery API (https://mode.com/developer/discovery-api/signature-tokens/): created with a
 * workspace admin's API key (Basic auth), read-only, named and expiring; every other Discovery request then sends
 * `Authorization: Bearer base64("{token}:{access_key}:{access_secret}")`
 * (https://mode.com/developer/discovery-api/introduction/).
 */
export interface SignatureToken {
  /** The token's id (`token`): not a secret, it names the token in logs and warnings. */
  readonly token: string;
  readonly name: string;
  /** When Mode expires it (RFC 3339), as asked. */
  readonly expiresAt: string;
  /** The `Authorization` header value. A credential: never logged. */
  readonly authorization: string;
  /** Values to scrub from error text: the Bearer value and the token's access key and secret. */
  readonly secrets: readonly string[];
}

/** `tap-mode <run start>`: recognisable in the workspace's settings; Mode wants 4 to 64 characters. */
export function signatureTokenName(runStartedAt: string): string {
  return `tap-mode ${runStartedAt}`.slice(0, 64);
}

/** ISO 8601 to the second with `Z`, the form Mode documents for `expires_at` (YYYY-MM-DDTHH:mmZ and longer). */
export function expiresAtFrom(nowMs: number, lifetimeHours: number): string {
  return `${new Date(nowMs + lifetimeHours * 3_600_000).toISOString().slice(0, 19)}Z`;
}

/** The POST body creating a read-only Discovery token. */
export function signatureTokenRequest(name: string, expiresAt: string): JsonObject {
  return {
    signature_token: {
      name,
      expires_at: expiresAt,
      auth_scope: { authentication_for: "batch-api", authorization_type: "read-only" },
    },
  };
}

/** `Bearer base64("{token}:{access_key}:{access_secret}")`. */
export function bearerValue(token: string, accessKey: string, accessSecret: string): string {
  return `Bearer ${Buffer.from(`${token}:${accessKey}:${accessSecret}`, "utf8").toString("base64")}`;
}

/** The token from Mode's answer, or a description of what is missing (never a value). */
export function signatureTokenFrom(
  body: JsonObject,
  name: string,
  expiresAt: string,
): SignatureToken | { readonly missing: string } {
  const field = (key: string): string | undefined =>
    typeof body[key] === "string" && body[key] !== "" ? body[key] : undefined;
  const token = field("token");
  const accessKey = field("access_key");
  const accessSecret = field("access_secret");
  if (token === undefined || accessKey === undefined || accessSecret === undefined || !isJsonObject(body))
    return {
      missing: ["token", "access_key", "access_secret"].filter((k) => field(k) === undefined).join(", "),
    };
  const authorization = bearerValue(token, accessKey, accessSecret);
  return {
    token,
    name: field("name") ?? name,
    expiresAt: field("expires_at") ?? expiresAt,
    authorization,
    secrets: [authorization.slice("Bearer ".length), accessKey, accessSecret],
  };
}
