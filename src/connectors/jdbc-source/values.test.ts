/** Unit tests without a database: value rules, time handling, URLs, SQL per mode, task grouping. */

import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnMeta, Dialect, Statement } from './dialect.js';
import { mysqlLiteral } from './dialects/mysql.js';
import { sqliteKind } from './dialects/sqlite.js';
import { Querier, readOffset, sourcePartition } from './querier.js';
import { groupPartitions } from './runtime.js';
import { parseSettings } from './settings.js';
import { SqlTimestamp, epochDays, formatWallClock, fromEpochSecondsText, isoMillis, millisOfDay, parseTimestamp, quickParts, regexParts } from './time.js';
import { describeTarget, parseJdbcUrl } from './url.js';
import { connectPayload, outputField, toJsonValue, twosComplement, unscaled, type FieldInfo } from './values.js';

describe('toJsonValue', () => {
  it('keeps 64-bit integers exact: numbers within ±(2^53 − 1), digit strings beyond', () => {
    expect(toJsonValue(9007199254740991n)).toBe(9007199254740991);
    expect(toJsonValue(-9007199254740991n)).toBe(-9007199254740991);
    expect(toJsonValue(9007199254740992n)).toBe('9007199254740992');
    expect(toJsonValue(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(toJsonValue(42n)).toBe(42);
  });

  it('renders bytes as base64, timestamps as ISO UTC, non-finite doubles as strings, NULL as null', () => {
    expect(toJsonValue(Buffer.from([0, 255]))).toBe('AP8=');
    expect(toJsonValue(new Uint8Array([1, 2, 3]))).toBe('AQID');
    expect(toJsonValue(SqlTimestamp.fromMillis(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe('2024-01-02T03:04:05.006Z');
    expect(toJsonValue(SqlTimestamp.fromNanos(1_704_164_645_123_456_000n))).toBe('2024-01-02T03:04:05.123456Z');
    expect(toJsonValue(SqlTimestamp.fromNanos(1_704_164_645_123_456_789n))).toBe('2024-01-02T03:04:05.123456789Z');
    expect([NaN, Infinity, -Infinity].map(toJsonValue)).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect([null, undefined, true, 'x', 1.25].map(toJsonValue)).toEqual([null, null, true, 'x', 1.25]);
  });
});

describe('Connect Decimal encoding', () => {
  it('matches Java BigInteger#toByteArray', () => {
    const b64 = (n: bigint) => twosComplement(n).toString('base64');
    expect(b64(27100n)).toBe('adw='); // the "adw=" of kafka-connect-jdbc#280: 271.00 at scale 2
    expect([0n, -1n, 127n, 128n, -128n, -129n].map((n) => twosComplement(n).toString('hex'))).toEqual(['00', 'ff', '7f', '0080', '80', 'ff7f']);
  });

  it('rescales exact text to the column scale (half-up) and honours decimal.format', () => {
    expect(unscaled('271.00', 2)).toBe(27100n);
    expect(unscaled('-1.5', 2)).toBe(-150n);
    expect(unscaled('12.345', 2)).toBe(1235n);
    expect(unscaled('NaN', 2)).toBeUndefined();
    const f: FieldInfo = { name: 'd', kind: 'decimal', dbType: 'numeric', nullable: true, precision: 30, scale: 2 };
    expect(connectPayload(f, '271.00')).toBe('adw=');
    expect(connectPayload(f, '1.50', 'NUMERIC')).toBe(1.5);
    expect(connectPayload(f, '12345678901234567890.12', 'NUMERIC')).toBe('12345678901234567890.12');
    expect(connectPayload({ ...f, scale: undefined }, '1.5')).toBe('1.5'); // no fixed scale: exact string
  });
});

describe('numeric.mapping and timestamp.granularity', () => {
  const dec = (precision: number, scale: number): FieldInfo => ({ name: 'n', kind: 'decimal', dbType: 'numeric', nullable: true, precision, scale });
  const opts = (numericMapping: 'none' | 'best_fit' | 'best_fit_eager_double' | 'precision_only') => ({ numericMapping, granularity: 'connect_logical' as const, zone: 'UTC' });

  it('maps decimals like Confluent', () => {
    expect(outputField(dec(10, 0), opts('best_fit')).kind).toBe('int64');
    expect(outputField(dec(4, 0), opts('precision_only')).kind).toBe('int16');
    expect(outputField(dec(5, 2), opts('best_fit')).kind).toBe('float64');
    expect(outputField(dec(25, 2), opts('best_fit')).kind).toBe('decimal');
    expect(outputField(dec(25, 2), opts('best_fit_eager_double')).kind).toBe('float64');
    expect(outputField(dec(10, 0), opts('none')).kind).toBe('decimal');
    expect(outputField(dec(12, 0), opts('best_fit')).convert('123456789012')).toBe(123456789012n);
    expect(outputField(dec(5, 2), opts('best_fit')).convert('1.25')).toBe(1.25);
  });

  it('represents timestamps per granularity', () => {
    const f: FieldInfo = { name: 't', kind: 'timestamp', dbType: 'timestamp', nullable: true };
    const ts = SqlTimestamp.fromNanos(1_704_164_645_123_456_789n);
    const as = (granularity: 'micros_long' | 'nanos_string' | 'micros_iso_datetime_string' | 'nanos_iso_datetime_string', zone = 'UTC') =>
      outputField(f, { numericMapping: 'none', granularity, zone }).convert(ts);
    expect(as('micros_long')).toBe(1_704_164_645_123_456n);
    expect(as('nanos_string')).toBe('1704164645123456789');
    expect(as('micros_iso_datetime_string')).toBe('2024-01-02T03:04:05.123456');
    expect(as('nanos_iso_datetime_string', 'Europe/Paris')).toBe('2024-01-02T04:04:05.123456789');
  });
});

describe('time', () => {
  it('parses database text in db.timezone or with its own offset', () => {
    expect(parseTimestamp('2024-01-02 03:04:05.5', 'UTC')!.toIso()).toBe('2024-01-02T03:04:05.500Z');
    expect(parseTimestamp('2024-07-01 12:00:00', 'Europe/Paris')!.toIso()).toBe('2024-07-01T10:00:00.000Z');
    expect(parseTimestamp('2024-01-01 12:00:00', 'Europe/Paris')!.toIso()).toBe('2024-01-01T11:00:00.000Z');
    expect(parseTimestamp('2024-01-01 12:00:00+05:30', 'Europe/Paris')!.toIso()).toBe('2024-01-01T06:30:00.000Z');
    expect(parseTimestamp('2024-01-01 12:00:00-03', 'UTC')!.toIso()).toBe('2024-01-01T15:00:00.000Z');
    expect(parseTimestamp('2024-01-01T12:00:00.123456789Z', 'Asia/Tokyo')!.epochNanos).toBe(1_704_110_400_123_456_789n);
    expect(['infinity', '0000-00-00 00:00:00', '2024-13-01'].map((t) => parseTimestamp(t, 'UTC'))).toEqual([undefined, undefined, undefined]);
  });

  it('formats bound parameters as wall clocks in the zone, round-tripping', () => {
    const ts = parseTimestamp('2024-03-10 01:02:03.123456', 'America/New_York')!;
    expect(formatWallClock(ts, 'America/New_York', 6)).toBe('2024-03-10 01:02:03.123456');
    expect(formatWallClock(ts, 'UTC', 3)).toBe('2024-03-10 06:02:03.123');
    expect(formatWallClock(SqlTimestamp.fromNanos(0n), 'UTC', 0)).toBe('1970-01-01 00:00:00');
  });

  it('converts offsets, epoch seconds, dates and times exactly', () => {
    const ts = SqlTimestamp.fromMillis(-1, 999_999_999);
    expect([ts.epochMillis, ts.nanosOfSecond]).toEqual([-1, 999_999_999]);
    expect(SqlTimestamp.fromMillis(1_500, 500_000_123).epochNanos).toBe(1_500_000_123n);
    expect(fromEpochSecondsText('1700000000.123456').epochNanos).toBe(1_700_000_000_123_456_000n);
    expect(epochDays('1969-12-31')).toBe(-1);
    expect(epochDays('2024-02-29')).toBe(19782);
    expect(millisOfDay('10:11:12.5')).toBe(36_672_500);
    expect(SqlTimestamp.fromNanos(1_123_456_789n).truncate(3).epochNanos).toBe(1_123_000_000n);
  });

  it('keeps timestamps exact in numbers as a bigint of epoch nanoseconds would', () => {
    const floorDiv = (a: bigint, b: bigint) => (a % b !== 0n && a < 0n !== b < 0n ? a / b - 1n : a / b);
    const nanosArb = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n });
    fc.assert(
      fc.property(nanosArb, nanosArb, fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), fc.integer({ min: 0, max: 9 }), (a, b, ms, digits) => {
        const ta = SqlTimestamp.fromNanos(a);
        expect(ta.epochNanos).toBe(a);
        expect(ta.epochMillis).toBe(Number(floorDiv(a, 1_000_000n)));
        expect(ta.nanosOfSecond).toBe(Number(a - floorDiv(a, 1_000_000_000n) * 1_000_000_000n));
        expect(ta.compare(SqlTimestamp.fromNanos(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
        expect(ta.minusMillis(ms).epochNanos).toBe(a - BigInt(ms) * 1_000_000n);
        const unit = 10n ** BigInt(9 - digits);
        expect(ta.truncate(digits).epochNanos).toBe(floorDiv(a, unit) * unit);
        expect(SqlTimestamp.fromMillis(ms).epochNanos).toBe(BigInt(ms) * 1_000_000n);
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('reads the common timestamp form without a regular expression, exactly as the general parser does', () => {
    const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
    const text = fc
      .tuple(
        digits(4), digits(2), digits(2), fc.constantFrom(' ', 'T', 't', '_'), digits(2), digits(2), digits(2),
        fc.option(fc.tuple(fc.constantFrom('.', ','), fc.stringMatching(/^[0-9]{0,12}$/))),
        fc.option(fc.constantFrom('Z', 'z', '+05', '-08:00', '+0530', '+05:30:15', '+5', '+05:3', ' +05', 'x', 'Zz')),
      )
      .map(([y, mo, d, sep, h, mi, s, frac, off]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac ? frac[0] + frac[1] : ''}${off ?? ''}`);
    fc.assert(
      fc.property(text, (t) => {
        const quick = quickParts(t);
        if (quick !== undefined) expect(quick).toEqual(regexParts(t));
        else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:[Zz]|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/.test(t)) expect.unreachable(`quick parse refused ${t}`);
      }),
      { numRuns: 5000, seed: 3 },
    );
    for (const ms of [0, -1, 86_399_999, 1_763_777_460_123, -30_610_224_000_000, 253_402_300_799_999, -62_135_596_800_000, 1e15]) {
      expect(isoMillis(ms)).toBe(new Date(ms).toISOString());
    }
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoMillis(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000, seed: 4 },
    );
  });

  it('reads Confluent offsets, numbers or digit strings', () => {
    expect(readOffset({ incrementing: '9223372036854775807' }).inc).toBe(9223372036854775807n);
    expect(readOffset({ incrementing: 5 }).inc).toBe(5n);
    expect(readOffset({ timestamp: 1_704_067_201_123, timestamp_nanos: 123_456_000 }).ts!.toIso()).toBe('2024-01-01T00:00:01.123456Z');
    expect(readOffset({ timestamp: 1_000 }).ts!.epochNanos).toBe(1_000_000_000n);
    expect(readOffset(null)).toEqual({});
  });
});

describe('URLs', () => {
  it('parses the supported JDBC URLs and never describes a password', () => {
    expect(parseJdbcUrl('jdbc:sqlite:data/x.db', '/srv', resolve)).toEqual({ kind: 'sqlite', path: '/srv/data/x.db' });
    const pgUrl = parseJdbcUrl('jdbc:postgresql://db.example:6543/shop?user=app&password=s%40cret&sslmode=require', '/', resolve);
    expect(pgUrl).toMatchObject({ kind: 'postgresql', host: 'db.example', port: 6543, database: 'shop', user: 'app', password: 's@cret', params: { sslmode: 'require' } });
    expect(describeTarget(pgUrl)).toBe("PostgreSQL at db.example:6543/shop as user 'app'");
    const my = parseJdbcUrl('jdbc:mariadb://bob:hunter22@[::1]/inv', '/', resolve);
    expect(my).toMatchObject({ kind: 'mysql', product: 'MariaDB', host: '::1', port: 3306, user: 'bob', password: 'hunter22' });
    expect(describeTarget(my)).toBe("MariaDB at [::1]:3306/inv as user 'bob'");
    expect(parseJdbcUrl('jdbc:mysql://h:3307/db;user=u;password=p%3Bw?ssl=true', '/', resolve)).toMatchObject({ host: 'h', port: 3307, database: 'db', user: 'u', password: 'p;w', params: { ssl: 'true' } });
    expect(parseJdbcUrl('jdbc:postgresql://h;password=pw', '/', resolve)).toMatchObject({ host: 'h', database: undefined, password: 'pw' });
    expect(parseJdbcUrl('jdbc:mysql://root:p@ss@h/db', '/', resolve)).toMatchObject({ host: 'h', user: 'root', password: 'p@ss', database: 'db' });
    expect(() => parseJdbcUrl('jdbc:oracle:thin:scott/tiger@h:1521:x', '/', resolve)).toThrow(/^cannot parse 'jdbc:oracle' connection URL/);
  });

  it('prefers connection.user / connection.password and reads converter settings', () => {
    const s = parseSettings({
      'connection.url': 'jdbc:mysql://h/db?user=u',
      'connection.user': 'v',
      mode: 'bulk',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      query: 'SELECT 1;',
    });
    expect([s.user, s.valueEnvelope, s.keyEnvelope, s.query]).toEqual(['v', true, false, 'SELECT 1']);
    expect(parseSettings({ 'connection.url': 'jdbc:sqlite:x', mode: 'bulk' }).valueEnvelope).toBe(false);
  });
});

describe('identifier and literal safety', () => {
  it('renders MySQL parameters as inert literals', () => {
    expect(mysqlLiteral(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(mysqlLiteral('2024-01-02 03:04:05.123456')).toBe("'2024-01-02 03:04:05.123456'");
    expect(mysqlLiteral("x' OR 1=1 -- \\")).toBe("CONVERT(X'7827204f5220313d31202d2d205c' USING utf8mb4)");
    expect(mysqlLiteral(['BASE TABLE', 'VIEW'])).toBe("'BASE TABLE', 'VIEW'");
  });

  it('maps SQLite declared types by affinity', () => {
    expect(['INTEGER', 'BIGINT', 'DECIMAL(10,2)', 'NUMERIC', 'DATETIME', 'DATE', 'BOOLEAN', 'VARCHAR(5)', 'BLOB', 'REAL', null].map((t) => sqliteKind(t).kind)).toEqual([
      'int64',
      'int64',
      'decimal',
      'decimal',
      'timestamp',
      'date',
      'boolean',
      'string',
      'bytes',
      'float64',
      'dynamic',
    ]);
    expect(sqliteKind('DECIMAL(10,2)')).toEqual({ kind: 'decimal', precision: 10, scale: 2 });
  });
});

describe('SQL per mode (connect.md §3.2)', () => {
  const fields: FieldInfo[] = [
    { name: 'id', kind: 'int64', dbType: 'bigint', nullable: false },
    { name: 'ts', kind: 'timestamp', dbType: 'timestamp', nullable: false },
    { name: 'up"d', kind: 'timestamp', dbType: 'timestamp', nullable: true },
  ];
  const columns: ColumnMeta[] = fields.map((f) => ({ name: f.name, nullable: f.nullable, autoIncrement: f.name === 'id' }));
  const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const fake = {
    quote,
    qualify: (t: { schema?: string; name: string }) => `${quote(t.schema!)}.${quote(t.name)}`,
    fqn: (t: { schema?: string; name: string }) => `${t.schema}.${t.name}`,
    columns: async () => columns,
    describe: async () => fields,
    now: async () => SqlTimestamp.fromMillis(Date.UTC(2024, 0, 1, 0, 0, 10)),
    timestampExpression: (cols: readonly string[]) => (cols.length === 1 ? cols[0]! : `COALESCE(${cols.join(', ')})`),
    bindTimestamp: (t: SqlTimestamp) => t.toIso(),
    bindInteger: (n: bigint) => n,
    description: 'fake',
  } as unknown as Dialect;
  const render = (s: Statement) => s.text.reduce((acc, part, i) => `${acc}[${String(s.params[i - 1])}]${part}`);

  async function sql(config: Record<string, string>, offset?: Record<string, unknown>) {
    const settings = parseSettings({ 'connection.url': 'jdbc:sqlite:x', 'topic.prefix': 'p-', ...config });
    const q = await Querier.create({
      dialect: fake,
      settings,
      table: config.query ? undefined : { schema: 's', name: 'T' },
      ctx: { offset: () => offset, logger: { debug() {}, info() {}, warn() {}, error() {} } },
    });
    return render(await q.statement(fake));
  }

  it('issues the same WHERE / ORDER BY windows as the Confluent connector', async () => {
    expect(await sql({ mode: 'bulk' })).toBe('SELECT * FROM "s"."T"');
    expect(await sql({ mode: 'incrementing' })).toBe('SELECT * FROM "s"."T" WHERE "id" > [-1] ORDER BY "id" ASC');
    expect(await sql({ mode: 'timestamp', 'timestamp.column.name': 'ts', 'timestamp.delay.interval.ms': '2000' })).toBe(
      'SELECT * FROM "s"."T" WHERE "ts" > [1970-01-01T00:00:00.000Z] AND "ts" < [2024-01-01T00:00:08.000Z] ORDER BY "ts" ASC',
    );
    expect(await sql({ mode: 'timestamp+incrementing', 'timestamp.column.name': 'up"d,ts', 'query.suffix': 'LIMIT 5' }, { timestamp: 1000, timestamp_nanos: 0, incrementing: 7 })).toBe(
      'SELECT * FROM "s"."T" WHERE COALESCE("up""d", "ts") < [2024-01-01T00:00:10.000Z] AND ((COALESCE("up""d", "ts") = [1970-01-01T00:00:01.000Z] AND "id" > [7]) ' +
        'OR COALESCE("up""d", "ts") > [1970-01-01T00:00:01.000Z]) ORDER BY COALESCE("up""d", "ts"),"id" ASC LIMIT 5',
    );
  });

  it('wraps a custom query as a sub-select in incremental modes and leaves it alone in bulk', async () => {
    const query = 'SELECT id, ts FROM t WHERE ok ORDER BY ts DESC';
    expect(await sql({ mode: 'incrementing', 'incrementing.column.name': 'id', query })).toBe(`SELECT * FROM (${query}\n) AS q WHERE "id" > [-1] ORDER BY "id" ASC`);
    expect(await sql({ mode: 'bulk', query })).toBe(query);
  });

  it('names partitions as Confluent does', () => {
    expect(sourcePartition('bulk', { name: 'T', fqn: 's.T' })).toEqual({ table: 'T' });
    expect(sourcePartition('incrementing', { name: 'T', fqn: 's.T' })).toEqual({ protocol: '1', table: 's.T' });
    expect(sourcePartition('timestamp', undefined)).toEqual({ query: 'query' });
  });
});

describe('groupPartitions', () => {
  it('makes contiguous groups, the first n mod g one larger (Kafka ConnectorUtils)', () => {
    expect(groupPartitions([1, 2, 3, 4, 5], 2)).toEqual([[1, 2, 3], [4, 5]]);
    expect(groupPartitions([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5], [6, 7]]);
    expect(groupPartitions([1, 2, 3], 3)).toEqual([[1], [2], [3]]);
  });
});
