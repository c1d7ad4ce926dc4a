import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.js";
import {
  discoveryCharts,
  discoveryChartItem,
  discoveryMemberItem,
  discoveryQueries,
  discoveryQueryItem,
  discoveryReportItem,
  discoveryReports,
  discoveryReportStatItem,
  discoverySpaceItem,
  signatureSecrets,
  type DiscoveryScope,
} from "./bodies/discovery.js";
import { readJsonBody, writeText } from "./http-io.js";
import type { WorkspaceModel } from "./model.js";
import type { RequestTarget } from "./request-target.js";
import { isoMs } from "./time.js";
import { TokenKind } from "./tokens.js";

/**
 * The Discovery ("batch") API of an Enterprise workspace (https://mode.com/developer/discovery-api/), below `/batch`
 * on the simulator's origin: signature tokens created with the REST side's Basic credential, lists read with
 * `Authorization: Bearer base64("{token}:{access_key}:{access_secret}")`, flat JSON pages of up to 1,000 rows whose
 * `_links` are clamped to the valid page range (Mode's docs show page 1's `prev_page` pointing at page 1, so the last
 * page's `next_page` points at itself). The rate limit is the REST side's, keyed by the API token that created the
 * signature token: one budget per API token.
 */

/** A signature token as the simulator keeps it. */
export interface SignatureTokenRecord {
  readonly token: string;
  readonly name: string;
  readonly accessKey: string;
  readonly accessSecret: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The API token (Basic user name) that created it: its rate-limit bucket. */
  readonly creator: string;
  deleted: boolean;
}

type ListName = "spaces" | "reports" | "queries" | "charts" | "members" | "report_stats";
const LISTS: readonly ListName[] = ["spaces", "reports", "queries", "charts", "members", "report_stats"];
const JSON_TYPE = "application/json; charset=utf-8";
// Signature tokens are misc tokens in a range no body uses.
const SIGNATURE_TOKEN_BASE = 2 ** 41;

interface Answer {
  readonly status: number;
  readonly body: JsonValue;
}

const error = (status: number, id: string, message: string): Answer => ({ status, body: { id, message } });

export class DiscoveryApi {
  private readonly tokens = new Map<string, SignatureTokenRecord>();
  private serial = 0;

  constructor(private readonly model: WorkspaceModel) {}

  /** Every signature token ever created (tests: created once, deleted at the end). */
  signatureTokens(): readonly SignatureTokenRecord[] {
    return [...this.tokens.values()];
  }

  /** Tokens neither deleted nor expired. */
  liveSignatureTokens(): readonly SignatureTokenRecord[] {
    const now = this.model.options.clock.now();
    return this.signatureTokens().filter((t) => !t.deleted && t.expiresAt > now);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: RequestTarget): Promise<void> {
    const { model } = this;
    const method = req.method ?? "GET";
    const segments = url.pathname.slice("/batch/".length).replace(/\/$/, "").split("/");
    const route = routeName(method, segments, model.options.workspace);
    const finish = model.recorder.begin(route);
    res.on("close", finish);
    const json = method === "POST" ? await readJsonBody(req) : undefined;
    const auth = req.headers.authorization ?? "";
    const caller = this.caller(auth);
    let headers: OutgoingHttpHeaders = {};
    if (model.limiter !== null && caller !== undefined) {
      const decision = model.limiter.take(caller);
      headers = { "X-RateLimit-Limit": String(decision.limit), "X-RateLimit-Remaining": String(decision.remaining) };
      if (!decision.allowed) {
        const limit = model.options.rateLimit;
        if (limit !== false && limit.retryAfter !== false) headers["Retry-After"] = String(decision.retryAfterSeconds);
        return this.send(res, error(429, "rate_limited", "Rate limit exceeded. Please retry later."), headers);
      }
    }
    return this.send(res, this.answer(method, segments, url.searchParams, auth, json), headers);
  }

