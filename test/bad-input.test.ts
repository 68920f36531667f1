// Issue 3 §8, end to end: connectors with bad input go FAILED with a clear trace in DESCRIBE, the other connectors
// keep moving data, nothing already delivered is lost, and no password shows anywhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gate, mariadb, postgres } from './helpers/databases.js';
import { collect, ensureBuilt, ROOT, sluiceEnv, spawnSluice, type Result } from './helpers/sluice-process.js';

const PASSWORD = 'Wr0ng-Pa55word!';
const pg = await postgres();
const maria = await mariadb();

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bad-'));
  fs.copyFileSync(path.join(ROOT, 'examples', 'shop.db'), path.join(dir, 'shop.db'));
  fs.writeFileSync(path.join(dir, 'in.txt'), Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join(''));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function sluice(args: string[], input?: string): Promise<Result> {
  const child = spawnSluice(args, dir, sluiceEnv(path.join(dir, 'history')));
  const done = collect(child);
  child.stdin.end(input ?? '');
  return done;
}

interface Described {
  status: { connector: { state: string; trace?: string } };
  lastError?: { message: string };
}
const why = (e: Described) => `${e.status.connector.trace ?? ''} ${e.lastError?.message ?? ''}`.trim();

/** Asks DESCRIBE for each connector every 250 ms in one piped shell until `done` holds (or 30 s pass). */
async function describeUntil(names: string[], done: (entities: Described[]) => boolean): Promise<{ entities: Described[]; result: Result }> {
  const child = spawnSluice(['shell', '--data-dir', 'data', '--output', 'json'], dir, sluiceEnv(path.join(dir, 'history')));
  const finished = collect(child);
  let latest: Described[] = [];
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    // Only complete lines: the last piece may be half a JSON entity.
    const rows = buffer.split('\n').slice(0, -1).filter(Boolean).map((l) => JSON.parse(l) as Described);
    if (rows.length >= names.length && rows.length % names.length === 0) latest = rows.slice(-names.length);
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !(latest.length === names.length && done(latest))) {
    child.stdin.write(names.map((n) => `DESCRIBE CONNECTOR ${n};`).join(' ') + '\n');
    await new Promise((r) => setTimeout(r, 250));
  }
  child.stdin.end('exit\n');
  return { entities: latest, result: await finished };
}

const jdbc = (name: string, url: string, extra: string) =>
  `CREATE SOURCE CONNECTOR ${name} WITH ('connector.class' = 'JdbcSource', 'connection.url' = '${url}', 'mode' = 'incrementing', ` +
  `'incrementing.column.name' = 'id', 'topic.prefix' = '${name}-'${extra});\n`;

