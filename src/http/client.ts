import type { Readable } from "node:stream";
import { Agent, type Dispatcher } from "undici";
import { systemClock, type Clock } from "../clock.js";
import { isJsonObject, parseJsonLossless, type JsonObject, type JsonValue } from "../json.js";
import type { Logger } from "../log.js";
import { basicAuthHeader } from "./auth.js";
import { assertDecodable, decodeBuffer, decodedStream, readAll, UnsupportedEncodingError } from "./body.js";
import { FatalApiError, type ApiErrorDetails } from "./errors.js";
import { collect } from "./collect.js";
import { paginate } from "./paginate.js";
import { RateLimiter } from "./rate-limiter.js";
import { RequestMetrics } from "./request-metrics.js";
import { Retrying } from "./retrying.js";
import { headerValue, type ResponseHeaders } from "./retry-policy.js";
import type { HttpStats, ModeClientOptions, Page, PageRequest, RequestSpec } from "./types.js";

export type { HttpStats, ModeClientOptions, Page, PageRequest, RequestSpec } from "./types.js";

type Method = "GET" | "POST" | "DELETE";

/** A streamed response (result downloads). */
export interface StreamResponse {
  readonly body: Readable;
  readonly contentType: string;
  readonly status: number;
}

const DEFAULT_MAX_BACKOFF_MS = 60_000;

/** A path that needs no URL parsing: no scheme, query, fragment, dot segment or character to escape. */
const PLAIN_PATH = /^[A-Za-z0-9\-._~%/]*$/;
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/** `a=1&b=x%20y`, as URLSearchParams writes it; undefined values are left out. */
function queryString(query: RequestSpec["query"]): string {
  if (query === undefined) return "";
  const params = new URLSearchParams();
  for (const name in query) {
    const value = query[name];
    if (value !== undefined) params.append(name, String(value));
  }
  return params.toString();
}

/**
 * The Mode API client: transport (undici), Basic auth and decoding. The retry loop (retrying.ts), the rate limiter
 * (rate-limiter.ts) and the request metrics (request-metrics.ts) are composed here, each in its own module.
 * Knows nothing of Singer.
 */
export class ModeClient {
  private readonly base: URL;
  private readonly basePath: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly limiter: RateLimiter;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly authorization: string;
  private readonly options: ModeClientOptions;
  private readonly retrying: Retrying;
  /** Request counts and the per-endpoint METRIC lines (`request_metrics`); the progress reporter flushes them. */
  readonly metrics: RequestMetrics;

