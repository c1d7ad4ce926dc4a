/**
 * Generated time: every generated timestamp lies in [HISTORY_START, HISTORY_END + a few days], all
 * before 2026-06-01, so bodies never depend on the wall clock (two simulators with one seed agree).
 */
export const HISTORY_START = Date.UTC(2019, 0, 15);
export const HISTORY_END = Date.UTC(2026, 4, 20);
/** Every generated timestamp is earlier than this; mutations and POSTed runs come later. */
export const GENERATED_BEFORE = Date.UTC(2026, 5, 1);
/** Audit logs exist since the endpoint was added (swagger commit of 2025-02, mode-api §3.15). */
export const AUDIT_START = Date.UTC(2025, 1, 18);

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** `2021-11-30T19:52:16.996Z`: Mode's usual form (mode-api §2.3). */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2020-04-06T20:00:00.000+00:00`: the form of schedules' last/next scheduled run (mode-api §2.3). */
export function isoOffset(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/** `2025-02-18T10:47:37.000000Z`: audit logs carry microseconds (swagger `AuditLog.timestamp`, mode-api §2.3). */
export function isoMicros(ms: number, micros: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros % 1000).padStart(3, "0")}Z`;
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : isoMs(ms);
}

/**
 * Strictly increasing "now" for mutations and POSTed runs: max(clock, last issued + 1 ms). Generated
 * history ends before 2026-06-01, so anything issued later sorts after it even if the clock is behind.
 */
export interface MonotonicNow {
  next(): number;
  /** Records a timestamp already used, so later ones come after it. */
  observe(ms: number): void;
}

export function createMonotonicNow(clockNow: () => number, floor: number): MonotonicNow {
  let last = floor;
  return {
    next: () => {
      last = Math.max(clockNow(), last + 1);
      return last;
    },
    observe: (ms) => {
      if (ms > last) last = ms;
    },
  };
}