describe.runIf(gate(pg))('connectors with bad input', () => {
  it('fail with a clear trace while the others keep running, and never show the password', async () => {
    const script =
      "CREATE SOURCE CONNECTOR good WITH ('connector.class' = 'FileStreamSource', 'file' = 'in.txt', 'topic' = 'lines');\n" +
      "CREATE SINK CONNECTOR good_out WITH ('connector.class' = 'FileStreamSink', 'file' = 'out.txt', 'topics' = 'lines');\n" +
      jdbc('no_table', 'jdbc:sqlite:shop.db', ", 'table.whitelist' = 'no_such_table'") +
      jdbc('bad_login', 'jdbc:postgresql://127.0.0.1:5432/test', `, 'connection.user' = 'no_such_user', 'connection.password' = '${PASSWORD}', 'table.whitelist' = 'x'`) +
      jdbc('no_server', 'jdbc:postgresql://127.0.0.1:1/test', `, 'connection.password' = '${PASSWORD}', 'connection.attempts' = '2', 'connection.backoff.ms' = '100', 'table.whitelist' = 'x'`) +
      "CREATE SOURCE CONNECTOR no_file WITH ('connector.class' = 'FileStreamSource', 'file' = 'missing.txt', 'topic' = 't', 'errors.retry.timeout' = '1500', 'errors.retry.delay.max.ms' = '200');\n";
    fs.writeFileSync(path.join(dir, 'bad.sql'), script);
    const run = await sluice(['run', 'bad.sql', '--data-dir', 'data', '--until-idle']);
    expect(run.code, run.stderr).toBe(1);
    for (const name of ['NO_TABLE', 'BAD_LOGIN', 'NO_SERVER']) expect(run.stderr).toMatch(new RegExp(`^bad\\.sql: CONNECTOR_FAILED connector ${name} FAILED: `, 'm'));

    // The healthy pipeline delivered everything.
    expect(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8').split('\n').filter(Boolean)).toHaveLength(300);

    // A live shell re-runs them; DESCRIBE is asked until every bad connector reports why it failed.
    // FAILED again, not only an error of a first attempt: a DESCRIBE shows a connector that is retrying at once.
    const described = await describeUntil(['no_table', 'bad_login', 'no_server', 'good_out'], (es) =>
      es.slice(0, 3).every((e) => e.status.connector.state === 'FAILED' && /\S/.test(why(e))),
    );
    const [noTable, badLogin, noServer, goodOut] = described.entities;
    expect(why(noTable!)).toMatch(/no_such_table/);
    expect(why(badLogin!)).toMatch(/no_such_user|password authentication failed|authentication/i);
    expect(why(noServer!)).toMatch(/127\.0\.0\.1:1|ECONNREFUSED|refused/i);
    expect(why(noServer!)).toMatch(/after 2 attempts/);
    expect(goodOut!.status.connector.state).not.toBe('FAILED');

    for (const r of [run, described.result]) {
      expect(`${r.stdout}${r.stderr}`).not.toContain(PASSWORD);
      expect(r.stderr).not.toMatch(/^\s{4}at /m);
    }
  }, 90_000);
});

describe.runIf(gate(pg))('a password that is also shown as another value', () => {
  it("leaves the user 'postgres' and the database in traces and log lines when the password is 'postgres' too", async () => {
    const sql =
      "CREATE SOURCE CONNECTOR same WITH ('connector.class' = 'JdbcSource', 'connection.url' = 'jdbc:postgresql://127.0.0.1:5432/test', " +
      "'connection.user' = 'postgres', 'connection.password' = 'postgres', 'mode' = 'bulk', 'topic.prefix' = 'same-', 'table.whitelist' = 'nosuch');\n" +
      'DESCRIBE CONNECTOR same EXTENDED;\n';
    fs.writeFileSync(path.join(dir, 'same.sql'), sql);
    const r = await sluice(['run', 'same.sql', '--until-idle', '--data-dir', 'same-data', '--output', 'json']);
    expect(r.code).toBe(1);
    const described = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Described & { config: Record<string, string> })[1]!;
    expect(described.config).toMatchObject({ 'connection.user': 'postgres', 'connection.password': '********' });
    // Masked in the trace alone, 'postgres' would say that the user shown in the config is the password.
    const trace = "does not exist in PostgreSQL at 127.0.0.1:5432/test as user 'postgres'";
    expect(why(described)).toContain(trace);
    expect(r.stderr).toContain(trace);
    expect(`${why(described)} ${r.stderr}`).not.toContain('********');
  });
});

describe.runIf(gate(pg) && gate(maria))('a driver message naming the user that is also the password', () => {
  it("keeps the user in 'role \"…\" does not exist' and 'Access denied for user …'", async () => {
    const user = 'ghost_same_9';
    const sql = (name: string, url: string) =>
      `CREATE SOURCE CONNECTOR ${name} WITH ('connector.class' = 'JdbcSource', 'connection.url' = '${url}', 'connection.user' = '${user}', ` +
      `'connection.password' = '${user}', 'mode' = 'bulk', 'topic.prefix' = '${name}-');\nDESCRIBE CONNECTOR ${name};\n`;
    fs.writeFileSync(path.join(dir, 'ghost.sql'), sql('gp', 'jdbc:postgresql://127.0.0.1:5432/test') + sql('gm', 'jdbc:mariadb://127.0.0.1:3306/test'));
    const r = await sluice(['run', 'ghost.sql', '--until-idle', '--data-dir', 'ghost-data', '--output', 'json']);
    expect(r.code).toBe(1);
    const [pgTrace, mariaTrace] = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Described & { '@type': string })
      .filter((e) => e['@type'] === 'connector_description')
      .map(why);
    expect(pgTrace).toContain(`as user '${user}' rejected the credentials (SQLSTATE 28000): role "${user}" does not exist`);
    expect(mariaTrace).toMatch(new RegExp(`as user '${user}' rejected the credentials \\(ER_ACCESS_DENIED\\w*\\): Access denied for user '${user}'@`));
    expect(`${pgTrace} ${mariaTrace} ${r.stderr}`).not.toContain('********');
  });
});