  constructor(options: ModeClientOptions) {
    this.options = options;
    this.base = new URL(options.baseUrl);
    this.basePath = this.base.pathname.replace(/\/+$/, "");
    this.clock = options.clock ?? systemClock();
    this.logger = options.logger;
    this.authorization = basicAuthHeader(options.apiToken, options.apiSecret);
    const maxConcurrent = options.rateLimit.maxConcurrent ?? 8;
    this.limiter = new RateLimiter({
      ...options.rateLimit,
      maxConcurrent,
      firstRequestAlone: true,
      clock: this.clock,
      logger: options.logger,
    });
    this.metrics = new RequestMetrics(options.logger, options.requestMetrics);
    this.retrying = new Retrying({
      maxRetries: options.maxRetries,
      maxBackoffMs: options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
      rateLimitWindowMs: options.rateLimit.windowMs,
      limiter: this.limiter,
      metrics: this.metrics,
      clock: this.clock,
      random: options.random ?? Math.random,
      logger: options.logger,
      host: this.base.host,
      redact: (text, extra) => this.redact(text, extra),
    });
    this.ownsDispatcher = options.dispatcher === undefined;
    // One keep-alive pool per origin (an Agent keeps a Pool per origin), as many sockets as requests in flight.
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connections: maxConcurrent,
        headersTimeout: options.requestTimeoutMs,
        bodyTimeout: options.requestTimeoutMs,
      });
  }

  /** GET a JSON object. Retries per the retry policy; throws a ModeApiError subclass. */
  getJson(spec: RequestSpec): Promise<JsonObject> {
    return this.requestJson("GET", spec, undefined);
  }

  /** POST a JSON body (e.g. `POST .../runs`, answered 202). Ambiguous failures are not retried. */
  postJson(spec: RequestSpec & { readonly body: JsonValue }): Promise<JsonObject> {
    return this.requestJson("POST", spec, JSON.stringify(spec.body));
  }

  /** DELETE, answered with a JSON object (the Discovery API's signature tokens). Ambiguous failures are not retried. */
  deleteJson(spec: RequestSpec): Promise<JsonObject> {
    return this.requestJson("DELETE", spec, undefined);
  }

  /**
   * GET a body as a stream (result downloads, `content.csv` / `content.json`), gzip decoded.
   * Retried only until the headers of a 2xx arrive; a failure while streaming reaches the caller
   * as a stream error.
   */
  getStream(spec: RequestSpec & { readonly accept?: string }): Promise<StreamResponse> {
    return this.retrying.run("GET", spec, async (signal) => {
      const started = this.clock.now();
      const response = await this.send("GET", spec, spec.accept ?? "*/*", undefined, signal);
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        const encoding = headerValue(response.headers, "content-encoding");
        try {
          assertDecodable(encoding);
        } catch (error) {
          response.body.destroy();
          if (error instanceof UnsupportedEncodingError)
            return {
              status,
              headers: response.headers,
              malformed: error.message,
              durationMs: this.clock.now() - started,
            };
          throw error;
        }
        const body = decodedStream(response.body, encoding, this.metrics.countBytes);
        const value: StreamResponse = {
          body,
          contentType: headerValue(response.headers, "content-type") ?? "",
          status,
        };
        return { status, headers: response.headers, value, durationMs: this.clock.now() - started };
      }
      const errorBody = await this.readErrorBody(response);
      return { status, headers: response.headers, errorBody, durationMs: this.clock.now() - started };
    });
  }

  /** Walks a list page by page; see paginate.ts. Breaking out of `for await` stops paging. */
  paginate(request: PageRequest): AsyncGenerator<Page, void, undefined> {
    return paginate(this, request, this.logger);
  }

  /** The root-relative path a request path resolves to (`/acme/x` -> `/api/acme/x`). */
  resolvePath(path: string): string {
    return this.resolve(path, undefined, { method: "GET", template: path }).path;
  }

  /** Totals for the end-of-run summary (a copy). */
  stats(): HttpStats {
    return this.metrics.stats(this.limiter.stats().waitMs);
  }

  /** Drops queued requests and closes the connection pool (when the client created it). */
  async close(): Promise<void> {
    await this.limiter.stop();
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private requestJson(method: Method, spec: RequestSpec, body: string | undefined): Promise<JsonObject> {
    return this.retrying.run(method, spec, async (signal) => {
      const started = this.clock.now();
      const response = await collect(
        this.dispatcher,
        this.dispatchOptions(method, spec, "application/hal+json", body),
        signal,
        this.metrics.countBytes,
      );
      const { statusCode: status, headers } = response;
      if (status < 200 || status >= 300) {
        const errorBody = await this.errorBodyOf(response.body, headers);
        return { status, headers, errorBody, durationMs: this.clock.now() - started };
      }
      let text: string;
      try {
        const encoding = headerValue(headers, "content-encoding");
        text = (encoding === undefined ? response.body : await decodeBuffer(response.body, encoding)).toString("utf8");
      } catch (error) {
        if (error instanceof UnsupportedEncodingError)
          return { status, headers, malformed: error.message, durationMs: this.clock.now() - started };
        // A truncated gzip stream: the body did not arrive whole.
        return { status, headers, bodyValid: false, durationMs: this.clock.now() - started };
      }
      // 202/204 may come without a body (docs/mode-api.md §10: the status of POST .../runs is not pinned down).
      if ((status === 202 || status === 204) && text.trim() === "")
        return { status, headers, value: {}, durationMs: this.clock.now() - started };
      let parsed: JsonValue;
      try {
        parsed = parseJsonLossless(text);
      } catch {
        // Truncated JSON, or an HTML page from a proxy answering 200 (docs/mode-api.md §6.2).
        return { status, headers, bodyValid: false, durationMs: this.clock.now() - started };
      }
      if (!isJsonObject(parsed))
        return { status, headers, malformed: "body is not a JSON object", durationMs: this.clock.now() - started };
      return { status, headers, value: parsed, durationMs: this.clock.now() - started };
    });
  }

  private send(
    method: Method,
    spec: RequestSpec,
    accept: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    return this.dispatcher.request({
      ...this.dispatchOptions(method, spec, accept, body),
      ...(signal === undefined ? {} : { signal }),
    });
  }

  private dispatchOptions(
    method: Method,
    spec: RequestSpec,
    accept: string,
    body: string | undefined,
  ): Dispatcher.DispatchOptions {
    const target = this.resolve(spec.path, spec.query, { method, template: spec.template });
    const headers: Record<string, string> = {
      authorization: spec.credential?.authorization ?? this.authorization,
      accept,
      "accept-encoding": "gzip",
      "user-agent": this.options.userAgent,
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    return {
      origin: target.origin,
      path: target.path,
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      headersTimeout: this.options.requestTimeoutMs,
      bodyTimeout: this.options.requestTimeoutMs,
    };
  }

  /**
   * Resolves a request path. HAL links are root-relative (`/api/acme/spaces?page=2`, docs/mode-api.md §2.1) and
   * resolve against the base origin; other paths are relative to baseUrl. Credentials go to the base origin only. Plain
   * paths built from tokens (the common case, once per request) are joined as strings; anything else goes through
   * WHATWG URL parsing.
   */
  private resolve(
    path: string,
    query: RequestSpec["query"],
    details: ApiErrorDetails,
  ): { origin: string; path: string } {
    let url: URL;
    if (/^https?:\/\//i.test(path)) {
      url = new URL(path);
      if (url.origin !== this.base.origin)
        throw new FatalApiError(details, "refusing to send credentials to a link on another origin");
    } else {
      const rooted = path.startsWith("/") ? path : `/${path}`;
      const isHref =
        this.basePath !== "" &&
        (rooted === this.basePath || rooted.startsWith(`${this.basePath}/`) || rooted.startsWith(`${this.basePath}?`));
      const joined = isHref ? rooted : `${this.basePath}${rooted}`;
      if (PLAIN_PATH.test(joined) && !DOT_SEGMENT.test(joined)) {
        const search = queryString(query);
        return { origin: this.base.origin, path: search === "" ? joined : `${joined}?${search}` };
      }
      url = new URL(joined, this.base.origin);
    }
    for (const [name, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    return { origin: url.origin, path: `${url.pathname}${url.search}` };
  }

  /** Mode's error body, if the non-2xx answer carries JSON (502 pages are HTML, docs/mode-api.md §6.2). */
  private async errorBodyOf(raw: Buffer, headers: ResponseHeaders): Promise<JsonValue | undefined> {
    try {
      const encoding = headerValue(headers, "content-encoding");
      return parseJsonLossless((encoding === undefined ? raw : await decodeBuffer(raw, encoding)).toString("utf8"));
    } catch {
      return undefined;
    }
  }

  private async readErrorBody(response: Dispatcher.ResponseData): Promise<JsonValue | undefined> {
    try {
      return await this.errorBodyOf(await readAll(response.body, this.metrics.countBytes), response.headers);
    } catch {
      return undefined;
    }
  }

  /**
   * Error text comes from the server; a proxy or debug page that echoes request headers would
   * otherwise carry the credential into an error message. `extra`: a request's own credential secrets (the
   * Discovery API's signature token parts and Bearer value, RequestSpec.credential).
   */
  private redact(text: string, extra: readonly string[] = []): string {
    const secrets = [
      this.authorization.slice("Basic ".length),
      this.options.apiToken,
      this.options.apiSecret,
      ...extra,
    ].filter((s) => s.length >= 4);
    return secrets.reduce((acc, secret) => acc.split(secret).join("[REDACTED]"), text);
  }
}
