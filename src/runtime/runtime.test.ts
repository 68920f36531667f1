import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import type { ConnectorStatusRecord } from '../catalog/types.js';
import { defaultRegistry } from '../connectors/registry.js';
import { Engine } from '../engine/engine.js';
import { isError, type ConnectorDescriptionEntity, type ConnectorListEntity, type Entity } from '../engine/results.js';
import { Session } from '../engine/session.js';
import { EmbeddedLog } from '../platform/embedded/index.js';
import { Runtime } from './runtime.js';
import { captureLogger, eventually, readAll, tempDir } from './testing.js';

interface Rig {
  catalog: Catalog;
  log: EmbeddedLog;
  runtime: Runtime;
  engine: Engine;
  lines: string[];
  exec: (sql: string) => Entity[];
  status: (name: string) => ConnectorStatusRecord | undefined;
  persisted: (name: string) => ConnectorStatusRecord | undefined;
}

let tmp: ReturnType<typeof tempDir>;
const rigs: Rig[] = [];
beforeEach(() => {
  tmp = tempDir('sluice-runtime-');
});
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.runtime.stop();
    await r.log.close();
    r.catalog.close();
  }
  tmp.cleanup();
});

async function rig(opts: { catalog?: Catalog; log?: EmbeddedLog } = {}): Promise<Rig> {
  const catalog = opts.catalog ?? Catalog.inMemory();
  const log = opts.log ?? EmbeddedLog.inMemory();
  const { logger, lines } = captureLogger();
  const runtime = new Runtime({ catalog, log, registry: defaultRegistry, logger, tickMs: 50 });
  await runtime.start();
  const engine = new Engine({ catalog, runtime });
  const session = new Session({ baseDir: tmp.dir });
  const r: Rig = {
    catalog,
    log,
    runtime,
    engine,
    lines,
    exec: (sql) => {
      const out = engine.execute(sql, session);
      const errors = out.filter(isError);
      if (errors.length > 0) throw new Error(`statement failed: ${JSON.stringify(errors)}`);
      return out;
    },
    status: (name) => {
      const record = catalog.findConnectorIgnoringCase(name);
      return record ? runtime.status(record) : undefined;
    },
    persisted: (name) => {
      const record = catalog.findConnectorIgnoringCase(name);
      return record ? catalog.getStatus(record.id) : undefined;
    },
  };
  rigs.push(r);
  return r;
}

const source = (name: string, file: string, topic: string, extra = '') =>
  `CREATE SOURCE CONNECTOR ${name} WITH ('connector.class' = 'FileStreamSource', 'file' = '${file}', 'topic' = '${topic}'${extra});`;
const sink = (name: string, file: string, topics: string, extra = '') =>
  `CREATE SINK CONNECTOR ${name} WITH ('connector.class' = 'FileStreamSink', 'file' = '${file}', 'topics' = '${topics}'${extra});`;
const numbered = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join('');
const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
const topicValues = async (r: Rig, topic: string) => (await readAll(r.log, topic)).map((x) => x.value);
const taskState = (s: ConnectorStatusRecord | undefined) => s?.tasks.map((t) => t.state);

