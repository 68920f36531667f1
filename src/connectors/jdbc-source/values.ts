/**
 * How database values become record values. Every dialect decodes a column into a `Cell` without losing anything
 * (drivers are told to hand over text for 64-bit integers, decimals and dates), and the rules below turn cells into
 * JSON — the one place to change them:
 *
 * - `toJsonValue` (schemaless values and record keys): every integer (any integer column of any database, MySQL's
 *   BIGINT UNSIGNED too, whose Connect type is Decimal(20, 0)) → JSON number when |n| ≤ 2^53 − 1, otherwise a string
 *   with every digit; DECIMAL/NUMERIC → a string with every digit as the database wrote it; timestamps → ISO-8601
 *   UTC ('2024-01-02T03:04:05.123Z', 6 or 9 fraction digits when the value has them); dates 'YYYY-MM-DD'; times
 *   'HH:MM:SS[.ffffff]'; bytes → base64; booleans → true/false; NaN/±Infinity → "NaN"/"Infinity"/"-Infinity";
 *   NULL → null. Every value stays JSON-serialisable with JSON.stringify.
 * - `envelope` (value.converter.schemas.enable=true): Kafka Connect's JsonConverter form, so any Connect consumer
 *   reads it: Timestamp = epoch ms, Date = epoch days, Time = ms of day, Decimal = base64 of the unscaled
 *   two's-complement bytes (decimal.format=BASE64, the JsonConverter default) or a number/exact string with
 *   decimal.format=NUMERIC. A decimal whose scale the database does not fix (PostgreSQL `numeric`, SQLite) cannot
 *   be a Connect Decimal and is typed `string` with every digit.
 */

import { SqlTimestamp, epochDays, formatIsoLocal, millisOfDay } from './time.js';

export type ColumnKind =
  | 'boolean'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'decimal'
  | 'string'
  | 'bytes'
  | 'timestamp'
  | 'date'
  | 'time'
  /** SQLite expression columns: typed from each value. */
  | 'dynamic';

/** A decoded column value. Integers are always bigints; decimals are exact strings; timestamps instants. */
export type Cell = null | boolean | number | bigint | string | Uint8Array | SqlTimestamp;

export interface FieldInfo {
  name: string;
  kind: ColumnKind;
  /** The database's type name, for messages. */
  dbType: string;
  nullable: boolean;
  precision?: number;
  /** Decimal scale when the column fixes it. */
  scale?: number;
  /** A MySQL TIMESTAMP column (read and bound in UTC, unlike DATETIME which is a wall clock in db.timezone). */
  utc?: boolean;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** The JSON form of a cell (see the module comment). */
export function toJsonValue(cell: Cell | undefined): unknown {
  if (cell === null || cell === undefined) return null;
  switch (typeof cell) {
    case 'bigint':
      return cell >= MIN_SAFE && cell <= MAX_SAFE ? Number(cell) : cell.toString();
    case 'number':
      return Number.isFinite(cell) ? cell : String(cell);
    case 'boolean':
    case 'string':
      return cell;
    default:
      if (cell instanceof SqlTimestamp) return cell.toIso();
      return Buffer.from(cell.buffer, cell.byteOffset, cell.byteLength).toString('base64');
  }
}

// ---- per-config field mapping: numeric.mapping and timestamp.granularity ----

export type NumericMapping = 'none' | 'best_fit' | 'best_fit_eager_double' | 'precision_only';
export type Granularity =
  | 'connect_logical'
  | 'micros_long'
  | 'micros_string'
  | 'micros_iso_datetime_string'
  | 'nanos_long'
  | 'nanos_string'
  | 'nanos_iso_datetime_string';

export interface MappingOptions {
  numericMapping: NumericMapping;
  granularity: Granularity;
  /** db.timezone, for the *_iso_datetime_string granularities. */
  zone: string;
}

/** A field as records show it, with the conversion from the decoded cell. */
export interface OutputField extends FieldInfo {
  convert(cell: Cell): Cell;
}

const same = (cell: Cell): Cell => cell;

function intKindFor(precision: number): ColumnKind {
  return precision < 3 ? 'int8' : precision < 5 ? 'int16' : precision < 10 ? 'int32' : 'int64';
}

function decimalTo(kind: ColumnKind): (cell: Cell) => Cell {
  return (cell) => {
    if (typeof cell !== 'string') return cell;
    if (kind === 'float64') return Number(cell);
    if (!/^[+-]?\d+(\.0*)?$/.test(cell)) return cell;
    const n = BigInt(cell.split('.')[0]!);
    return kind === 'int64' ? n : Number(n);
  };
}

/** Confluent's numeric.mapping for DECIMAL/NUMERIC with a known precision and scale. */
function numericKind(f: FieldInfo, mapping: NumericMapping): ColumnKind | undefined {
  const { precision, scale } = f;
  if (precision === undefined || scale === undefined || precision <= 0) return undefined;
  switch (mapping) {
    case 'precision_only':
      return scale === 0 && precision <= 18 ? intKindFor(precision) : undefined;
    case 'best_fit':
      if (precision > 18) return undefined;
      return scale === 0 ? intKindFor(precision) : 'float64';
    case 'best_fit_eager_double':
      if (scale > 0) return 'float64';
      return precision <= 18 ? intKindFor(precision) : undefined;
    default:
      return undefined;
  }
}

function granular(g: Granularity, zone: string): (cell: Cell) => Cell {
  return (cell) => {
    if (!(cell instanceof SqlTimestamp)) return cell;
    switch (g) {
      case 'micros_long':
        return cell.epochNanos / 1000n;
      case 'nanos_long':
        return cell.epochNanos;
      case 'micros_string':
        return (cell.epochNanos / 1000n).toString();
      case 'nanos_string':
        return cell.epochNanos.toString();
      case 'micros_iso_datetime_string':
        return formatIsoLocal(cell, zone, 6);
      case 'nanos_iso_datetime_string':
        return formatIsoLocal(cell, zone, 9);
      default:
        return cell;
    }
  };
}

export function outputField(f: FieldInfo, o: MappingOptions): OutputField {
  if (f.kind === 'decimal') {
    const kind = numericKind(f, o.numericMapping);
    if (kind) return { ...f, kind, convert: decimalTo(kind) };
  }
  if (f.kind === 'timestamp' && o.granularity !== 'connect_logical') {
    const kind: ColumnKind = o.granularity.endsWith('_long') ? 'int64' : 'string';
    return { ...f, kind, convert: granular(o.granularity, o.zone) };
  }
  return { ...f, convert: same };
}

// ---- Kafka Connect envelope ----

export interface ConnectSchema {
  type: string;
  optional: boolean;
  name?: string;
  version?: number;
  parameters?: Record<string, string>;
  field?: string;
  fields?: ConnectSchema[];
}

const LOGICAL = {
  decimal: 'org.apache.kafka.connect.data.Decimal',
  timestamp: 'org.apache.kafka.connect.data.Timestamp',
  date: 'org.apache.kafka.connect.data.Date',
  time: 'org.apache.kafka.connect.data.Time',
} as const;

export type DecimalFormat = 'BASE64' | 'NUMERIC';

function dynamicKind(cell: Cell): ColumnKind {
  switch (typeof cell) {
    case 'bigint':
      return 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      if (cell === null) return 'string';
      return cell instanceof SqlTimestamp ? 'timestamp' : 'bytes';
  }
}

/** The Connect schema of a field (without the struct's "field" name). */
export function fieldSchema(f: FieldInfo, cell?: Cell): ConnectSchema {
  const optional = f.nullable;
  const kind = f.kind === 'dynamic' ? dynamicKind(cell ?? null) : f.kind;
  switch (kind) {
    case 'decimal':
      if (f.scale === undefined) return { type: 'string', optional };
      return {
        type: 'bytes',
        optional,
        name: LOGICAL.decimal,
        version: 1,
        parameters: {
          scale: String(f.scale),
          ...(f.precision !== undefined && f.precision > 0 ? { 'connect.decimal.precision': String(f.precision) } : {}),
        },
      };
    case 'timestamp':
      return { type: 'int64', optional, name: LOGICAL.timestamp, version: 1 };
    case 'date':
      return { type: 'int32', optional, name: LOGICAL.date, version: 1 };
    case 'time':
      return { type: 'int32', optional, name: LOGICAL.time, version: 1 };
    case 'float32':
      return { type: 'float', optional };
    case 'float64':
      return { type: 'double', optional };
    default:
      return { type: kind, optional };
  }
}

/** Exact decimal text → unscaled integer at `scale` (half-up when the text has more digits), or undefined. */
export function unscaled(text: string, scale: number): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const [, sign, whole, frac = ''] = m;
  const kept = (frac + '0'.repeat(scale)).slice(0, scale);
  let n = BigInt((whole || '0') + kept);
  if (frac.length > scale && Number(frac[scale]) >= 5) n += 1n;
  return sign === '-' ? -n : n;
}

