/**
 * Status that tells the truth (issue 10 §3): a JDBC source that cannot reach its database says so — connecting,
 * retrying (attempt n of m, when next, the last error), then FAILED with the driver's error — in DESCRIBE, SHOW
 * CONNECTORS and the /ws status push; a database that goes away while the source runs shows the retries beside
 * RUNNING. Real PostgreSQL and MariaDB drivers; "down" is a closed port or a TCP proxy in front of the database
 * that is shut and opened again.
 */

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConnectorDescriptionEntity, ConnectorListEntity, Entity } from '../src/engine/results.js';
import { Session } from '../src/engine/session.js';
import { renderEntity } from '../src/render/entity.js';
import { eventually } from '../src/runtime/testing.js';
import { startServer, TestClient, type ServerRig } from '../src/server/testing.js';
import { gate, MARIADB, mariadb, PG, postgres, type Backend, type Namespace } from './helpers/databases.js';

const backends: [Backend, number][] = [
  [await postgres(), PG.port],
  [await mariadb(), MARIADB.port],
];
afterAll(async () => {
  for (const [b] of backends) await b.shutdown();
});

const rigs: ServerRig[] = [];
const clients: TestClient[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const r of rigs.splice(0)) await r.stop();
  for (const f of cleanups.splice(0)) await f();
});

/** The first value `fn` gives (polled until then, at most `ms`). */
async function found<T>(fn: () => T | undefined, ms: number, what: string): Promise<T> {
  return (await eventually(fn, ms, what))!;
}

/** A port nothing listens on: bound, then closed again. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP proxy to the database on a port of its own, that can be shut (connections cut, port closed) and opened again. */
class Proxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async shut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function rig(): Promise<{ r: ServerRig; watcher: TestClient; exec: (sql: string) => Entity[] }> {
  const r = await startServer();
  rigs.push(r);
  const watcher = await TestClient.open(r.wsUrl);
  clients.push(watcher);
  watcher.send({ subscribe: 'status' });
  await watcher.next((f) => f['subscribed'] === 'status');
  const session = new Session();
  return { r, watcher, exec: (sql) => r.engine.execute(sql, session) };
}

const describeDb = (exec: (sql: string) => Entity[]) => exec('DESCRIBE CONNECTOR db;')[0] as ConnectorDescriptionEntity;
const showDb = (exec: (sql: string) => Entity[]) => (exec('SHOW CONNECTORS;')[0] as ConnectorListEntity).connectors.find((c) => c.name === 'DB')!;

function jdbc(url: string, ns: Namespace, extra: string): string {
  const config = Object.entries(ns.config)
    .map(([k, v]) => `, '${k}' = '${v}'`)
    .join('');
  return `CREATE SOURCE CONNECTOR db WITH ('connector.class' = 'JdbcSource', 'connection.url' = '${url}', 'topic.prefix' = 'db-'${config}${extra});`;
}

