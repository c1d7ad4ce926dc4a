import type { Clock } from "../clock.js";
import type { ModeApiError } from "../http/errors.js";
import { FatalApiError, MalformedResponseError, ModeApiError as ApiError } from "../http/errors.js";
import type { RequestSpec } from "../http/types.js";
import { isJsonObject, type JsonObject } from "../json.js";
import type { Logger } from "../log.js";
import type { StreamDefinition, StreamQueryConfig } from "../streams/types.js";
import {
  expiresAtFrom,
  signatureTokenFrom,
  signatureTokenName,
  signatureTokenRequest,
  type SignatureToken,
} from "./signature-token.js";

/**
 * One run's use of Mode's Discovery ("batch") API (docs/discovery.md): a signature token created lazily, the first time
 * a Discovery stream is read, used for every Discovery list of the run, and deleted by `close()`. Requests go through
 * the REST client's transport, so they share its rate limiter and retry policy: one budget per API token.
 */

/** What the session needs of the REST client (src/http/client.ts). */
export interface DiscoveryTransport {
  getJson(spec: RequestSpec): Promise<JsonObject>;
  postJson(spec: RequestSpec & { readonly body: JsonObject }): Promise<JsonObject>;
  deleteJson(spec: RequestSpec): Promise<JsonObject>;
}

export interface DiscoverySessionOptions {
  readonly transport: DiscoveryTransport;
  /** The REST API root (`base_url`, e.g. https://app.mode.com/api): the Discovery API is `/batch` on its origin. */
  readonly baseUrl: string;
  readonly workspace: string;
  /** `include_personal_spaces`: sends `include_spaces=all` where a list takes it. */
  readonly query: StreamQueryConfig;
  /** `discovery_token_lifetime_hours`. */
  readonly tokenLifetimeHours: number;
  /** Start of the run (RFC 3339): names the token `tap-mode <run start>`. */
  readonly runStartedAt: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Longest wait of `close()` for the DELETE, default 5,000 ms: an interrupted run must still exit promptly. */
  readonly closeTimeoutMs?: number;
}

/** One page of a Discovery list. */
export interface DiscoveryPage {
  readonly items: readonly JsonObject[];
  /** 1-based index of this page in the walk. */
  readonly pageNumber: number;
  readonly totalPages?: number;
  readonly totalCount?: number;
}

/** Whether the Discovery API can be read in this run. */
export type DiscoveryAvailability =
  { readonly available: true } | { readonly available: false; readonly status?: number; readonly endpoint: string };

/**
 * The Discovery API cannot be read: not an Enterprise workspace, not an admin's key, or the API is off (401, 403 or 404
 * on the token or on a list's first page). `scope: "api"` skips every Discovery stream of the run; `"stream"` only
 * the one whose first page failed (after others were read). Already logged as one WARNING: the engine skips and goes
 * on.
 */