describe('runtime: connectors driven by statements', () => {
  it('CREATE starts a file source → file sink pipeline at once; untilIdle is idle once it drained; status is persisted', async () => {
    const r = await rig();
    const [input, output] = [tmp.file('in.txt'), tmp.file('out.txt')];
    fs.writeFileSync(input, numbered(0, 50));
    const t0 = Date.now();
    r.exec(source('src', input, 'lines'));
    await eventually(async () => (await topicValues(r, 'lines')).length === 50, 5_000, 'the source to read the file');
    expect(Date.now() - t0).toBeLessThan(2_000);
    r.exec(sink('snk', output, 'lines'));
    expect(await r.runtime.untilIdle()).toBe('idle');
    expect(read(output)).toBe(numbered(0, 50));
    expect(r.status('src')).toMatchObject({ state: 'RUNNING', tasks: [{ id: 0, state: 'RUNNING', recordsIn: 50, recordsOut: 50, errors: 0 }], topics: ['lines'] });
    await eventually(() => r.persisted('snk')?.tasks[0]?.recordsOut === 50, 5_000, 'the sink status to be persisted');
    expect(r.persisted('snk')).toMatchObject({ state: 'RUNNING', tasks: [{ state: 'RUNNING', recordsIn: 50, recordsOut: 50 }] });
    expect(r.runtime.sinkPositions('SNK')).toEqual([{ topic: 'lines', partition: 0, offset: 50 }]);
    await eventually(() => r.runtime.sourceOffsets('SRC').length === 1, 5_000, 'the offset cache');
    expect(r.runtime.sourceOffsets('SRC')).toEqual([{ partition: { filename: input }, offset: { position: Buffer.byteLength(numbered(0, 50)), file_id: expect.any(String) } }]);
  });

  it('PAUSE stops the flow, RESUME goes on from the committed offsets; counters survive', async () => {
    const r = await rig();
    const [input, output] = [tmp.file('in.txt'), tmp.file('out.txt')];
    fs.writeFileSync(input, numbered(0, 5));
    r.exec(source('src', input, 'lines') + sink('snk', output, 'lines'));
    await eventually(() => read(output) === numbered(0, 5), 5_000, 'the first lines');

    r.exec('PAUSE CONNECTOR src;');
    await eventually(() => r.status('src')?.state === 'PAUSED', 5_000, 'PAUSED');
    await eventually(() => r.persisted('src')?.state === 'PAUSED', 5_000, 'PAUSED persisted');
    fs.appendFileSync(input, numbered(5, 10));
    // Nothing moves while paused: several of the source's poll intervals (250 ms) pass without a record.
    await new Promise((res) => setTimeout(res, 700));
    expect(await topicValues(r, 'lines')).toHaveLength(5);
    expect(await r.runtime.untilIdle()).toBe('idle'); // a paused connector does not keep the runtime busy

    r.exec('RESUME CONNECTOR src;');
    await eventually(() => read(output) === numbered(0, 10), 5_000, 'the lines written while paused');
    expect(await topicValues(r, 'lines')).toEqual(numbered(0, 10).split('\n').slice(0, -1));
    await eventually(() => r.status('src')?.tasks[0]?.recordsOut === 10, 5_000, 'the source counters');
    expect(r.status('src')).toMatchObject({ state: 'RUNNING', tasks: [{ state: 'RUNNING', recordsIn: 10, recordsOut: 10 }] });
  });

  it('a paused connector shows its tasks PAUSED with their counters', async () => {
    const r = await rig();
    const input = tmp.file('in.txt');
    fs.writeFileSync(input, numbered(0, 3));
    r.exec(source('src', input, 'lines'));
    await eventually(() => r.status('src')?.tasks[0]?.recordsOut === 3, 5_000, 'three records');
    r.exec('PAUSE CONNECTOR src;');
    await eventually(() => r.status('src')?.state === 'PAUSED', 5_000, 'PAUSED');
    expect(r.status('src')?.tasks).toEqual([{ id: 0, state: 'PAUSED', recordsIn: 3, recordsOut: 3, errors: 0 }]);
  });

  it('ALTER restarts the connector with the new config (a sink writes to its new file, the old file is left alone)', async () => {
    const r = await rig();
    const [input, first, second] = [tmp.file('in.txt'), tmp.file('first.txt'), tmp.file('second.txt')];
    fs.writeFileSync(input, numbered(0, 3));
    const before = 'this file was here before and is much longer than what the sink committed for first.txt\n';
    fs.writeFileSync(second, before);
    r.exec(source('src', input, 'lines') + sink('snk', first, 'lines', ", 'processing.guarantees' = 'EFFECTIVELY_ONCE'"));
    await eventually(() => read(first) === numbered(0, 3), 5_000, 'the first file');
    expect(await r.runtime.untilIdle()).toBe('idle');

    r.exec(`ALTER CONNECTOR snk SET ('file' = '${second}');`);
    fs.appendFileSync(input, numbered(3, 6));
    await eventually(() => read(second) === before + numbered(3, 6), 5_000, 'the new file');
    expect(read(first)).toBe(numbered(0, 3));
    expect(r.status('snk')).toMatchObject({ state: 'RUNNING', tasks: [{ state: 'RUNNING' }] });
  });

  it('a connector that fails (its file is a directory) is FAILED with its trace, persisted, and does not disturb the others', async () => {
    const r = await rig();
    const [missing, input, output] = [tmp.file('a-directory'), tmp.file('in.txt'), tmp.file('out.txt')];
    fs.mkdirSync(missing);
    fs.writeFileSync(input, numbered(0, 3));
    r.exec(source('good', input, 'lines') + sink('snk', output, 'lines') + source('bad', missing, 'other', ", 'errors.retry.timeout' = '0'"));
    await eventually(() => r.status('bad')?.state === 'FAILED', 5_000, 'the bad source to fail');
    expect(await r.runtime.untilIdle()).toBe('failed');
    const trace = `Error: ${missing} is a directory, not a file — caused by Error EISDIR: EISDIR: ${missing}`;
    expect(r.status('bad')?.tasks).toEqual([{ id: 0, state: 'FAILED', trace, recordsIn: 0, recordsOut: 0, errors: 1 }]);
    await eventually(() => r.persisted('bad')?.state === 'FAILED', 5_000, 'FAILED persisted');
    expect(r.persisted('bad')?.tasks[0]).toMatchObject({ state: 'FAILED', trace });
    expect(r.persisted('bad')?.lastError?.message).toBe(trace);

    // The others keep moving data.
    fs.appendFileSync(input, numbered(3, 6));
    await eventually(() => read(output) === numbered(0, 6), 5_000, 'the good pipeline to go on');
    expect(r.status('good')?.state).toBe('RUNNING');
    expect(r.status('snk')?.state).toBe('RUNNING');
  });

  it('RESTART restarts a FAILED task', async () => {
    const r = await rig();
    const input = tmp.file('late.txt');
    fs.mkdirSync(input);
    r.exec(source('src', input, 'lines'));
    await eventually(() => r.status('src')?.state === 'FAILED', 5_000, 'FAILED');
    fs.rmdirSync(input);
    fs.writeFileSync(input, numbered(0, 2));
    await new Promise((res) => setTimeout(res, 100));
    expect(r.status('src')?.state).toBe('FAILED'); // nothing restarts it on its own
    r.exec('RESTART CONNECTOR src;');
    await eventually(async () => (await topicValues(r, 'lines')).length === 2, 5_000, 'the restarted source');
    expect(taskState(r.status('src'))).toEqual(['RUNNING']);
    expect(r.status('src')?.state).toBe('RUNNING');
    expect(r.status('src')?.tasks[0]?.trace).toBeUndefined();
    expect(await r.runtime.untilIdle()).toBe('idle');
  });

  it('a file source waits for its file (RUNNING, the wait shown by DESCRIBE and SHOW) and reads it from the start once it appears', async () => {
    const r = await rig();
    const input = tmp.file('soon.txt');
    r.exec(source('src', input, 'lines'));
    await eventually(() => r.status('src')?.tasks[0]?.activity !== undefined, 5_000, 'the wait to show');
    expect(r.status('src')).toMatchObject({ state: 'RUNNING', tasks: [{ state: 'RUNNING', errors: 0, activity: { phase: 'waiting', what: `file '${input}'` } }] });
    const [described] = r.exec('DESCRIBE CONNECTOR src;') as ConnectorDescriptionEntity[];
    expect(described!.status.tasks[0]!.activity).toMatchObject({ phase: 'waiting', description: expect.stringMatching(new RegExp(`^waiting for file '${input}' since \\d{4}-`)) });
    expect(described!.errors).toBe(0);
    const [list] = r.exec('SHOW CONNECTORS;') as ConnectorListEntity[];
    expect(list!.connectors[0]).toMatchObject({ state: 'RUNNING (1/1 tasks RUNNING)', activity: `waiting for file '${input}'` });
    // Still waiting a few polls later (nothing fails, nothing is counted).
    await new Promise((res) => setTimeout(res, 600));
    expect(r.status('src')?.tasks[0]).toMatchObject({ state: 'RUNNING', errors: 0, activity: { phase: 'waiting' } });

    fs.writeFileSync(input, 'first\nsecond\n');
    await eventually(async () => (await topicValues(r, 'lines')).length === 2, 5_000, 'the lines');
    expect(await topicValues(r, 'lines')).toEqual(['first', 'second']);
    expect(r.status('src')?.tasks[0]?.activity).toBeUndefined();
    expect(taskState(r.status('src'))).toEqual(['RUNNING']);
  });

  it('DROP stops the connector', async () => {
    const r = await rig();
    const input = tmp.file('in.txt');
    fs.writeFileSync(input, numbered(0, 2));
    r.exec(source('src', input, 'lines'));
    await eventually(async () => (await topicValues(r, 'lines')).length === 2, 5_000, 'two records');
    r.exec('DROP CONNECTOR src;');
    await eventually(() => r.lines.some((l) => l.includes('stopped dropped connector SRC')), 5_000, 'the drop');
    fs.appendFileSync(input, numbered(2, 4));
    await new Promise((res) => setTimeout(res, 600));
    expect(await topicValues(r, 'lines')).toHaveLength(2);
    expect(await r.runtime.untilIdle()).toBe('idle');
  });

  it('stop() flushes and commits: a new runtime on the same log and catalog resumes without loss or duplicates', async () => {
    const dataDir = tmp.file('data');
    const [input, output] = [tmp.file('in.txt'), tmp.file('out.txt')];
    fs.writeFileSync(input, numbered(0, 100));
    const first = await rig({ catalog: Catalog.open(dataDir), log: EmbeddedLog.open(dataDir) });
    first.exec(source('src', input, 'lines') + sink('snk', output, 'lines'));
    await eventually(() => read(output).length > 0, 5_000, 'some output');
    fs.appendFileSync(input, numbered(100, 200));
    await eventually(async () => (await topicValues(first, 'lines')).length > 100, 5_000, 'the appended lines to start flowing');
    // Stop in mid-flow, as on SIGTERM.
    await first.runtime.stop();
    expect(first.persisted('src')?.state).toBe('UNASSIGNED');
    rigs.splice(rigs.indexOf(first), 1);
    await first.log.close();
    first.catalog.close();

    fs.appendFileSync(input, numbered(200, 250));
    const second = await rig({ catalog: Catalog.open(dataDir), log: EmbeddedLog.open(dataDir) });
    expect(await second.runtime.untilIdle()).toBe('idle');
    expect(read(output)).toBe(numbered(0, 250));
    expect(await topicValues(second, 'lines')).toEqual(numbered(0, 250).split('\n').slice(0, -1));
    // Counters continue from the first run.
    await eventually(() => second.status('snk')?.tasks[0]?.recordsOut === 250, 5_000, 'the sink counters');
  });
});