for (const [backend, dbPort] of backends) {
  if (!gate(backend)) continue;

  describe(backend.name, () => {
    it('a source at a closed port shows it is connecting and retrying at once (DESCRIBE, SHOW, /ws), then FAILED with the driver error', async () => {
      const ns = await backend.open();
      cleanups.push(() => ns.drop());
      const { watcher, exec, r } = await rig();
      const port = await freePort();
      const url = ns.url.replace(`:${dbPort}/`, `:${port}/`);
      // Confluent's defaults are 3 attempts 10 s apart: the second attempt comes after 1.5 s here.
      exec(jdbc(url, ns, ", 'mode' = 'bulk', 'connection.attempts' = '3', 'connection.backoff.ms' = '1500'"));

      // The first attempt failed and the next is awaited: said as soon as it is so, not after all attempts.
      const retrying = await found(() => {
        const d = describeDb(exec);
        return d.status.connector.activity?.phase === 'retrying' ? d : undefined;
      }, 5_000, 'DESCRIBE to show the retry');
      expect(retrying.status.connector.state).toBe('UNASSIGNED');
      expect(retrying.status.connector.activity).toMatchObject({
        what: expect.stringContaining(`127.0.0.1:${port}`),
        attempt: 1,
        attempts: 3,
        lastError: expect.stringMatching(/ECONNREFUSED|refused/),
        nextAttemptAt: expect.any(String),
      });
      expect(retrying.status.connector.activity!.nextAttemptInMs).toBeLessThanOrEqual(1500);
      expect(retrying.status.connector.activity!.description).toMatch(
        new RegExp(`^retrying the connection to ${backend.name} at 127\\.0\\.0\\.1:${port}/\\S+ .*since \\S+: attempt 1 of 3 failed, next in \\d+\\.\\d s; last error: .*refused`),
      );
      expect(retrying.errors).toBe(1);
      // On stderr too, as the runtime's own retries are: before, nothing until the attempts were spent.
      expect(r.logs).toContainEqual(expect.stringMatching(new RegExp(`WARN \\[DB\\] the connection to ${backend.name} at 127\\.0\\.0\\.1:${port}/\\S+ .*failed \\(attempt 1 of 3, retrying in 1500 ms\\): .*refused`)));
      expect(renderEntity(retrying)).toMatch(/^Activity\s+: retrying .* attempt 1 of 3 failed, next in/m);
      expect(showDb(exec)).toMatchObject({ state: 'UNASSIGNED', activity: expect.stringMatching(/^(retrying .*\(attempt [12]\/3 failed\)|connecting to .* \(attempt [23]\/3\))$/) });

      // The push carries the same.
      const pushed = await watcher.next((f) => f['connector'] === 'DB' && (f['activity'] as { phase?: string } | undefined)?.phase === 'retrying');
      expect(pushed['activity']).toMatchObject({ attempt: 1, attempts: 3, lastError: expect.stringMatching(/refused/), nextAttemptAt: expect.any(String), nextAttemptInMs: expect.any(Number), description: expect.stringMatching(/^retrying the connection to .* attempt 1 of 3 failed, next in/), since: expect.any(String) });

      // Attempts exhausted: FAILED with the driver's error, the activity over, each failed attempt counted.
      const failed = await found(() => {
        const d = describeDb(exec);
        return d.status.connector.state === 'FAILED' ? d : undefined;
      }, 15_000, 'FAILED');
      expect(failed.status.connector.trace).toMatch(/ECONNREFUSED|refused/);
      expect(failed.status.connector.trace).toMatch(/after 3 attempts/);
      expect(failed.status.connector.activity).toBeUndefined();
      expect(failed.errors).toBe(3);
      expect(showDb(exec)).toEqual(expect.not.objectContaining({ activity: expect.anything() }));
      await watcher.next((f) => f['connector'] === 'DB' && f['state'] === 'FAILED' && f['activity'] === undefined);
    }, 30_000);

    it('a database that goes away while the source runs: RUNNING, and the retries shown beside it until it is back', async () => {
      const ns = await backend.open();
      cleanups.push(() => ns.drop());
      await ns.exec(`CREATE TABLE ${ns.quote('t')} (id ${ns.types.serial}, name ${ns.types.text})`);
      await ns.insert('t', ['name'], [['a'], ['b']]);
      const proxy = new Proxy(await freePort(), dbPort);
      await proxy.open();
      cleanups.push(() => proxy.shut());
      const { watcher, r, exec } = await rig();
      const url = ns.url.replace(`:${dbPort}/`, `:${proxy.port}/`);
      exec(
        jdbc(url, ns, ", 'mode' = 'incrementing', 'incrementing.column.name' = 'id', 'poll.interval.ms' = '100', 'table.poll.interval.ms' = '600000', 'connection.attempts' = '1', 'errors.retry.timeout' = '-1', 'errors.retry.delay.max.ms' = '400'"),
      );
      await eventually(() => (describeDb(exec).recordsOut === 2 ? true : undefined), 10_000, 'the first rows');

      await proxy.shut();
      const down = await found(() => {
        const d = describeDb(exec);
        return d.status.tasks[0]?.activity?.phase === 'retrying' ? d : undefined;
      }, 10_000, 'the retries to show');
      expect(down.status.connector.state).toBe('RUNNING');
      expect(down.status.tasks[0]).toMatchObject({ state: 'RUNNING', activity: { what: 'poll', lastError: expect.any(String), attempt: expect.any(Number) } });
      expect(down.errors).toBeGreaterThan(0);
      expect(renderEntity(down)).toMatch(/^Activity\s+: task 0: retrying poll since \S+: attempt \d+ failed, next in/m);
      expect(showDb(exec)).toMatchObject({ state: 'RUNNING (1/1 tasks RUNNING)', activity: expect.stringMatching(/^retrying poll \(attempt \d+ failed\)$|^connecting/) });
      await watcher.next((f) => f['connector'] === 'DB' && ((f['tasks'] as { activity?: { phase: string } }[] | undefined)?.[0]?.activity?.phase === 'retrying'));
      // Each round (reconnect, fail, wait) goes on the same activity: its start stays when the database went away.
      const later = await found(() => {
        const a = describeDb(exec).status.tasks[0]?.activity;
        return a?.phase === 'retrying' && a.attempt! > down.status.tasks[0]!.activity!.attempt! ? a : undefined;
      }, 10_000, 'a later retry');
      expect(later.since).toBe(down.status.tasks[0]!.activity!.since);

      await proxy.open();
      await ns.insert('t', ['name'], [['c']]);
      await eventually(() => (describeDb(exec).recordsOut === 3 ? true : undefined), 10_000, 'the row written while it was down');
      const back = describeDb(exec);
      expect(back.status.tasks[0]).toMatchObject({ state: 'RUNNING' });
      expect(back.status.tasks[0]!.activity).toBeUndefined();
      void r;
    }, 40_000);

    it('PAUSE while a task waits to retry its connection stops it there: no further attempt, nothing counted or logged as failed', async () => {
      const ns = await backend.open();
      cleanups.push(() => ns.drop());
      await ns.exec(`CREATE TABLE ${ns.quote('t')} (id ${ns.types.serial}, name ${ns.types.text})`);
      await ns.insert('t', ['name'], [['a']]);
      const proxy = new Proxy(await freePort(), dbPort);
      await proxy.open();
      cleanups.push(() => proxy.shut());
      const { r, exec } = await rig();
      const url = ns.url.replace(`:${dbPort}/`, `:${proxy.port}/`);
      exec(
        jdbc(url, ns, ", 'mode' = 'incrementing', 'incrementing.column.name' = 'id', 'poll.interval.ms' = '100', 'table.poll.interval.ms' = '600000', 'connection.attempts' = '3', 'connection.backoff.ms' = '60000', 'errors.retry.timeout' = '-1'"),
      );
      await eventually(() => (describeDb(exec).recordsOut === 1 ? true : undefined), 10_000, 'the first row');

      await proxy.shut();
      const waiting = await found(() => {
        const d = describeDb(exec);
        const a = d.status.tasks[0]?.activity;
        return a?.phase === 'retrying' && a.what.startsWith('the connection') ? d : undefined;
      }, 10_000, 'the task to wait for its next connection attempt');
      expect(r.logs).toContainEqual(expect.stringMatching(/WARN \[DB\/0\] the connection to .* failed \(attempt 1 of 3, retrying in 60000 ms\)/));
      const logged = r.logs.length;

      exec('PAUSE CONNECTOR db;');
      const paused = await found(() => {
        const d = describeDb(exec);
        return d.status.connector.state === 'PAUSED' && d.status.tasks.every((t) => t.state === 'PAUSED') ? d : undefined;
      }, 10_000, 'PAUSED');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = describeDb(exec);
      expect(after.errors).toBe(waiting.errors);
      expect(after.lastError).toEqual(waiting.lastError);
      expect(r.logs.slice(logged).filter((l) => /WARN|ERROR/.test(l))).toEqual([]);
      expect(paused.status.tasks[0]!.activity).toBeUndefined();
    }, 30_000);
  });
}