export class DiscoveryUnavailableError extends Error {
  override readonly name = "DiscoveryUnavailableError";
  constructor(
    readonly scope: "api" | "stream",
    readonly endpoint: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

interface Target {
  readonly path: string;
  readonly query: Record<string, string | number>;
}

const TOKENS_TEMPLATE = "/batch/{workspace}/signature_tokens";
const TOKEN_TEMPLATE = "/batch/{workspace}/signature_tokens/{signature_token}";
const UNAVAILABLE = new Set([401, 403, 404]);
const DEFAULT_PER_PAGE = 1000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

export class DiscoverySession {
  private readonly root: string;
  private token: Promise<SignatureToken> | undefined;
  /** Every token this session created (a second one only when the first stopped being accepted), to delete. */
  private readonly created: SignatureToken[] = [];
  private renewed = false;
  private unavailable: DiscoveryUnavailableError | undefined;
  private pagesRead = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: DiscoverySessionOptions) {
    this.root = `${new URL(options.baseUrl).origin}/batch`;
  }

  /** The signature token's id and name once created (never its secrets). */
  get tokenId(): { readonly token: string; readonly name: string } | undefined {
    const last = this.created.at(-1);
    return last === undefined ? undefined : { token: last.token, name: last.name };
  }

  /** Creates the token if needed; answers whether the API can be read (logs the one WARNING when it cannot). */
  async availability(signal?: AbortSignal): Promise<DiscoveryAvailability> {
    try {
      await this.signatureToken(signal);
      return { available: true };
    } catch (error) {
      if (error instanceof DiscoveryUnavailableError)
        return {
          available: false,
          endpoint: error.endpoint,
          ...(error.status === undefined ? {} : { status: error.status }),
        };
      throw error;
    }
  }

  /**
   * Every page of one Discovery stream, to the end. Throws DiscoveryUnavailableError (already logged) when the API
   * or this list cannot be read, and a ModeApiError for any other failure.
   */
  async *pages(definition: StreamDefinition, signal?: AbortSignal): AsyncGenerator<DiscoveryPage, void, undefined> {
    if (definition.api !== "discovery" || definition.path === null || definition.embeddedKey === undefined)
      throw new Error(`internal: stream ${definition.name} is not a Discovery list`);
    let token = await this.signatureToken(signal);
    const template = `/batch${definition.path}`;
    const path = `${this.root}${definition.path.replace("{workspace}", encodeURIComponent(this.options.workspace))}`;
    let perPage = definition.perPage ?? DEFAULT_PER_PAGE;
    const baseQuery = (): Record<string, string | number> => ({
      ...definition.query?.(this.options.query),
      per_page: perPage,
    });
    const keys = [definition.embeddedKey, ...(definition.alternateKeys ?? [])];
    const visited = new Set<string>();
    let target: Target | string | undefined = { path, query: baseQuery() };
    let pageNumber = 0;
    let itemCount = 0;
    let totalCount: number | undefined;
    let totalPages: number | undefined;
    let stopReason: string | undefined;
    while (target !== undefined && typeof target !== "string") {
      visited.add(canonical(target.path, target.query));
      let body: JsonObject;
      try {
        body = await this.get(token, target.path, target.query, template, signal);
      } catch (error) {
        if (pageNumber === 0 && error instanceof FatalApiError && error.status === 400 && perPage === 1000) {
          // Mode's Swagger says per_page must be less than 1000 while its docs show pages of 1,000: ask 999 once.
          this.options.logger.info(
            { endpoint: template, http_status_code: 400 },
            `${template}: per_page=1000 answered HTTP 400; asking again with per_page=999`,
          );
          perPage = 999;
          target = { path, query: baseQuery() };
          continue;
        }
        if (error instanceof ApiError && error.status === 401 && this.pagesRead > 0 && !this.renewed) {
          // The token worked before: it expired (a long run) or was deleted in the workspace. One new token, once.
          this.renewed = true;
          this.options.logger.info(
            `Discovery API: signature token ${token.token} is no longer accepted (HTTP 401 on ${template}); creating ` +
              `another`,
          );
          this.token = this.createToken(signal);
          token = await this.token;
          continue;
        }
        if (pageNumber === 0 && isUnavailable(error)) throw this.markUnavailable(error, definition);
        throw error;
      }
      this.pagesRead += 1;
      pageNumber += 1;
      const items = itemsOf(body, keys);
      if (items === undefined)
        throw new MalformedResponseError(
          { method: "GET", template },
          `no array under ${keys.map((k) => `"${k}"`).join(" or ")}`,
        );
      const pagination = isJsonObject(body.pagination) ? body.pagination : {};
      const page = integerOf(pagination.page) ?? pageNumber;
      totalPages = integerOf(pagination.total_pages) ?? totalPages;
      totalCount = integerOf(pagination.total_count) ?? totalCount;
      itemCount += items.length;
      yield {
        items,
        pageNumber,
        ...(totalPages === undefined ? {} : { totalPages }),
        ...(totalCount === undefined ? {} : { totalCount }),
      };
      target = this.nextTarget(body, items.length, page, totalPages, baseQuery(), visited);
      if (typeof target === "string") {
        stopReason = target;
        target = undefined;
      }
    }
    if (stopReason !== undefined && totalPages !== undefined && pageNumber < totalPages)
      this.options.logger.warn(
        { endpoint: template, pages: pageNumber, total_pages: totalPages },
        `${template}: stopped after page ${pageNumber} of ${totalPages}: ${stopReason}`,
      );
    if (totalCount !== undefined && totalCount !== itemCount)
      this.options.logger.warn(
        { endpoint: template, seen: itemCount, total_count: totalCount },
        `${template}: read ${itemCount} items but total_count says ${totalCount}`,
      );
  }

  /**
   * Deletes the signature token this run created, if any: after success, after a fatal error and on SIGINT/SIGTERM.
   * Best effort within `closeTimeoutMs`; a token that cannot be deleted is one WARNING naming it (never its secrets).
   * Never throws; calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.deleteTokens();
    return this.closing;
  }

  private async deleteTokens(): Promise<void> {
    const timeoutMs = this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      // A creation still in flight may yet produce a token that must be deleted.
      if (this.token !== undefined) await abortable(this.token, signal);
    } catch {
      // Failed or still pending: what was created is in `created`.
    }
    for (const token of this.created) await this.deleteToken(token, signal, timeoutMs);
  }

  private async deleteToken(token: SignatureToken, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const path =
      `${this.root}/${encodeURIComponent(this.options.workspace)}` +
      `/signature_tokens/${encodeURIComponent(token.token)}`;
    const spec = { path, template: TOKEN_TEMPLATE, signal };
    try {
      try {
        // Bounded even if the transport ignored the signal: an interrupted run must exit promptly.
        await abortable(this.options.transport.deleteJson({ ...spec, credential: token }), signal);
      } catch (error) {
        // Mode documents the DELETE without its auth; if the token itself is refused, the admin key may delete it.
        if (!(error instanceof ApiError && error.status === 401)) throw error;
        await abortable(this.options.transport.deleteJson(spec), signal);
      }
      this.options.logger.info(`Discovery API: deleted signature token ${token.token} ("${token.name}")`);
    } catch (error) {
      const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : describe(error);
      this.options.logger.warn(
        { signature_token: token.token },
        `Discovery API: could not delete signature token ${token.token} ("${token.name}"): ${reason}; it expires at ` +
          `${token.expiresAt}, or delete it in the workspace's settings`,
      );
    }
  }

  private signatureToken(signal: AbortSignal | undefined): Promise<SignatureToken> {
    if (this.unavailable !== undefined) return Promise.reject(this.unavailable);
    this.token ??= this.createToken(signal);
    return this.token;
  }

  private async createToken(signal: AbortSignal | undefined): Promise<SignatureToken> {
    const { options } = this;
    const name = signatureTokenName(options.runStartedAt);
    const expiresAt = expiresAtFrom(options.clock.now(), options.tokenLifetimeHours);
    let body: JsonObject;
    try {
      body = await options.transport.postJson({
        path: `${this.root}/${encodeURIComponent(options.workspace)}/signature_tokens`,
        template: TOKENS_TEMPLATE,
        body: signatureTokenRequest(name, expiresAt),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (isUnavailable(error)) throw this.markUnavailable(error, undefined);
      throw error;
    }
    const token = signatureTokenFrom(body, name, expiresAt);
    if ("missing" in token)
      throw new MalformedResponseError(
        { method: "POST", template: TOKENS_TEMPLATE },
        `no ${token.missing} in the answer`,
      );
    this.created.push(token);
    options.logger.info(
      `Discovery API: created read-only signature token ${token.token} ("${token.name}"), expiring at ` +
        `${token.expiresAt}; deleted when the run ends`,
    );
    return token;
  }

  private get(
    token: SignatureToken,
    path: string,
    query: Record<string, string | number>,
    template: string,
    signal: AbortSignal | undefined,
  ): Promise<JsonObject> {
    return this.options.transport.getJson({
      path,
      query,
      template,
      credential: token,
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /**
   * Where the walk goes after a page: nowhere after an empty page or the last page by the counters (the last page's
   * `next_page` may point at itself: links are clamped), else the `next_page` link, unless it is missing or already
   * read (a reason string, no request made).
   */
  private nextTarget(
    body: JsonObject,
    count: number,
    page: number,
    totalPages: number | undefined,
    base: Record<string, string | number>,
    visited: ReadonlySet<string>,
  ): Target | string | undefined {
    if (count === 0) return undefined;
    if (totalPages !== undefined && page >= totalPages) return undefined;
    const href = nextHref(body);
    if (href === undefined) return "no next_page link";
    const next = this.follow(href, base);
    return visited.has(canonical(next.path, next.query)) ? "next_page points at a page already read" : next;
  }

  /** The next page's URL: the link (root-relative, on Mode's origin) plus the caller's parameters it lacks. */
  private follow(
    href: string,
    base: Record<string, string | number>,
  ): { path: string; query: Record<string, string | number> } {
    const url = new URL(href, this.root);
    const query: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(base)) if (!url.searchParams.has(name)) query[name] = value;
    return { path: url.href, query };
  }