describe('topics a source creates', () => {
  it('take the topic.creation.default.* settings (KIP-158)', async () => {
    const r = await rig();
    const input = tmp.file('in.txt');
    fs.writeFileSync(input, numbered(0, 10));
    r.exec(
      source('src', input, 'made', ", 'topic.creation.default.partitions' = 3, 'topic.creation.default.retention.ms' = 60000, 'topic.creation.default.retention.bytes' = 1048576"),
    );
    const info = await eventually(async () => (await r.log.describeTopic('made')) ?? false, 5_000, 'the topic to be created');
    expect(info).toMatchObject({ partitions: 3, retentionMs: 60_000, retentionBytes: 1_048_576 });
    // Keyless lines are spread round-robin over the three partitions.
    const counts = await eventually(async () => {
      const t = await r.log.describeTopic('made');
      const n = t!.offsets.map((o) => o.end - o.start);
      return n.reduce((a, b) => a + b, 0) === 10 ? n : false;
    }, 5_000, 'all lines written');
    expect((counts as number[]).every((n) => n > 0)).toBe(true);
  });

  it('without them, the log defaults (one partition, kept for ever)', async () => {
    const r = await rig();
    const input = tmp.file('in.txt');
    fs.writeFileSync(input, numbered(0, 3));
    r.exec(source('src', input, 'plain'));
    const info = await eventually(async () => (await r.log.describeTopic('plain')) ?? false, 5_000, 'the topic to be created');
    expect(info).toMatchObject({ partitions: 1, retentionMs: undefined, retentionBytes: undefined });
  });
});

