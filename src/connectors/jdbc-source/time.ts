/**
 * Timestamps for the JDBC source: an exact instant (epoch nanoseconds), parsing of the databases' text forms,
 * wall-clock conversion in an IANA zone (`db.timezone`) and the Kafka Connect offset form (epoch ms + nanos of
 * second, as `TimestampIncrementingOffset` stores a java.sql.Timestamp).
 */

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;
const MILLIS_PER_DAY = 86_400_000;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** An instant with nanosecond precision. Immutable; compare with `compare`. */
export class SqlTimestamp {
  constructor(readonly epochNanos: bigint) {}

  static fromMillis(ms: number, nanosOfSecond?: number): SqlTimestamp {
    const whole = BigInt(Math.floor(ms));
    if (nanosOfSecond === undefined) return new SqlTimestamp(whole * NANOS_PER_MILLI);
    const seconds = floorDiv(whole, 1000n);
    return new SqlTimestamp(seconds * NANOS_PER_SECOND + BigInt(nanosOfSecond));
  }

  /** Epoch milliseconds, floored (java.sql.Timestamp#getTime). */
  get epochMillis(): number {
    return Number(floorDiv(this.epochNanos, NANOS_PER_MILLI));
  }

  /** Nanoseconds within the second, 0..999,999,999 (java.sql.Timestamp#getNanos). */
  get nanosOfSecond(): number {
    return Number(this.epochNanos - floorDiv(this.epochNanos, NANOS_PER_SECOND) * NANOS_PER_SECOND);
  }

  compare(other: SqlTimestamp): number {
    return this.epochNanos < other.epochNanos ? -1 : this.epochNanos > other.epochNanos ? 1 : 0;
  }

  minusMillis(ms: number): SqlTimestamp {
    return new SqlTimestamp(this.epochNanos - BigInt(ms) * NANOS_PER_MILLI);
  }

  /** Drops precision below 10^-digits seconds (a database that keeps only microseconds compares on those). */
  truncate(digits: number): SqlTimestamp {
    const unit = 10n ** BigInt(9 - digits);
    return new SqlTimestamp(floorDiv(this.epochNanos, unit) * unit);
  }

  /** ISO-8601 UTC: 3 fraction digits, or 6 / 9 when the value needs them ('2024-01-02T03:04:05.123456Z'). */
  toIso(): string {
    const nanos = this.nanosOfSecond;
    const iso = new Date(this.epochMillis).toISOString(); // already right when the value is whole milliseconds
    return nanos % 1_000_000 === 0 ? iso : `${iso.slice(0, -5)}.${fraction(nanos)}Z`;
  }

  toString(): string {
    return this.toIso();
  }
}

/** The shortest of 3, 6 or 9 digits that shows the value exactly. */
function fraction(nanos: number, digits?: number): string {
  const all = String(nanos).padStart(9, '0');
  if (digits !== undefined) return all.slice(0, digits);
  if (nanos % 1_000_000 === 0) return all.slice(0, 3);
  if (nanos % 1_000 === 0) return all.slice(0, 6);
  return all;
}

/** 'YYYY-MM-DD?HH:MM:SS' of a UTC epoch-ms wall clock. */
function wallText(ms: number, separator: string): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z (or ±YYYYYY-… for far years)
  const t = iso.indexOf('T');
  return `${iso.slice(0, t)}${separator}${iso.slice(t + 1, t + 9)}`;
}

// ---- zones ----

const formatters = new Map<string, Intl.DateTimeFormat>();

function isUtc(zone: string): boolean {
  return /^(utc|etc\/utc|gmt|etc\/gmt|z|zulu|universal|etc\/universal|etc\/zulu)$/i.test(zone);
}

