/**
 * Timestamps for the JDBC source: an exact instant (epoch nanoseconds), parsing of the databases' text forms,
 * wall-clock conversion in an IANA zone (`db.timezone`) and the Kafka Connect offset form (epoch ms + nanos of
 * second, as `TimestampIncrementingOffset` stores a java.sql.Timestamp).
 */

const NANOS_PER_SECOND = 1_000_000_000n;
const MILLIS_PER_DAY = 86_400_000;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * An instant with nanosecond precision. Immutable; compare with `compare`. Kept as whole epoch seconds and the
 * nanoseconds within that second, both plain numbers: every row's timestamp passes through here, and bigint
 * arithmetic (allocating) was a third of the cost of reading a row.
 */
export class SqlTimestamp {
  /** Floored epoch seconds, and 0..999,999,999 nanoseconds within that second. */
  private constructor(
    private readonly seconds: number,
    private readonly nanos: number,
  ) {}

  /** seconds + nanos, nanos brought into 0..999,999,999. */
  static of(seconds: number, nanos: number): SqlTimestamp {
    const carry = Math.floor(nanos / 1e9);
    return new SqlTimestamp(seconds + carry, nanos - carry * 1e9);
  }

  static fromNanos(epochNanos: bigint): SqlTimestamp {
    const seconds = floorDiv(epochNanos, NANOS_PER_SECOND);
    return new SqlTimestamp(Number(seconds), Number(epochNanos - seconds * NANOS_PER_SECOND));
  }

  static fromMillis(ms: number, nanosOfSecond?: number): SqlTimestamp {
    const whole = Math.floor(ms);
    const seconds = Math.floor(whole / 1000);
    return new SqlTimestamp(seconds, nanosOfSecond ?? (whole - seconds * 1000) * 1_000_000);
  }

  get epochNanos(): bigint {
    return BigInt(this.seconds) * NANOS_PER_SECOND + BigInt(this.nanos);
  }

  /** Epoch milliseconds, floored (java.sql.Timestamp#getTime). */
  get epochMillis(): number {
    return this.seconds * 1000 + Math.floor(this.nanos / 1_000_000);
  }

  /** Nanoseconds within the second, 0..999,999,999 (java.sql.Timestamp#getNanos). */
  get nanosOfSecond(): number {
    return this.nanos;
  }

  compare(other: SqlTimestamp): number {
    if (this.seconds !== other.seconds) return this.seconds < other.seconds ? -1 : 1;
    return this.nanos < other.nanos ? -1 : this.nanos > other.nanos ? 1 : 0;
  }

  minusMillis(ms: number): SqlTimestamp {
    const whole = Math.trunc(ms);
    const seconds = Math.floor(whole / 1000);
    return SqlTimestamp.of(this.seconds - seconds, this.nanos - (whole - seconds * 1000) * 1_000_000);
  }

  /** Drops precision below 10^-digits seconds (a database that keeps only microseconds compares on those). */
  truncate(digits: number): SqlTimestamp {
    const unit = 10 ** (9 - digits);
    return new SqlTimestamp(this.seconds, Math.floor(this.nanos / unit) * unit);
  }

