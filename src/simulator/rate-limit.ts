/**
 * Mode's limit is "approximately 40 requests every 10 seconds ... per username" (docs/mode-api.md §6.1), and
 * DataGrail describes it as a leaky bucket. Each token has a bucket of `limit` that drains at
 * limit/window per ms; a request arriving when the bucket is full is refused (and not added).
 */
export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests that would still be accepted right now. */
  readonly remaining: number;
  /** Seconds until one request fits again (0 when allowed). */
  readonly retryAfterSeconds: number;
}

interface Bucket {
  level: number;
  at: number;
}

export class LeakyBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly drainPerMs: number;

  constructor(
    private readonly limit: number,
    windowMs: number,
    private readonly now: () => number,
  ) {
    this.drainPerMs = limit / windowMs;
  }

  private drained(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { level: 0, at: now };
    bucket.level = Math.max(0, bucket.level - (now - bucket.at) * this.drainPerMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Measures one arrival for `key`. */
  take(key: string): RateDecision {
    const bucket = this.drained(key);
    // A tiny epsilon keeps float drift from refusing the request that exactly fits.
    if (bucket.level + 1 > this.limit + 1e-9) {
      // Whole milliseconds first, so float noise (1000.0000001 ms) does not round a second up.
      const waitMs = Math.ceil((bucket.level + 1 - this.limit) / this.drainPerMs - 1e-6);
      return {
        allowed: false,
        limit: this.limit,
        remaining: 0,
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      };
    }
    bucket.level += 1;
    return {
      allowed: true,
      limit: this.limit,
      remaining: Math.max(0, Math.floor(this.limit - bucket.level + 1e-9)),
      retryAfterSeconds: 0,
    };
  }

  /** The headers' view for a response that did not consume a slot. */
  peek(key: string): RateDecision {
    const bucket = this.drained(key);
    return {
      allowed: bucket.level + 1 <= this.limit + 1e-9,
      limit: this.limit,
      remaining: Math.max(0, Math.floor(this.limit - bucket.level + 1e-9)),
      retryAfterSeconds: 0,
    };
  }
}