  private markUnavailable(error: ModeApiError, definition: StreamDefinition | undefined): DiscoveryUnavailableError {
    const endpoint = `${error.method} ${error.template}`;
    const status = error.status;
    const outcome = status === undefined ? "" : ` (HTTP ${status})`;
    if (definition !== undefined && this.pagesRead > 0) {
      const message = `Discovery API: ${endpoint} cannot be read${outcome}; stream ${definition.name} is skipped`;
      this.options.logger.warn({ endpoint: error.template, http_status_code: status }, message);
      return new DiscoveryUnavailableError("stream", endpoint, status, message);
    }
    const message =
      `Discovery API unavailable: ${endpoint}${outcome}. The discovery_* streams need an Enterprise ` +
      `workspace with the Discovery API turned on and a workspace admin's API token; they are skipped, everything ` +
      `else syncs`;
    this.options.logger.warn({ endpoint: error.template, http_status_code: status }, message);
    this.unavailable = new DiscoveryUnavailableError("api", endpoint, status, message);
    return this.unavailable;
  }
}

function isUnavailable(error: unknown): error is ModeApiError {
  return error instanceof ApiError && error.status !== undefined && UNAVAILABLE.has(error.status);
}

function itemsOf(body: JsonObject, keys: readonly string[]): JsonObject[] | undefined {
  for (const key of keys) {
    const value = body[key];
    if (Array.isArray(value)) return value.filter(isJsonObject);
  }
  return undefined;
}

function integerOf(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

function nextHref(body: JsonObject): string | undefined {
  const links = body._links;
  const next = isJsonObject(links) ? links.next_page : undefined;
  return isJsonObject(next) && typeof next.href === "string" && next.href !== "" ? next.href : undefined;
}

/** A URL with its query (the link's and the added parameters) sorted: the identity of a page for loop detection. */
function canonical(path: string, query: Readonly<Record<string, string | number>>): string {
  const url = new URL(path);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  url.searchParams.sort();
  return `${url.pathname}?${url.searchParams.toString()}`;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