describe('a connector whose database is unreachable', () => {
  it('holds up neither other connectors nor stop()', async () => {
    const r = await rig();
    // Five attempts ten seconds apart: splitting into tasks would block for 40 s if anything waited on it.
    r.exec(
      "CREATE SOURCE CONNECTOR pg WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:postgresql://127.0.0.1:1/test', " +
        "'mode'='incrementing', 'incrementing.column.name'='id', 'connection.attempts'='5', 'connection.backoff.ms'='10000');",
    );
    const input = tmp.file('in.txt');
    fs.writeFileSync(input, numbered(0, 5));
    r.exec(source('src', input, 'fine'));
    await eventually(async () => (await readAll(r.log, 'fine')).length === 5, 5_000, 'the other connector to move data');
    // Blocking would take 40 s, past this test's time limit: stopping must abort the connection attempts.
    await r.runtime.stop();
  });
});

describe('statements that show connector state, in a script', () => {
  const states = (out: Entity[]) =>
    (out.find((e) => e['@type'] === 'connector_list') as { connectors: { name: string; state: string }[] }).connectors.map((c) => [c.name, c.state]);

  it('wait for the connectors the statements before them started: SHOW CONNECTORS after CREATE shows them RUNNING', async () => {
    const r = await rig();
    const input = tmp.file('in.txt');
    fs.writeFileSync(input, numbered(0, 3));
    const out = await r.engine.executeSettled(`${source('src', input, 'lines')}\n${sink('snk', tmp.file('out.txt'), 'lines')}\nSHOW CONNECTORS;`, new Session({ baseDir: tmp.dir }));
    expect(states(out).sort()).toEqual([
      ['SNK', 'RUNNING (1/1 tasks RUNNING)'],
      ['SRC', 'RUNNING (1/1 tasks RUNNING)'],
    ]);
  });

  it('wait only so long for a connector that cannot start yet, then show it as it is', async () => {
    const r = await rig();
    r.exec(
      "CREATE SOURCE CONNECTOR pg WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:postgresql://127.0.0.1:1/test', " +
        "'mode'='incrementing', 'incrementing.column.name'='id', 'connection.attempts'='5', 'connection.backoff.ms'='10000');",
    );
    const t0 = Date.now();
    await r.runtime.settled(300);
    expect(Date.now() - t0).toBeLessThan(2_000);
    // Still trying to connect: shown as not started, which is true.
    expect(states(r.exec('SHOW CONNECTORS;'))).toEqual([['PG', 'UNASSIGNED']]);
  });
});

