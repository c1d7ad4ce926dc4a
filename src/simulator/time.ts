/**
 * Generated time: every generated timestamp lies in [HISTORY_START, HISTORY_END + a few days], all
 * before 2026-06-01, so bodies never depend on the wall clock (two simulators with one seed agree).
 */
export const HISTORY_START = Date.UTC(2019, 0, 15);
export const HISTORY_END = Date.UTC(2026, 4, 20);
/** Every generated timestamp is earlier than this; mutations and POSTed runs come later. */
export const GENERATED_BEFORE = Date.UTC(2026, 5, 1);
/** Audit logs exist since the endpoint was added (swagger commit of 2025-02, docs/mode-api.md §3.15). */
export const AUDIT_START = Date.UTC(2025, 1, 18);

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// 10000-01-01T00:00:00.000Z: the fast path below covers years 1970..9999, `toISOString` the rest.
const YEAR_10000 = 253_402_300_800_000;
const ZERO = 48;
const [DASH, COLON, DOT, T, Z] = ["-", ":", ".", "T", "Z"].map((c) => c.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
  number,
];

/**
 * `2021-11-30T19:52:16.996Z`: Mode's usual form (docs/mode-api.md §2.3). Every body carries dozens of these,
 * so the common case is computed by arithmetic (days to civil date, H. Hinnant's algorithm) rather
 * than through a `Date`; the output is exactly `new Date(ms).toISOString()`.
 */
export function isoMs(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY);
  let rest = ms - days * DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / HOUR);
  rest -= hours * HOUR;
  const minutes = Math.floor(rest / MINUTE);
  rest -= minutes * MINUTE;
  const seconds = Math.floor(rest / SECOND);
  const millis = rest - seconds * SECOND;
  // One flat string from character codes: a template literal would be a rope of a dozen pieces
  // that JSON.stringify then has to flatten.
  return String.fromCharCode(
    ZERO + Math.floor(year / 1000),
    ZERO + (Math.floor(year / 100) % 10),
    ZERO + (Math.floor(year / 10) % 10),
    ZERO + (year % 10),
    DASH,
    ZERO + Math.floor(month / 10),
    ZERO + (month % 10),
    DASH,
    ZERO + Math.floor(day / 10),
    ZERO + (day % 10),
    T,
    ZERO + Math.floor(hours / 10),
    ZERO + (hours % 10),
    COLON,
    ZERO + Math.floor(minutes / 10),
    ZERO + (minutes % 10),
    COLON,
    ZERO + Math.floor(seconds / 10),
    ZERO + (seconds % 10),
    DOT,
    ZERO + Math.floor(millis / 100),
    ZERO + (Math.floor(millis / 10) % 10),
    ZERO + (millis % 10),
    Z,
  );
}

/** `2020-04-06T20:00:00.000+00:00`: the form of schedules' last/next scheduled run (docs/mode-api.md §2.3). */
export function isoOffset(ms: number): string {
  return isoMs(ms).replace("Z", "+00:00");
}

/**
 * `2025-02-18T10:47:37.000000Z`: audit logs carry microseconds (swagger `AuditLog.timestamp`, docs/mode-api.md §2.3).
 */
export function isoMicros(ms: number, micros: number): string {
  return `${isoMs(ms).slice(0, 23)}${String(micros % 1000).padStart(3, "0")}Z`;
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