  private send(res: ServerResponse, answer: Answer, headers: OutgoingHttpHeaders): void {
    this.model.recorder.status(answer.status);
    writeText(res, answer.status, { ...headers, "Content-Type": JSON_TYPE }, JSON.stringify(answer.body), null);
  }

  private answer(
    method: string,
    segments: readonly string[],
    query: URLSearchParams,
    auth: string,
    json: JsonValue | undefined,
  ): Answer {
    const { options } = this.model;
    const [workspace, resource, id, extra] = segments;
    if (workspace !== options.workspace || resource === undefined || extra !== undefined)
      return error(404, "not_found", "Workspace not found");
    const basic = this.basicUser(auth);
    const bearer = this.bearer(auth);
    if (basic === undefined && bearer === undefined)
      return error(401, "unauthorized", "You must be authenticated to access this resource");
    if (!options.discovery.enabled)
      return error(403, "forbidden", "The Discovery API is only available for Enterprise tier customers");
    if (resource === "signature_tokens") {
      if (method === "POST" && id === undefined) {
        if (basic === undefined) return error(401, "unauthorized", "An API key and secret are required");
        if (!options.admin) return error(403, "forbidden", "Only workspace admins can create signature tokens");
        return this.create(basic, json);
      }
      if (method === "DELETE" && id !== undefined) {
        const record = this.tokens.get(id);
        const allowed = basic !== undefined || (bearer !== undefined && bearer.token === id);
        if (!allowed) return error(401, "unauthorized", "You must be authenticated to access this resource");
        if (record === undefined || record.deleted) return error(404, "not_found", "Signature Token not found");
        record.deleted = true;
        return { status: 200, body: { message: "Signature Token deleted" } };
      }
      return error(404, "not_found", "Not found");
    }
    if (method !== "GET" || id !== undefined || !(LISTS as readonly string[]).includes(resource))
      return error(404, "not_found", "Not found");
    if (bearer === undefined) return error(401, "unauthorized", "A valid signature token is required");
    return this.list(resource as ListName, query);
  }

  private create(creator: string, json: JsonValue | undefined): Answer {
    const request = isJsonObject(json) ? json.signature_token : undefined;
    if (!isJsonObject(request))
      return error(400, "param_missing", "param is missing or the value is empty: signature_token");
    const name = request.name;
    if (typeof name !== "string" || name.length < 4 || name.length > 64)
      return error(400, "bad_request", "name must be a string between 4 and 64 characters long");
    const expires = typeof request.expires_at === "string" ? Date.parse(request.expires_at) : Number.NaN;
    if (Number.isNaN(expires)) return error(400, "bad_request", "expires_at must be in ISO8601 format");
    const scope = request.auth_scope;
    if (
      !isJsonObject(scope) ||
      scope.authentication_for !== "batch-api" ||
      scope.authorization_type !== "read-only" ||
      Object.keys(scope).length !== 2
    )
      return error(
        400,
        "bad_request",
        "auth_scope must be {authentication_for: batch-api, authorization_type: read-only}",
      );
    const serial = ++this.serial;
    const { seed } = this.model.world;
    const token = this.model.world.tokens.make(TokenKind.misc, SIGNATURE_TOKEN_BASE + serial);
    const now = this.model.options.clock.now();
    const record: SignatureTokenRecord = {
      token,
      name,
      ...signatureSecrets(seed, serial),
      createdAt: now,
      expiresAt: expires,
      creator,
      deleted: false,
    };
    this.tokens.set(token, record);
    const body: JsonObject = {
      token,
      name,
      creator_id: 745_000,
      organization_id: this.model.world.state.accountId,
      access_key: record.accessKey,
      access_secret: record.accessSecret,
      created_at: isoMs(now),
      updated_at: isoMs(now),
      expires_at: isoMs(expires),
      authentication_for: "batch-api",
      authorization_type: "read-only",
    };
    return { status: 200, body };
  }