describe('a JDBC source in table mode', () => {
  it('picks up tables created and dropped while it runs (every table.poll.interval.ms), each row once, counters kept', async () => {
    const r = await rig();
    const file = tmp.file('shop.db');
    const db = new Database(file);
    try {
      db.exec('CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO a (name) VALUES (\'a1\'), (\'a2\');');
      r.exec(
        `CREATE SOURCE CONNECTOR shop WITH ('connector.class' = 'JdbcSource', 'connection.url' = 'jdbc:sqlite:${file}', 'mode' = 'incrementing', ` +
          `'incrementing.column.name' = 'id', 'topic.prefix' = 't-', 'poll.interval.ms' = '20', 'table.poll.interval.ms' = '100', 'tasks.max' = '2');`,
      );
      await eventually(async () => (await topicValues(r, 't-a')).length === 2, 5_000, 'the rows of a');
      expect(r.status('shop')?.tasks).toHaveLength(1);

      db.exec('CREATE TABLE b (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO b (name) VALUES (\'b1\');');
      await eventually(async () => (await topicValues(r, 't-b')).length === 1, 5_000, 'the rows of b, created later');
      await eventually(() => r.status('shop')?.tasks.length === 2 && r.status('shop')?.state === 'RUNNING', 5_000, 'two tasks');
      db.exec("INSERT INTO a (name) VALUES ('a3');");
      await eventually(async () => (await topicValues(r, 't-a')).length === 3, 5_000, 'a row added to a');
      expect((await topicValues(r, 't-a')).map((v) => (v as { name: string }).name)).toEqual(['a1', 'a2', 'a3']);

      db.exec('DROP TABLE a;');
      await eventually(() => r.status('shop')?.tasks.length === 1, 5_000, 'one task again once a is dropped');
      db.exec("INSERT INTO b (name) VALUES ('b2');");
      await eventually(async () => (await topicValues(r, 't-b')).length === 2, 5_000, 'b goes on');
      expect((await topicValues(r, 't-b')).map((v) => (v as { name: string }).name)).toEqual(['b1', 'b2']);
      // Counters are per task id and carried across the task sets: task 0 wrote a1 a2, then a3, then b2 (task 1,
      // which wrote b1, is gone with the second set, as a task of a lower tasks.max).
      expect(r.status('shop')!.tasks.map((t) => [t.id, t.recordsOut])).toEqual([[0, 4]]);
      expect(r.status('shop')?.state).toBe('RUNNING');
      expect(r.lines.some((l) => /restarting on 2 tasks/.test(l))).toBe(true);
    } finally {
      db.close();
    }
  });
});
