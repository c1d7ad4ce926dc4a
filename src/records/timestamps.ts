/**
 * Timestamps in the one form the tap writes: RFC 3339 UTC with exactly three fraction digits and `Z`
 * (`2021-12-10T20:55:24.316Z`, the form of `isoUtc` in src/clock.ts). Mode mostly sends that already, but schedules
 * use an offset (`2020-04-06T20:00:00.000+00:00`) and audit logs microseconds (`…37.000000Z`)
 * (docs/mode-api.md §2.3). Extra fraction digits are truncated, never rounded, so a value never moves forward in time.
 */

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * The canonical UTC form of an ISO 8601 / RFC 3339 date-time, or `undefined` when `value` is not one (the caller keeps
 * the original so validation reports it). A value without a zone is read as UTC, as the Meltano SDK does
 * (docs/singer-notes.md §3.10).
 */
export function canonicalTimestamp(value: string): string | undefined {
  if (CANONICAL.test(value)) return value;
  const m = RFC3339.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, , sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  date.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  let ms = date.getTime();
  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetMinutes = Number(om);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    ms -= (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  if (!Number.isFinite(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  // Years outside 0000-9999 print as ±YYYYYY, which is not RFC 3339.
  return iso.length === 24 ? iso : undefined;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