describe('the error counter', () => {
  it('counts a failure the same for every connector, in DESCRIBE and in sluice_connector_errors_total', async () => {
    const { r, exec } = await rig();
    const db = path.join(r.dir, 'shop.db');
    new Database(db).exec('CREATE TABLE other (id INTEGER PRIMARY KEY)').close();
    fs.mkdirSync(path.join(r.dir, 'a-dir'));
    const jdbcSource = (name: string, extra: string) =>
      `CREATE SOURCE CONNECTOR ${name} WITH ('connector.class' = 'JdbcSource', 'connection.url' = 'jdbc:sqlite:${db}', 'mode' = 'bulk', 'topic.prefix' = '${name}-'${extra});`;
    // The JDBC source fails while it splits its work (no task yet), in its task (the query), the file source in its task.
    exec(
      jdbcSource('no_table', ", 'table.whitelist' = 'no_such_table'") +
        jdbcSource('bad_query', ", 'query' = 'SELECT * FROM no_such_table'") +
        `CREATE SOURCE CONNECTOR no_file WITH ('connector.class' = 'FileStreamSource', 'file' = '${path.join(r.dir, 'a-dir')}', 'topic' = 't');`,
    );
    const names = ['NO_TABLE', 'BAD_QUERY', 'NO_FILE'];
    const described = await found(() => {
      const ds = names.map((n) => exec(`DESCRIBE CONNECTOR ${n};`)[0] as ConnectorDescriptionEntity);
      const failed = (d: ConnectorDescriptionEntity) => d.status.connector.state === 'FAILED' || d.status.tasks.some((t) => t.state === 'FAILED');
      return ds.every(failed) ? ds : undefined;
    }, 10_000, 'all three to fail');
    expect(described.map((d) => [d.status.name, d.errors])).toEqual(names.map((n) => [n, 1]));
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    for (const n of names) expect(metrics).toMatch(new RegExp(`^sluice_connector_errors_total\\{connector="${n}",type="source"\\} 1$`, 'm'));
  });
});