/** Java BigInteger#toByteArray: minimal big-endian two's complement. */
export function twosComplement(n: bigint): Buffer {
  let bytes = 1;
  while (n < -(1n << BigInt(8 * bytes - 1)) || n >= 1n << BigInt(8 * bytes - 1)) bytes++;
  const v = n < 0n ? (1n << BigInt(8 * bytes)) + n : n;
  return Buffer.from(v.toString(16).padStart(bytes * 2, '0'), 'hex');
}

function numericPayload(text: string): unknown {
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  // Exact only when the shortest double text has the same digits as the database's text.
  const norm = (s: string) => s.replace(/^([+-]?)0+(?=\d)/, '$1').replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return norm(String(n)) === norm(text.trim()) ? n : text;
}

/** The JsonConverter payload of one cell for its field. */
export function connectPayload(f: FieldInfo, cell: Cell, decimalFormat: DecimalFormat = 'BASE64'): unknown {
  if (cell === null) return null;
  const kind = f.kind === 'dynamic' ? dynamicKind(cell) : f.kind;
  switch (kind) {
    case 'timestamp':
      return cell instanceof SqlTimestamp ? cell.epochMillis : toJsonValue(cell);
    case 'date':
      return typeof cell === 'string' ? (epochDays(cell) ?? cell) : toJsonValue(cell);
    case 'time':
      return typeof cell === 'string' ? (millisOfDay(cell) ?? cell) : toJsonValue(cell);
    case 'decimal': {
      const text = typeof cell === 'string' || typeof cell === 'bigint' || typeof cell === 'number' ? String(cell) : undefined;
      if (text === undefined || f.scale === undefined) return toJsonValue(cell);
      if (decimalFormat === 'NUMERIC') return numericPayload(text);
      const n = unscaled(text, f.scale);
      return n === undefined ? text : twosComplement(n).toString('base64');
    }
    default:
      return toJsonValue(cell);
  }
}

/** The struct schema for a row's fields (`name` = table name; dynamic fields are typed from this row's cells). */
export function structSchema(fields: readonly FieldInfo[], cells: readonly Cell[], name?: string): ConnectSchema {
  return {
    type: 'struct',
    fields: fields.map((f, i) => ({ field: f.name, ...fieldSchema(f, cells[i]) })),
    optional: false,
    ...(name !== undefined ? { name } : {}),
  };
}
