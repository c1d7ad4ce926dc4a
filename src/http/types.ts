import type { Dispatcher } from "undici";
import type { Clock } from "../clock.js";
import type { JsonObject } from "../json.js";
import type { Logger } from "../log.js";
import type { RequestMetricsMode } from "./request-metrics.js";

/** Options of {@link ModeClient}. */
export interface ModeClientOptions {
  /** e.g. "https://app.mode.com/api" or "http://127.0.0.1:4567/api" (no trailing slash). */
  readonly baseUrl: string;
  readonly apiToken: string;
  readonly apiSecret: string;
  readonly userAgent: string;
  /** Headers timeout and body (idle) timeout of every request. */
  readonly requestTimeoutMs: number;
  /** Client-side budget: Mode allows about 40 requests per 10 s per token (docs/mode-api.md §6.1). */
  readonly rateLimit: { readonly requests: number; readonly windowMs: number; readonly maxConcurrent?: number };
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly logger: Logger;
  /** Default: systemClock(). */
  readonly clock?: Clock;
  /** Jitter source in [0, 1). Default: Math.random. */
  readonly random?: () => number;
  /** undici dispatcher (tests, proxies). Default: one keep-alive Agent, a pool per origin. */
  readonly dispatcher?: Dispatcher;
  /** Per-attempt backoff cap. Default 60 000 ms. */
  readonly maxBackoffMs?: number;
  /** How request metrics are logged (setting `request_metrics`). Default "summary". */
  readonly requestMetrics?: RequestMetricsMode;
}

/** One API call. */
export interface RequestSpec {
  /** Relative to baseUrl ("/acme/spaces") or a HAL href from a body ("/api/acme/spaces?page=2"). */
  readonly path: string;
  /** Path template for logs, metrics and errors: "/{workspace}/spaces". */
  readonly template: string;
  /** Query parameters; undefined values are left out. They override the same names in `path`. */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Aborting stops the request, its retries and its waits promptly (used on SIGTERM). */
  readonly signal?: AbortSignal;
  /**
   * Another credential for this request instead of the client's Basic one (the Discovery API's Bearer signature
   * token, docs/discovery.md). `secrets` are scrubbed from error text like the client's own credentials.
   */
  readonly credential?: { readonly authorization: string; readonly secrets: readonly string[] };
}

/** A paged list walk. */
export interface PageRequest extends RequestSpec {
  /** `_embedded` key holding the items, e.g. "reports" (datasets also use "reports"). */
  readonly embeddedKey: string;
  /**
   * For lists with neither `_links.next_page` nor a `pagination` block: true asks page+1 until an
   * empty page (or a page with nothing new), false makes one request (docs/mode-api.md §2.4).
   */
  readonly paged: boolean;
  /** Sent as `per_page` when given: the largest page size the endpoint honours. */
  readonly perPage?: number;
  /** Default "page". "next_token" for cursor lists (audit logs, docs/mode-api.md §3.15). */
  readonly cursor?: "page" | "next_token";
}

/** One page of a list walk. */
export interface Page {
  readonly items: readonly JsonObject[];
  /** The whole response (links, pagination). */
  readonly body: JsonObject;
  /** 1-based index of this page in the walk. */
  readonly pageNumber: number;
  /** `pagination.total_count` when present (progress estimates). */
  readonly totalCount?: number;
  readonly totalPages?: number;
}

/** Totals for the end-of-run summary. */
export interface HttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
  /** Response bytes as received on the wire (before gzip decoding). */
  bytes: number;
  rateLimitWaitMs: number;
  byTemplate: Record<string, { requests: number; statuses: Record<string, number> }>;
}