  /** ISO-8601 UTC: 3 fraction digits, or 6 / 9 when the value needs them ('2024-01-02T03:04:05.123456Z'). */
  toIso(): string {
    const nanos = this.nanosOfSecond;
    const iso = isoMillis(this.epochMillis); // already right when the value is whole milliseconds
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

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * Date#toISOString of epoch ms without making a Date: three times faster, and it runs once per timestamp cell.
 * Days to civil date as in H. Hinnant's chrono algorithms; years outside 1000..9999 are left to Date.
 */
export function isoMillis(ms: number): string {
  const days = Math.floor(ms / MILLIS_PER_DAY);
  let rem = ms - days * MILLIS_PER_DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (!Number.isFinite(ms) || year < 1000 || year > 9999) return new Date(ms).toISOString();
  const hour = Math.floor(rem / 3_600_000);
  rem -= hour * 3_600_000;
  const minute = Math.floor(rem / 60_000);
  rem -= minute * 60_000;
  const second = Math.floor(rem / 1000);
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(rem - second * 1000)}Z`;
}

/** 'YYYY-MM-DD?HH:MM:SS' of a UTC epoch-ms wall clock. */
function wallText(ms: number, separator: string): string {
  const iso = isoMillis(ms); // 2024-01-02T03:04:05.678Z (or ±YYYYYY-… for far years)
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

/** A timestamp text taken apart; offsetSeconds undefined = no zone given (read in the configured zone). */
interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offsetSeconds: number | undefined;
}

/**
 * Parses '2024-01-02 03:04:05.123456', an ISO-8601 'T' form, a date alone, with an optional 'Z' / '+05:30' /
 * '+05' suffix (PostgreSQL timestamptz). Without a suffix the wall clock is read in `zone`. Returns undefined for
 * anything else ('infinity', '0000-00-00 00:00:00', BC dates), which callers keep as text.
 */
export function parseTimestamp(text: string, zone: string): SqlTimestamp | undefined {
  const p = quickParts(text) ?? regexParts(text);
  if (!p) return undefined;
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31 || p.hour > 24 || p.minute > 59 || p.second > 60) return undefined;
  const wall = utcMillis(p.year, p.month, p.day, p.hour, p.minute, p.second);
  const epochMs = p.offsetSeconds === undefined ? wallToEpochMillis(wall, zone) : wall - p.offsetSeconds * 1000;
  // epochMs is whole seconds: the fraction comes separately, to the nanosecond.
  return SqlTimestamp.of(Math.floor(epochMs / 1000), p.nanos);
}

export function regexParts(text: string): WallParts | undefined {
  const m = WALL_CLOCK.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = m;
  let offsetSeconds: number | undefined;
  if (offset !== undefined) {
    if (offset.toUpperCase() === 'Z') offsetSeconds = 0;
    else {
      const digits = offset.replace(/:/g, '');
      const sign = digits.startsWith('-') ? -1 : 1;
      offsetSeconds = sign * ((Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0')) * 60 + Number(digits.slice(5, 7) || '0'));
    }
  }
  const nanos = Number((frac + '000000000').slice(0, 9));
  return { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), nanos, offsetSeconds };
}

/**
 * The form databases print — 'YYYY-MM-DD HH:MM:SS[.f…][Z|±HH[:MM]]' — read without a regular expression (once per
 * timestamp cell, so it matters); anything else is left to regexParts.
 */
export function quickParts(t: string): WallParts | undefined {
  const n = t.length;
  if (n < 19 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return undefined;
  const sep = t.charCodeAt(10);
  if (sep !== 32 && sep !== 84 && sep !== 116) return undefined;
  const num = (from: number, to: number): number => {
    let v = 0;
    for (let i = from; i < to; i++) {
      const c = t.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    return v;
  };
  const year = num(0, 4);
  const month = num(5, 7);
  const day = num(8, 10);
  const hour = num(11, 13);
  const minute = num(14, 16);
  const second = num(17, 19);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  let i = 19;
  let nanos = 0;
  const dot = t.charCodeAt(i);
  if (dot === 46 || dot === 44) {
    let digits = 0;
    for (i += 1; i < n; i++) {
      const c = t.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (digits < 9) nanos = nanos * 10 + c;
      digits++;
    }
    if (digits === 0) return undefined;
    if (digits < 9) nanos *= 10 ** (9 - digits);
  }
  let offsetSeconds: number | undefined;
  if (i < n) {
    const c = t.charCodeAt(i);
    if ((c === 90 || c === 122) && i === n - 1) offsetSeconds = 0;
    else if (c === 43 || c === 45) {
      const given = t.slice(i + 1);
      if (!/^\d{2}(?::?\d{2}(?::?\d{2})?)?$/.test(given)) return undefined;
      const rest = given.replace(/:/g, '');
      const seconds = (Number(rest.slice(0, 2)) * 60 + Number(rest.slice(2, 4) || '0')) * 60 + Number(rest.slice(4, 6) || '0');
      offsetSeconds = c === 45 ? -seconds : seconds;
    } else return undefined;
  }
  return { year, month, day, hour, minute, second, nanos, offsetSeconds };
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
  return SqlTimestamp.fromNanos(seconds * NANOS_PER_SECOND + (negative ? -nanos : nanos));
}

/** Julian day number (SQLite's REAL date form) as an instant, to the millisecond. */
export function fromJulianDay(jd: number): SqlTimestamp {
  return SqlTimestamp.fromMillis(Math.round((jd - 2440587.5) * MILLIS_PER_DAY));
}