/** Offset of `zone` from UTC at the instant `ms`, in ms (Paris in winter: +3,600,000). */
export function zoneOffsetMillis(ms: number, zone: string): number {
  if (isUtc(zone)) return 0;
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const wall = utcMillis(year, Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const secondFloor = Math.floor(ms / 1000) * 1000;
  return wall - secondFloor;
}

function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, years 0..99 stay themselves
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** The instant a wall clock in `zone` shows (the earlier one in a DST overlap). */
function wallToEpochMillis(wallMs: number, zone: string): number {
  if (isUtc(zone)) return wallMs;
  const first = zoneOffsetMillis(wallMs, zone);
  const guess = wallMs - first;
  const second = zoneOffsetMillis(guess, zone);
  return second === first ? guess : wallMs - second;
}

// ---- parsing and formatting ----

const WALL_CLOCK =
  /^(\d{4,})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Parses '2024-01-02 03:04:05.123456', an ISO-8601 'T' form, a date alone, with an optional 'Z' / '+05:30' /
 * '+05' suffix (PostgreSQL timestamptz). Without a suffix the wall clock is read in `zone`. Returns undefined for
 * anything else ('infinity', '0000-00-00 00:00:00', BC dates), which callers keep as text.
 */
export function parseTimestamp(text: string, zone: string): SqlTimestamp | undefined {
  const m = WALL_CLOCK.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const wall = utcMillis(Number(y), month, day, hour, Number(mi), Number(s));
  let epochMs: number;
  if (offset === undefined) {
    epochMs = wallToEpochMillis(wall, zone);
  } else if (offset.toUpperCase() === 'Z') {
    epochMs = wall;
  } else {
    const digits = offset.replace(/:/g, '');
    const sign = digits.startsWith('-') ? -1 : 1;
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5) || '0');
    const os = Number(digits.slice(5, 7) || '0');
    epochMs = wall - sign * ((oh * 60 + om) * 60 + os) * 1000;
  }
  const nanos = BigInt((frac + '000000000').slice(0, 9));
  return new SqlTimestamp(BigInt(epochMs) * NANOS_PER_MILLI + nanos);
}

/** 'YYYY-MM-DD HH:MM:SS.fff…' (digits fraction digits) as a wall clock in `zone`: how timestamps are bound. */
export function formatWallClock(ts: SqlTimestamp, zone: string, digits: number): string {
  const ms = ts.epochMillis;
  const wall = ms + zoneOffsetMillis(ms, zone);
  const base = wallText(wall, ' ');
  return digits > 0 ? `${base}.${fraction(ts.nanosOfSecond, digits)}` : base;
}

/** ISO_LOCAL_DATE_TIME in `zone` with exactly `digits` fraction digits (Confluent's *_iso_datetime_string). */
export function formatIsoLocal(ts: SqlTimestamp, zone: string, digits: number): string {
  const ms = ts.epochMillis;
  return `${wallText(ms + zoneOffsetMillis(ms, zone), 'T')}.${fraction(ts.nanosOfSecond, digits)}`;
}

/** Days since 1970-01-01 of 'YYYY-MM-DD' (Kafka Connect's Date logical type), or undefined. */
export function epochDays(date: string): number | undefined {
  const m = /^(\d{4,})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!m) return undefined;
  return Math.floor(utcMillis(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0) / MILLIS_PER_DAY);
}

/** Milliseconds since midnight of 'HH:MM:SS[.fff…]' (Kafka Connect's Time logical type), or undefined. */
export function millisOfDay(time: string): number | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(time.trim());
  if (!m) return undefined;
  const ms = Number(((m[4] ?? '') + '000').slice(0, 3));
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + ms;
}

/** A decimal epoch-seconds text ('1700000000.123456', MySQL UNIX_TIMESTAMP(NOW(6))) as an instant. */
export function fromEpochSecondsText(text: string): SqlTimestamp {
  const [whole = '0', frac = ''] = text.trim().split('.');
  const negative = whole.startsWith('-');
  const nanos = BigInt((frac + '000000000').slice(0, 9));
  const seconds = BigInt(whole);
  return new SqlTimestamp(seconds * NANOS_PER_SECOND + (negative ? -nanos : nanos));
}

/** Julian day number (SQLite's REAL date form) as an instant, to the millisecond. */
export function fromJulianDay(jd: number): SqlTimestamp {
  return SqlTimestamp.fromMillis(Math.round((jd - 2440587.5) * MILLIS_PER_DAY));
}