  private list(resource: ListName, query: URLSearchParams): Answer {
    const { world, options } = this.model;
    const asked = query.get("per_page");
    let perPage = 1000;
    if (asked !== null) {
      perPage = /^\d+$/.test(asked) ? Number(asked) : 0;
      // Mode's Swagger: "per_page must be greater than 0 and less than 1000"; its docs show pages of 1,000.
      if (perPage < 1 || perPage > options.discovery.maxPerPage)
        return error(400, "bad_request", `per_page must be greater than 0 and at most ${options.discovery.maxPerPage}`);
    }
    const pageParam = query.get("page");
    const page = pageParam !== null && /^\d+$/.test(pageParam) && Number(pageParam) >= 1 ? Number(pageParam) : 1;
    const scope: DiscoveryScope = { includePersonal: query.get("include_spaces") === "all" };
    const { key, total, slice } = this.source(resource, scope);
    const totalPages = Math.max(1, Math.ceil(total / perPage));
    const from = Math.min((page - 1) * perPage, total);
    const items = slice(from, Math.min(from + perPage, total));
    const href = (n: number): string =>
      `/batch/${world.workspace}/${resource}?page=${Math.min(Math.max(1, n), totalPages)}&per_page=${perPage}`;
    return {
      status: 200,
      body: {
        pagination: { page, per_page: perPage, count: items.length, total_pages: totalPages, total_count: total },
        [key]: items,
        _links: { next_page: { href: href(page + 1) }, prev_page: { href: href(page - 1) } },
      },
    };
  }

  private source(
    resource: ListName,
    scope: DiscoveryScope,
  ): { key: string; total: number; slice: (from: number, to: number) => JsonValue[] } {
    const { world, options } = this.model;
    const of = <T>(key: string, all: readonly T[], item: (x: T) => JsonValue) => ({
      key,
      total: all.length,
      slice: (from: number, to: number) => all.slice(from, to).map(item),
    });
    switch (resource) {
      case "spaces":
        return of("spaces", world.state.spaces, (s) => discoverySpaceItem(world, s));
      case "reports":
        return of("reports", discoveryReports(world, scope), (r) => discoveryReportItem(world, r));
      case "queries":
        return of("queries", discoveryQueries(world, scope), (q) => discoveryQueryItem(world, q));
      case "charts":
        return of("charts", discoveryCharts(world, scope), (c) => discoveryChartItem(world, c.query, c.position));
      case "members":
        return of(options.discovery.membersKey, world.state.members, (m) => discoveryMemberItem(world, m));
      case "report_stats":
        return of("report_stats", discoveryReports(world, scope), (r) =>
          discoveryReportStatItem(world, r, options.discovery.viewCountKey),
        );
    }
  }

  /** The rate-limit bucket of a request: the API token itself, or the one that created the signature token. */
  private caller(auth: string): string | undefined {
    return this.basicUser(auth) ?? this.bearer(auth)?.creator;
  }

  private basicUser(auth: string): string | undefined {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
    if (match === null) return undefined;
    const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
    const { token, secret } = this.model.options;
    return decoded === `${token}:${secret}` ? token : undefined;
  }

  /** The live signature token a Bearer value names with its right key and secret. */
  private bearer(auth: string): SignatureTokenRecord | undefined {
    const match = /^Bearer\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
    if (match === null) return undefined;
    const [token, key, secret, more] = Buffer.from(match[1] as string, "base64")
      .toString("utf8")
      .split(":");
    const record = token === undefined ? undefined : this.tokens.get(token);
    if (record === undefined || more !== undefined || record.deleted) return undefined;
    if (record.expiresAt <= this.model.options.clock.now()) return undefined;
    return record.accessKey === key && record.accessSecret === secret ? record : undefined;
  }
}

/** How statistics name a `/batch` request: `GET /batch/{ws}/reports`. */
function routeName(method: string, segments: readonly string[], workspace: string): string {
  const [ws, resource, id] = segments;
  if (ws !== workspace || resource === undefined) return `${method} /batch (unmatched)`;
  const tail = id === undefined ? "" : resource === "signature_tokens" ? "/{signature_token}" : "/{id}";
  return `${method} /batch/{ws}/${resource}${tail}`;
}
