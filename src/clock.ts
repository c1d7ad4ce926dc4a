/**
 * Time as an injectable dependency, so rate limits, retries, polling and STATE intervals can be
 * tested in milliseconds (docs/house-style.md §8: time comes from an injected clock, so time-based behaviour tests
 * fast).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds (or earlier when `signal` aborts, rejecting with its reason). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: Date.now and setTimeout. */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const timer = setTimeout(
          () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
          Math.max(0, ms),
        );
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
}

/** ISO 8601 / RFC 3339 UTC with milliseconds, the form every timestamp the tap writes takes. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
