/**
 * The JDBC source against real SQLite, PostgreSQL and MariaDB, table-driven: every test runs on each database.
 * Tasks are driven through the SourceTask contract; offsets are committed into a fake store as the runtime would
 * after delivery, and "crashes" are simulated by not committing a poll and starting a new task.
 */

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gate, mariadb, postgres, sqlite, type Backend, type Namespace } from '../../../test/helpers/databases.js';
import type { SourceRecord } from '../api.js';
import { jdbcSource } from './index.js';
import type { JdbcSourceTask } from './task.js';
import { drain, OffsetStore, pollOnce, startTask, values } from './testing.js';

const backends: Backend[] = [sqlite(), await postgres(), await mariadb()];
afterAll(async () => {
  for (const b of backends) await b.shutdown();
});

/** 'YYYY-MM-DD HH:MM:SS.mmm' UTC wall clock, as inserted into timestamp columns. */
const wall = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const names = (records: readonly SourceRecord[]) => values(records).map((v) => v.name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const T0 = Date.UTC(2024, 0, 1, 0, 0, 1);

for (const backend of backends) {
  if (!gate(backend)) continue;

  describe(backend.name, () => {
    let ns: Namespace;
    let running: JdbcSourceTask[] = [];
    const q = (id: string) => ns.quote(id);

    beforeEach(async () => {
      ns = await backend.open();
      running = [];
    });
    afterEach(async () => {
      for (const t of running) await t.stop();
      await ns.drop();
    });

    // Bulk passes repeat every poll.interval.ms, so bulk tests wait longer between passes to see one pass end.
    const config = (extra: Record<string, string>) => ({
      'connection.url': ns.url,
      ...ns.config,
      'poll.interval.ms': extra.mode === 'bulk' ? '300' : '1',
      'topic.prefix': 'p-',
      ...extra,
    });
    async function start(extra: Record<string, string>, store = new OffsetStore()) {
      const r = await startTask(config(extra), store);
      running.push(r.task);
      return r;
    }
    async function namesTable(table = 't', rows: string[] = []) {
      await ns.exec(`CREATE TABLE ${q(table)} (id ${ns.types.serial}, name ${ns.types.text})`);
      if (rows.length) await ns.insert(table, ['name'], rows.map((n) => [n]));
    }
    /** ts groups: a@T1, b c d@T2, e@T3 — batch.max.rows=2 cuts the T2 group. */
    async function groupsTable() {
      await ns.exec(`CREATE TABLE ${q('t')} (id ${ns.types.serial}, name ${ns.types.text}, ts ${ns.types.timestamp} NOT NULL)`);
      const rows = [
        ['a', wall(T0)],
        ['b', wall(T0 + 1000)],
        ['c', wall(T0 + 1000)],
        ['d', wall(T0 + 1000)],
        ['e', wall(T0 + 2000)],
      ];
      await ns.insert('t', ['name', 'ts'], rows);
    }

    describe('bulk', () => {
      it('copies the whole table each pass in batches, stores no offset, and re-reads after a restart', async () => {
        await namesTable('t', ['a', 'b', 'c']);
        const { task, store } = await start({ mode: 'bulk', 'batch.max.rows': '2' });
        const first = await pollOnce(task, store);
        expect(names(first)).toEqual(['a', 'b']);
        expect(first[0]).toMatchObject({ sourcePartition: { table: 't' }, sourceOffset: null, topic: 'p-t', key: null });
        expect(task.idle()).toBe(false);
        expect(names(await pollOnce(task, store))).toEqual(['c']);
        expect(task.idle()).toBe(true);
        expect(await pollOnce(task, store)).toEqual([]); // the next pass is not due yet
        expect(task.idleWaitMs()).toBeGreaterThan(100);
        expect(task.idleWaitMs()).toBeLessThanOrEqual(300);
        await sleep(350);
        expect(names(await drain(task, store))).toEqual(['a', 'b', 'c']);
        await task.stop();
        const again = await start({ mode: 'bulk' }, store);
        expect(names(await drain(again.task, store))).toEqual(['a', 'b', 'c']);
      });
    });

    describe('incrementing', () => {
      it('resumes from the committed offset after a crash: nothing lost, nothing duplicated', async () => {
        await namesTable('t', ['a', 'b', 'c', 'd', 'e']);
        const { task, store } = await start({ mode: 'incrementing', 'incrementing.column.name': 'id', 'batch.max.rows': '2' });
        const first = await pollOnce(task, store);
        expect(names(first)).toEqual(['a', 'b']);
        expect(first.map((r) => r.sourceOffset)).toEqual([{ incrementing: 1 }, { incrementing: 2 }]);
        expect(first[0]!.sourcePartition).toEqual({ protocol: '1', table: ns.fqn('t') });
        expect(names(await pollOnce(task, store, false))).toEqual(['c', 'd']); // never delivered
        await task.stop();

        const second = await start({ mode: 'incrementing', 'incrementing.column.name': 'id', 'batch.max.rows': '2' }, store);
        expect(names(await drain(second.task, store))).toEqual(['c', 'd', 'e']);
        expect(second.task.idle()).toBe(true);
        await ns.insert('t', ['name'], [['f'], ['g']]);
        expect(names(await drain(second.task, store))).toEqual(['f', 'g']);
        expect(store.get({ protocol: '1', table: ns.fqn('t') })).toEqual({ incrementing: 7 });
      });

      it('reads the legacy {"table": name} partition and detects the auto-increment column', async () => {
        await namesTable('t', ['a', 'b', 'c']);
        const store = new OffsetStore();
        store.set({ table: 't' }, { incrementing: 2 });
        const { task } = await start({ mode: 'incrementing' }, store);
        expect(names(await drain(task, store))).toEqual(['c']);
      });

      it('keeps every digit of offsets near 2^63', async () => {
        await ns.exec(`CREATE TABLE ${q('t')} (id ${ns.types.int64} NOT NULL PRIMARY KEY, name ${ns.types.text})`);
        const ids = [9223372036854775805n, 9223372036854775806n, 9223372036854775807n];
        await ns.insert('t', ['id', 'name'], ids.map((id, i) => [id, `n${i}`]));
        const store = new OffsetStore();
        store.set({ protocol: '1', table: ns.fqn('t') }, { incrementing: '9223372036854775805' });
        const { task } = await start({ mode: 'incrementing', 'incrementing.column.name': 'id' }, store);
        const records = await drain(task, store);
        expect(names(records)).toEqual(['n1', 'n2']);
        expect(values(records).map((v) => v.id)).toEqual(['9223372036854775806', '9223372036854775807']);
        expect(store.get({ protocol: '1', table: ns.fqn('t') })).toEqual({ incrementing: '9223372036854775807' });
      });
    });

    describe('timestamp', () => {
      it('advances only past complete groups of equal timestamps (PR #1093)', async () => {
        await groupsTable();
        const { task, store } = await start({ mode: 'timestamp', 'timestamp.column.name': 'ts', 'batch.max.rows': '2' });
        const p1 = await pollOnce(task, store);
        expect(names(p1)).toEqual(['a', 'b']);
        // b's group (T0+1s) is not complete yet, so its offset stays at a's timestamp.
        expect(p1.map((r) => r.sourceOffset)).toEqual([
          { timestamp: T0, timestamp_nanos: 0 },
          { timestamp: T0, timestamp_nanos: 0 },
        ]);
        const p2 = await pollOnce(task, store);
        expect(names(p2)).toEqual(['c', 'd']);
        expect(p2[1]!.sourceOffset).toEqual({ timestamp: T0 + 1000, timestamp_nanos: 0 });
        expect(names(await drain(task, store))).toEqual(['e']);
        expect(store.get({ protocol: '1', table: ns.fqn('t') })).toEqual({ timestamp: T0 + 2000, timestamp_nanos: 0 });
      });

      it('loses no row of a group cut by a crash; only that group repeats', async () => {
        await groupsTable();
        const store = new OffsetStore();
        const cfg = { mode: 'timestamp', 'timestamp.column.name': 'ts', 'batch.max.rows': '2' };
        const { task } = await start(cfg, store);
        expect(names(await pollOnce(task, store))).toEqual(['a', 'b']);
        expect(names(await pollOnce(task, store, false))).toEqual(['c', 'd']);
        await task.stop();
        const second = await start(cfg, store);
        expect(names(await drain(second.task, store))).toEqual(['b', 'c', 'd', 'e']);
      });

      it('picks up a late-committed row with timestamp.delay.interval.ms', async () => {
        await ns.exec(`CREATE TABLE ${q('t')} (id ${ns.types.serial}, name ${ns.types.text}, ts ${ns.types.timestamp} NOT NULL)`);
        const delay = 1200;
        await ns.insert('t', ['name', 'ts'], [['old', wall(Date.now() - 60_000)]]);
        const { task, store } = await start({ mode: 'timestamp', 'timestamp.column.name': 'ts', 'timestamp.delay.interval.ms': String(delay) });
        expect(names(await drain(task, store))).toEqual(['old']);
        // A row stamped now, then one stamped earlier that commits later (a long transaction).
        const recent = Date.now() - 100;
        await ns.insert('t', ['name', 'ts'], [['recent', wall(recent)]]);
        await sleep(3);
        expect(names(await drain(task, store))).toEqual([]); // still inside the delay window
        await ns.insert('t', ['name', 'ts'], [['late', wall(recent - 300)]]);
        await sleep(recent + delay + 100 - Date.now());
        expect(names(await drain(task, store))).toEqual(['late', 'recent']);
      });

      it('without a delay misses a row committed behind the offset (Confluent issue: why the delay exists)', async () => {
        await ns.exec(`CREATE TABLE ${q('t')} (id ${ns.types.serial}, name ${ns.types.text}, ts ${ns.types.timestamp} NOT NULL)`);
        const base = Date.now() - 5000;
        await ns.insert('t', ['name', 'ts'], [['first', wall(base)]]);
        const { task, store } = await start({ mode: 'timestamp', 'timestamp.column.name': 'ts' });
        expect(names(await drain(task, store))).toEqual(['first']);
        await ns.insert('t', ['name', 'ts'], [['behind', wall(base - 1000)]]);
        await sleep(3);
        expect(names(await drain(task, store))).toEqual([]);
      });

      it('honours timestamp.initial, -1 meaning now', async () => {
        await ns.exec(`CREATE TABLE ${q('t')} (id ${ns.types.serial}, name ${ns.types.text}, ts ${ns.types.timestamp} NOT NULL)`);
        await ns.insert('t', ['name', 'ts'], [
          ['before', wall(T0)],
          ['after', wall(T0 + 60_000)],
        ]);
        const fixed = await start({ mode: 'timestamp', 'timestamp.column.name': 'ts', 'timestamp.initial': String(T0 + 1) });
        expect(names(await drain(fixed.task, fixed.store))).toEqual(['after']);
        const now = await start({ mode: 'timestamp', 'timestamp.column.name': 'ts', 'timestamp.initial': '-1' });
        expect(names(await drain(now.task, now.store))).toEqual([]);
        await sleep(5);
        await ns.insert('t', ['name', 'ts'], [['new', wall(Date.now())]]);
        await sleep(5);
        expect(names(await drain(now.task, now.store))).toEqual(['new']);
      });

      it('combines several timestamp columns with COALESCE', async () => {
        await ns.exec(
          `CREATE TABLE ${q('t')} (id ${ns.types.serial}, name ${ns.types.text}, updated ${ns.types.timestamp} NULL, created ${ns.types.timestamp} NOT NULL)`,
        );
        await ns.insert('t', ['name', 'updated', 'created'], [
          ['late-update', wall(T0 + 5000), wall(T0)],
          ['never-updated', null, wall(T0 + 1000)],
        ]);
        const { task, store } = await start({ mode: 'timestamp', 'timestamp.column.name': 'updated,created' });
        expect(names(await drain(task, store))).toEqual(['never-updated', 'late-update']);
        expect(store.get({ protocol: '1', table: ns.fqn('t') })).toEqual({ timestamp: T0 + 5000, timestamp_nanos: 0 });
      });
    });

    describe('timestamp+incrementing', () => {
      it('resumes exactly inside a group of equal timestamps', async () => {
        await groupsTable();
        const store = new OffsetStore();
        const cfg = { mode: 'timestamp+incrementing', 'timestamp.column.name': 'ts', 'incrementing.column.name': 'id', 'batch.max.rows': '2' };
        const { task } = await start(cfg, store);
        const p1 = await pollOnce(task, store);
        expect(names(p1)).toEqual(['a', 'b']);
        expect(p1[1]!.sourceOffset).toEqual({ timestamp: T0 + 1000, timestamp_nanos: 0, incrementing: 2 });
        expect(names(await pollOnce(task, store, false))).toEqual(['c', 'd']);
        await task.stop();
        const second = await start(cfg, store);
        expect(names(await drain(second.task, store))).toEqual(['c', 'd', 'e']);
        // A new row in an already-read timestamp but with a higher id is still found.
        await ns.insert('t', ['name', 'ts'], [['f', wall(T0 + 2000)]]);
        expect(names(await drain(second.task, store))).toEqual(['f']);
      });
    });

    describe('values', () => {
      async function typesTable() {
        const t = ns.types;
        await ns.exec(
          `CREATE TABLE ${q('v')} (id ${t.int64} NOT NULL PRIMARY KEY, big ${t.int64}, amount ${t.decimal}, ts ${t.timestamp}, day ${t.date}, bin ${t.bytes}, flag ${t.boolean}, txt ${t.text}, dbl ${t.double})`,
        );
        const exact = backend.name === 'SQLite' ? '12.5' : '12345678901234567890.1234567890';
        await ns.insert('v', ['id', 'big', 'amount', 'ts', 'day', 'bin', 'flag', 'txt', 'dbl'], [
          [1, 9223372036854775807n, exact, '2024-01-02 03:04:05.678', '2024-02-29', Buffer.from([0, 1, 254, 255]), true, 'hé "quoted"', 1.5],
          [2, -9223372036854775808n, '-0.5', '1999-12-31 23:59:59.000', '1970-01-01', Buffer.alloc(0), false, '', -0.25],
          [3, 9007199254740991n, '0', '2024-01-02 03:04:05.000', '2024-01-01', null, null, null, null],
          [4, null, null, null, null, null, null, null, null],
        ]);
        return exact;
      }

      it('keeps bigints, decimals, timestamps, dates, bytes, booleans and NULLs faithful', async () => {
        const exact = await typesTable();
        const { task, store } = await start({ mode: 'bulk' });
        const rows = values(await drain(task, store));
        expect(rows[0]).toEqual({
          id: 1,
          big: '9223372036854775807',
          amount: exact,
          ts: '2024-01-02T03:04:05.678Z',
          day: '2024-02-29',
          bin: 'AAH+/w==',
          flag: true,
          txt: 'hé "quoted"',
          dbl: 1.5,
        });
        expect(rows[1]).toMatchObject({ big: '-9223372036854775808', ts: '1999-12-31T23:59:59.000Z', day: '1970-01-01', bin: '', flag: false, txt: '' });
        expect(Number(rows[1]!.amount)).toBe(-0.5);
        expect(rows[2]!.big).toBe(9007199254740991); // 2^53 - 1: still a JSON number
        expect(rows[3]).toEqual({ id: 4, big: null, amount: null, ts: null, day: null, bin: null, flag: null, txt: null, dbl: null });
      });

      it('writes the Kafka Connect JsonConverter envelope with schemas.enable', async () => {
        const exact = await typesTable();
        const { task, store } = await start({ mode: 'bulk', 'value.converter.schemas.enable': 'true', 'key.converter.schemas.enable': 'true', key: 'id' });
        const records = await drain(task, store);
        const { schema, payload } = records[0]!.value as { schema: { fields: Record<string, unknown>[]; name: string }; payload: Record<string, unknown> };
        expect(Object.keys(records[0]!.value as object)).toEqual(['schema', 'payload']);
        expect(schema).toMatchObject({ type: 'struct', optional: false, name: 'v' });
        const byName = Object.fromEntries(schema.fields.map((f) => [f.field, f]));
        expect(byName.id).toEqual({ field: 'id', type: 'int64', optional: false });
        expect(byName.big).toEqual({ field: 'big', type: 'int64', optional: true });
        expect(byName.ts).toEqual({ field: 'ts', type: 'int64', optional: true, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 });
        expect(byName.day).toEqual({ field: 'day', type: 'int32', optional: true, name: 'org.apache.kafka.connect.data.Date', version: 1 });
        expect(byName.amount).toMatchObject({ type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '10' } });
        expect(byName.bin).toEqual({ field: 'bin', type: 'bytes', optional: true });
        expect(byName.flag).toEqual({ field: 'flag', type: 'boolean', optional: true });
        expect(byName.txt).toEqual({ field: 'txt', type: 'string', optional: true });
        expect(byName.dbl).toEqual({ field: 'dbl', type: 'double', optional: true });
        expect(payload.ts).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
        expect(payload.day).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
        expect(payload.big).toBe('9223372036854775807');
        // Decimal payload: base64 of the unscaled two's-complement value at scale 10.
        const bytes = Buffer.from(payload.amount as string, 'base64');
        const unscaled = BigInt.asIntN(bytes.length * 8, BigInt(`0x${bytes.toString('hex')}`));
        expect(unscaled).toBe(BigInt(exact.replace('.', '')) * 10n ** BigInt(10 - (exact.split('.')[1] ?? '').length));
        expect(records[0]!.key).toEqual({ schema: { type: 'int64', optional: false }, payload: 1 });
      });

      it('makes the ksqlDB key column the record key', async () => {
        await namesTable('t', ['a', 'b']);
        const { task, store } = await start({ mode: 'incrementing', key: 'name' });
        expect((await drain(task, store)).map((r) => r.key)).toEqual(['a', 'b']);
      });
    });

    describe('query mode', () => {
      it("wraps a query with its own WHERE and ORDER BY; topic is the prefix; partition {'query':'query'}", async () => {
        await namesTable('t', ['a', 'skip', 'b']);
        const query = `SELECT id, name FROM ${ns.qualified('t')} WHERE name <> 'skip' ORDER BY name DESC`;
        const { task, store } = await start({ mode: 'incrementing', 'incrementing.column.name': 'id', query, 'topic.prefix': 'only' });
        const records = await drain(task, store);
        expect(names(records)).toEqual(['a', 'b']);
        expect(records[0]).toMatchObject({ topic: 'only', sourcePartition: { query: 'query' }, sourceOffset: { incrementing: 1 } });
        await task.stop();
        await ns.insert('t', ['name'], [['c']]);
        const again = await start({ mode: 'incrementing', 'incrementing.column.name': 'id', query, 'topic.prefix': 'only' }, store);
        expect(names(await drain(again.task, store))).toEqual(['c']);
      });

      it('appends query.suffix to the generated SQL', async () => {
        await namesTable('t', ['a', 'b', 'c']);
        const { task, store } = await start({ mode: 'incrementing', 'query.suffix': 'LIMIT 2' });
        expect(names(await drain(task, store))).toEqual(['a', 'b', 'c']); // two passes of at most 2 rows
      });
    });

    describe('tables', () => {
      it('selects tables with table.whitelist (plain or qualified) and table.blacklist', async () => {
        for (const t of ['a', 'b', 'c']) await namesTable(t, [t]);
        const topics = async (extra: Record<string, string>) => {
          const { task, store } = await start({ mode: 'bulk', ...extra });
          return [...new Set((await drain(task, store)).map((r) => r.topic))].sort();
        };
        expect(await topics({})).toEqual(['p-a', 'p-b', 'p-c']);
        expect(await topics({ 'table.whitelist': `a, ${ns.fqn('c')}` })).toEqual(['p-a', 'p-c']);
        expect(await topics({ 'table.blacklist': 'b' })).toEqual(['p-a', 'p-c']);
        await expect(start({ mode: 'bulk', 'table.whitelist': 'a,zzz' })).rejects.toThrow(/table 'zzz' listed in 'table.whitelist' does not exist/);
      });

      it('selects tables with table.include.list less table.exclude.list: regular expressions matched whole, on the name or the qualified name', async () => {
        for (const t of ['orders_2024', 'orders_2025', 'orders_old', 'users']) await namesTable(t, [t]);
        const topics = async (extra: Record<string, string>) => {
          const { task, store } = await start({ mode: 'bulk', ...extra });
          return [...new Set((await drain(task, store)).map((r) => r.topic))].sort();
        };
        expect(await topics({ 'table.include.list': 'orders_.*', 'table.exclude.list': '.*_old' })).toEqual(['p-orders_2024', 'p-orders_2025']);
        // Whole names only: 'order' matches no table, 'users' matches one; the qualified name works too.
        expect(await topics({ 'table.include.list': `order, ${ns.fqn('users').replace(/\./g, '\\.')}` })).toEqual(['p-users']);
        await expect(start({ mode: 'bulk', 'table.include.list': 'nothing_.*' })).rejects.toThrow(/'table.include.list' selects no table in .* \(it has /);
      });

      it('quotes identifiers: a table and column named like an injection work and inject nothing', async () => {
        await namesTable('x', ['survivor']);
        const evil = backend.name === 'MariaDB' ? 'users`; DROP TABLE x; --' : 'users"; DROP TABLE x; --';
        const column = backend.name === 'MariaDB' ? 'na`me' : 'na"me';
        await ns.exec(`CREATE TABLE ${q(evil)} (id ${ns.types.serial}, ${q(column)} ${ns.types.text}, ts ${ns.types.timestamp} NOT NULL)`);
        await ns.insert(evil, [column, 'ts'], [['one', wall(T0)], ["'); DROP TABLE x; --", wall(T0 + 1)]]);
        for (const mode of ['bulk', 'incrementing', 'timestamp+incrementing']) {
          const { task, store } = await start({ mode, 'table.whitelist': evil, 'timestamp.column.name': 'ts', key: column });
          const records = await drain(task, store);
          expect(records.map((r) => r.key)).toEqual(['one', "'); DROP TABLE x; --"]);
          expect(records[0]!.topic).toBe(`p-${evil}`);
        }
        await expect(start({ mode: 'bulk', 'table.whitelist': 'x; DROP TABLE x' })).rejects.toThrow(/does not exist/);
        expect(await ns.query(`SELECT name FROM ${q('x')}`)).toEqual([['survivor']]);
      });

      it('spreads tables over tasks in contiguous groups; a query gets one task', async () => {
        for (const t of ['t1', 't2', 't3', 't4', 't5']) await namesTable(t, [t]);
        const runtime = await jdbcSource.load!();
        const configs = await runtime.taskConfigs!(config({ mode: 'incrementing' }), 2);
        expect(configs.map((c) => (JSON.parse(c.tables!) as { name: string }[]).map((t) => t.name))).toEqual([
          ['t1', 't2', 't3'],
          ['t4', 't5'],
        ]);
        const seen: string[][] = [];
        for (const c of configs) {
          const { task, store } = await startTask(c);
          running.push(task);
          seen.push(names(await drain(task, store)) as string[]);
        }
        expect(seen).toEqual([
          ['t1', 't2', 't3'],
          ['t4', 't5'],
        ]);
        expect(await runtime.taskConfigs!(config({ mode: 'incrementing' }), 10)).toHaveLength(5);
        const query = config({ mode: 'bulk', query: 'SELECT 1 AS one' });
        expect(await runtime.taskConfigs!(query, 4)).toEqual([query]);
      });
    });

    describe('column checks', () => {
      it('refuses a nullable timestamp column unless validate.non.null=false', async () => {
        await ns.exec(`CREATE TABLE ${q('t')} (id ${ns.types.serial}, name ${ns.types.text}, ts ${ns.types.timestamp} NULL)`);
        await ns.insert('t', ['name', 'ts'], [['a', wall(T0)]]);
        await expect(start({ mode: 'timestamp', 'timestamp.column.name': 'ts' })).rejects.toThrow(/column 'ts' of table '.*t' is nullable.*'validate.non.null'='false'/);
        const { task, store } = await start({ mode: 'timestamp', 'timestamp.column.name': 'ts', 'validate.non.null': 'false' });
        expect(names(await drain(task, store))).toEqual(['a']);
      });

      it('names what is wrong with the configured columns', async () => {
        await ns.exec(`CREATE TABLE ${q('t')} (code ${ns.types.text} NOT NULL, name ${ns.types.text})`);
        await expect(start({ mode: 'incrementing' })).rejects.toThrow(/has no auto-increment column to detect; set 'incrementing.column.name'/);
        await expect(start({ mode: 'incrementing', 'incrementing.column.name': 'nope' })).rejects.toThrow(/'incrementing.column.name' names column 'nope'/);
        await expect(start({ mode: 'incrementing', 'incrementing.column.name': 'code' })).rejects.toThrow(/has type .*; it must be an integer/);
        await expect(start({ mode: 'bulk', key: 'missing' })).rejects.toThrow(/'key' names column 'missing'/);
      });
    });
  });
}
