/**
 * FHIR dates as the instant ranges they stand for (R4 search §2.1.1.5.8: "2026-06" is the whole
 * month). Ranges are closed, at millisecond resolution: `2026-06` is
 * [2026-06-01T00:00:00.000Z, 2026-06-30T23:59:59.999Z]. A value without a time zone (a date, or a
 * search value such as `2026-06-01T10:00`) is taken as UTC, on both sides of the comparison.
 * Open ends (a Period without start or end) are `-infinity` / `infinity`, as PostgreSQL writes them.
 */

export const NEGATIVE_INFINITY = '-infinity';
export const POSITIVE_INFINITY = 'infinity';

/** Closed range of instants: ISO strings (`…Z`), or the infinities for open ends. */
export interface DateRange {
  readonly start: string;
  readonly end: string;
}

export type DatePrecision = 'year' | 'month' | 'day' | 'minute' | 'second' | 'millisecond';

/** A parsed date: its range, in ISO strings and in epoch milliseconds. */
export interface ParsedDate {
  readonly precision: DatePrecision;
  readonly range: DateRange;
  readonly startMs: number;
  readonly endMs: number;
  /** Whether the value said its time zone (`Z` or `±hh:mm`). */
  readonly hasTimeZone: boolean;
}

const DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000; // 400 years

/** Epoch ms of a UTC date-time (month 1–12; overflowing fields roll over, as with Date.UTC). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  // Date.UTC reads years 0–99 as 1900–1999: shift by one 400-year Gregorian cycle instead.
  return Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - GREGORIAN_CYCLE_MS;
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 1) - 1).getUTCDate();
}

/** The ISO form of an instant: `2026-06-01T00:00:00.000Z` (a 4-digit year when it has one). */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * Parses a FHIR date, dateTime or instant, or a search date (which may also stop at the minute:
 * `2026-06-01T10:00`), into the range it covers; `undefined` when it is not a valid date.
 */
export function parseDate(value: string): ParsedDate | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  if (year < 1) return undefined;
  const month = mo === undefined ? 1 : Number(mo);
  if (month < 1 || month > 12) return undefined;
  const day = d === undefined ? 1 : Number(d);
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if (mo === undefined) {
    const start = utc(year, 1, 1);
    return finish('year', start, utc(year + 1, 1, 1) - 1, false);
  }
  if (d === undefined) {
    const start = utc(year, month, 1);
    const next = month === 12 ? utc(year + 1, 1, 1) : utc(year, month + 1, 1);
    return finish('month', start, next - 1, false);
  }
  if (h === undefined || mi === undefined) {
    if (zone !== undefined) return undefined;
    const start = utc(year, month, day);
    return finish('day', start, start + 86_400_000 - 1, false);
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const offset = offsetMinutes(zone);
  if (offset === undefined) return undefined;
  const base = utc(year, month, day, hour, minute, second) - offset * 60_000;
  if (s === undefined) return finish('minute', base, base + 60_000 - 1, zone !== undefined);
  if (frac === undefined) return finish('second', base, base + 1000 - 1, zone !== undefined);
  const digits = frac.length;
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const width = digits >= 3 ? 1 : 10 ** (3 - digits);
  return finish('millisecond', base + ms, base + ms + width - 1, zone !== undefined);
}

function finish(precision: DatePrecision, startMs: number, endMs: number, hasTimeZone: boolean): ParsedDate {
  return {
    precision,
    range: { start: isoInstant(startMs), end: isoInstant(endMs) },
    startMs,
    endMs,
    hasTimeZone,
  };
}

/** Epoch ms of a range bound; the infinities map to ±Infinity. */
export function boundMs(bound: string): number {
  if (bound === NEGATIVE_INFINITY) return -Infinity;
  if (bound === POSITIVE_INFINITY) return Infinity;
  return Date.parse(bound);
}
