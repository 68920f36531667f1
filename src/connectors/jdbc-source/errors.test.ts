/**
 * Failures: what is retriable (unreachable, starting, locked, connection lost) and what is not (credentials,
 * missing tables, SQL errors), with clear messages that never contain the password.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gate, mariadb, MARIADB, PG, postgres, sqlite } from '../../../test/helpers/databases.js';
import { RetriableTaskError } from '../api.js';
import { classify as classifyMysql } from './dialects/mysql.js';
import { classify as classifyPostgres } from './dialects/postgres.js';
import { classify as classifySqlite } from './dialects/sqlite.js';
import { taskConfigs } from './runtime.js';
import { drain, OffsetStore, pollOnce, startTask, values } from './testing.js';

const SECRET = 'S3cret-Passw0rd!';
const lite = sqlite();
const pgBackend = await postgres();
const myBackend = await mariadb();
const dir = mkdtempSync(join(tmpdir(), 'sluice-jdbc-errors-'));
afterAll(async () => {
  for (const b of [lite, pgBackend, myBackend]) await b.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

function expectRetriable(err: Error, pattern: RegExp) {
  expect(err).toBeInstanceOf(RetriableTaskError);
  expect(err.message).toMatch(pattern);
  expect(err.message).not.toContain(SECRET);
}

function expectFatal(err: Error, pattern: RegExp) {
  expect(err).not.toBeInstanceOf(RetriableTaskError);
  expect(err.message).toMatch(pattern);
  expect(err.message).not.toContain(SECRET);
}

const base = { mode: 'bulk', 'connection.attempts': '1', 'poll.interval.ms': '1' };

describe('classification', () => {
  it('sorts driver errors into retriable and fatal', () => {
    const pgErr = (code: string) => Object.assign(new Error(`server says ${SECRET}`), { code });
    expect(classifyPostgres(pgErr('57P03'), 'connecting', 'PG', [SECRET])).toBeInstanceOf(RetriableTaskError); // starting up
    expect(classifyPostgres(pgErr('55P03'), 'reading', 'PG', [SECRET])).toBeInstanceOf(RetriableTaskError); // lock
    expect(classifyPostgres(pgErr('08006'), 'reading', 'PG', [SECRET])).toBeInstanceOf(RetriableTaskError);
    expect(classifyPostgres(pgErr('28P01'), 'connecting', 'PG', [SECRET]).message).toBe(
      'PG rejected the credentials (SQLSTATE 28P01): server says ********',
    );
    expect(classifyPostgres(pgErr('42P01'), 'reading', 'PG', [SECRET])).not.toBeInstanceOf(RetriableTaskError);
    const myErr = (errno: number, code: string) => Object.assign(new Error('x'), { errno, code });
    expect(classifyMysql(myErr(1205, 'ER_LOCK_WAIT_TIMEOUT'), 'reading', 'My', [])).toBeInstanceOf(RetriableTaskError);
    expect(classifyMysql(myErr(1213, 'ER_LOCK_DEADLOCK'), 'reading', 'My', [])).toBeInstanceOf(RetriableTaskError);
    expect(classifyMysql(myErr(1045, 'ER_ACCESS_DENIED_ERROR'), 'connecting', 'My', [])).not.toBeInstanceOf(RetriableTaskError);
    expect(classifyMysql(Object.assign(new Error(''), { code: 'ECONNREFUSED' }), 'connecting', 'My', []).message).toBe(
      'cannot reach My while connecting: connection refused (ECONNREFUSED)',
    );
    expect(classifySqlite(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }), 'reading', 'S')).toBeInstanceOf(RetriableTaskError);
    expect(classifySqlite(Object.assign(new Error('no such table: t'), { code: 'SQLITE_ERROR' }), 'reading', 'S')).not.toBeInstanceOf(RetriableTaskError);
  });
});

describe('SQLite errors', () => {
  it('a missing database file is retriable (it may not exist yet)', async () => {
    const err = await failure(startTask({ ...base, 'connection.url': `jdbc:sqlite:${join(dir, 'nope.db')}` }));
    expectRetriable(err, /SQLite database '.*nope\.db' does not exist/);
  });

  it('a file that is not a database, a missing table and a broken query are not', async () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database file, just text that is long enough to have a header............');
    expectFatal(await failure(startTask({ ...base, 'connection.url': `jdbc:sqlite:${junk}` })), /is not a SQLite database/);
    const ns = await lite.open();
    await ns.exec('CREATE TABLE present (id INTEGER PRIMARY KEY)');
    expectFatal(
      await failure(startTask({ ...base, 'connection.url': ns.url, 'table.whitelist': 'present,absent' })),
      /table 'absent' listed in 'table.whitelist' does not exist in SQLite database/,
    );
    expectFatal(await failure(taskConfigs({ ...base, 'connection.url': ns.url, 'table.whitelist': 'Present' }, 1)), /did you mean 'present'\?/);
    expectFatal(
      await failure(startTask({ ...base, 'connection.url': ns.url, mode: 'incrementing', query: 'SELEC id FROM present', 'topic.prefix': 't' })),
      /the custom query in 'query' failed: .*syntax error/,
    );
    // A table assigned by taskConfigs that has been dropped since.
    const [config] = await taskConfigs({ ...base, 'connection.url': ns.url }, 1);
    await ns.exec('DROP TABLE present');
    expectFatal(await failure(startTask({ ...config! })), /table 'present' does not exist/);
  });
});

if (gate(pgBackend)) {
  describe('PostgreSQL errors', () => {
    const url = (host: string, port: number, extra = '') => `jdbc:postgresql://${host}:${port}/${PG.database}?user=${PG.user}${extra}`;

    it('an unreachable port or unknown host is retriable, after connection.attempts', async () => {
      const refused = await failure(startTask({ ...base, 'connection.url': url('127.0.0.1', 1, `&password=${SECRET}`), 'connection.attempts': '2', 'connection.backoff.ms': '10' }));
      expectRetriable(refused, /^cannot reach PostgreSQL at 127\.0\.0\.1:1\/test as user 'postgres' while connecting: connection refused \(ECONNREFUSED\) \(after 2 attempts\)$/);
      expectRetriable(await failure(startTask({ ...base, 'connection.url': url('nonexistent.invalid', PG.port) })), /unknown host \(ENOTFOUND\)/);
    });

    it('unknown credentials and a missing database are not retriable', async () => {
      const err = await failure(
        startTask({ ...base, 'connection.url': url(PG.host, PG.port).replace(`user=${PG.user}`, 'user=sluice_nobody'), 'connection.password': SECRET }),
      );
      expectFatal(err, /PostgreSQL at 127\.0\.0\.1:5432\/test as user 'sluice_nobody' rejected the credentials \(SQLSTATE 28000\)/);
      const db = await failure(startTask({ ...base, 'connection.url': `jdbc:postgresql://${PG.host}:${PG.port}/sluice_no_such_db?user=${PG.user}&password=${SECRET}` }));
      expectFatal(db, /the database does not exist/);
    });

    it('a missing table is named; logs never show the password', async () => {
      const ns = await pgBackend.open();
      await ns.exec('CREATE TABLE t (id BIGSERIAL PRIMARY KEY, name TEXT)');
      const cfg = { ...base, 'connection.url': `${ns.url}&password=${SECRET}`, ...ns.config };
      expectFatal(await failure(startTask({ ...cfg, 'table.whitelist': 'missing_table' })), /table 'missing_table' listed in 'table.whitelist' does not exist in PostgreSQL at/);
      const { task, ctx, store } = await startTask({ ...cfg, mode: 'incrementing' });
      await drain(task, store);
      await task.stop();
      expect(ctx.logs.join('\n')).not.toContain(SECRET);
      expect(ctx.logs.join('\n')).toContain('PostgreSQL at 127.0.0.1:5432/test');
    });

    it('a connection lost mid-pass is retriable and the next poll resumes without loss', async () => {
      const ns = await pgBackend.open();
      await ns.exec('CREATE TABLE t (id BIGSERIAL PRIMARY KEY, name TEXT)');
      await ns.insert('t', ['name'], [['a'], ['b'], ['c']]);
      const app = `sluice_kill_${process.pid}_${Date.now()}`;
      const store = new OffsetStore();
      const { task } = await startTask({ ...base, mode: 'incrementing', 'batch.max.rows': '1', 'connection.url': `${ns.url}&ApplicationName=${app}`, ...ns.config }, store);
      expect(values(await pollOnce(task, store)).map((v) => v.name)).toEqual(['a']);
      await ns.exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${app}'`);
      await new Promise((r) => setTimeout(r, 50));
      expectRetriable(await failure(pollOnce(task, store)), /PostgreSQL at .* (is not available|cannot reach|while)/);
      expect(values(await drain(task, store)).map((v) => v.name)).toEqual(['b', 'c']);
      await task.stop();
    });
  });
}

if (gate(myBackend)) {
  describe('MariaDB errors', () => {
    it('an unreachable port is retriable; a wrong password is not; neither shows it', async () => {
      const refused = await failure(startTask({ ...base, 'connection.url': `jdbc:mariadb://127.0.0.1:1/test?user=root&password=${SECRET}` }));
      expectRetriable(refused, /^cannot reach MariaDB at 127\.0\.0\.1:1\/test as user 'root' while connecting: connection refused \(ECONNREFUSED\)$/);
      const denied = await failure(startTask({ ...base, 'connection.url': `jdbc:mysql://${MARIADB.host}:${MARIADB.port}/test?user=root`, 'connection.password': SECRET }));
      expectFatal(denied, /^MySQL at 127\.0\.0\.1:3306\/test as user 'root' rejected the credentials \(ER_ACCESS_DENIED_ERROR\): Access denied/);
      // A ';password=' parameter is a password, not a part of the database's name that every message would show.
      const semicolon = await failure(startTask({ ...base, 'connection.url': `jdbc:mysql://${MARIADB.host}:${MARIADB.port}/test;password=${SECRET}?user=root` }));
      expectFatal(semicolon, /^MySQL at 127\.0\.0\.1:3306\/test as user 'root' rejected the credentials \(ER_ACCESS_DENIED_ERROR\)/);
    });

    it("connects with the credentials of the URL (userinfo raw or percent-encoded, or ?user=&password=); a wrong one there is not shown", async () => {
      const ns = await myBackend.open();
      await ns.exec('CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, name TEXT)');
      await ns.insert('t', ['name'], [['a'], ['b']]);
      const db = ns.fqn('t').split('.')[0]!;
      // A user of this test's own namespace, with a password holding URL punctuation.
      const user = `${db.slice(0, 60)}_u`.slice(-32);
      const password = 'p@ss:w0rd%';
      await ns.exec(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
      try {
        await ns.exec(`GRANT ALL ON ${db}.* TO '${user}'@'%'`);
        const hostPart = `${MARIADB.host}:${MARIADB.port}`;
        for (const url of [
          `jdbc:mariadb://${user}:${encodeURIComponent(password)}@${hostPart}/${db}`,
          // Written raw: the userinfo runs to the last '@' (and a '%' that starts no escape stays itself).
          `jdbc:mariadb://${user}:${password}@${hostPart}/${db}`,
          `jdbc:mysql://${hostPart}/${db}?user=${user}&password=${encodeURIComponent(password)}`,
        ]) {
          // One bulk pass: with base's 1 ms interval a loaded machine could start a second pass before drain sees idle.
          const { task, store } = await startTask({ ...base, 'poll.interval.ms': '600000', 'connection.url': url, 'topic.prefix': 'u-' });
          expect(values(await drain(task, store)).map((v) => v.name)).toEqual(['a', 'b']);
          await task.stop();
        }
        const denied = await failure(startTask({ ...base, 'connection.url': `jdbc:mariadb://${user}:${SECRET}@${hostPart}/${db}` }));
        expectFatal(denied, new RegExp(`^MariaDB at 127\\.0\\.0\\.1:3306/${db} as user '${user}' rejected the credentials \\(ER_ACCESS_DENIED_ERROR\\)`));
      } finally {
        await ns.exec(`DROP USER IF EXISTS '${user}'@'%'`);
      }
    });

    it('a missing table, a broken query, and a lost connection', async () => {
      const ns = await myBackend.open();
      await ns.exec('CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, name TEXT)');
      await ns.insert('t', ['name'], [['a'], ['b'], ['c']]);
      const cfg = { ...base, 'connection.url': ns.url };
      expectFatal(await failure(startTask({ ...cfg, 'table.whitelist': 'nope' })), /table 'nope' listed in 'table.whitelist' does not exist in MariaDB/);
      expectFatal(
        await failure(startTask({ ...cfg, mode: 'incrementing', query: 'SELECT id, name FROM t WHERE', 'topic.prefix': 'x' })),
        /the custom query in 'query' failed: .*ER_PARSE_ERROR/,
      );
      // Lost while idle between passes: the next poll reconnects by itself.
      const db = ns.fqn('t').split('.')[0]!;
      const killAll = async (what = '') => {
        for (const [id] of await ns.query(`SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '${db}' AND ID <> CONNECTION_ID()`)) {
          await ns.exec(`KILL ${what}${String(id)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      };
      const store = new OffsetStore();
      const { task } = await startTask({ ...cfg, mode: 'incrementing', 'batch.max.rows': '1000' }, store);
      expect(values(await drain(task, store)).map((v) => v.name)).toEqual(['a', 'b', 'c']);
      await killAll();
      // 20 MB: far more than socket buffers hold, so the server is still sending when the query is killed.
      await ns.exec("INSERT INTO t (name) SELECT concat('n', seq, repeat('x', 400)) FROM seq_1_to_50000");
      // Lost in the middle of a streamed pass: retriable, and the pass resumes from the offset reached.
      const seen: unknown[] = [];
      seen.push(...values(await pollOnce(task, store)).map((v) => v.id));
      await killAll('QUERY ');
      let error: Error | undefined;
      for (let i = 0; i < 200 && !error; i++) {
        try {
          seen.push(...values(await pollOnce(task, store)).map((v) => v.id));
        } catch (err) {
          error = err as Error;
        }
      }
      expectRetriable(error!, /MariaDB at .* is not available while reading rows \(ER_QUERY_INTERRUPTED\)/);
      seen.push(...values(await drain(task, store)).map((v) => v.id));
      expect(seen).toEqual(Array.from({ length: 50_000 }, (_, i) => i + 4));
      await task.stop();
    });
  });
}
