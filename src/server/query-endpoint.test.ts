import fs from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import http2 from 'node:http2';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NO_DATA } from '../cli/print-formats.js';
import { printLine, streamPrint } from '../cli/print-stream.js';
import type { PrintEntity } from '../engine/results.js';
import type { LogRecord, SinkPosition } from '../platform/log.js';
import { startServer, type ServerRig } from './testing.js';

let rig: ServerRig | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  vi.restoreAllMocks();
  await rig?.stop();
  rig = undefined;
});

async function server(opts: Parameters<typeof startServer>[0] = {}): Promise<ServerRig> {
  rig = await startServer(opts);
  return rig;
}

const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';
/** The format lines before the first record of a topic of string keys and values (what `produce` writes). */
const FORMAT_LINES = 'Key format: KAFKA_STRING\nValue format: KAFKA_STRING\n';

/** A streamed answer as it arrives, over either protocol: its status, headers and text so far. */
class Answer {
  status = 0;
  headers: Record<string, unknown> = {};
  /** How many lines have come: cheap to wait on, where the text of a big stream is not. */
  newlines = 0;
  ended = false;
  private chunks: string[] = [];
  private joined = '';
  closed = false;
  private waiters: (() => void)[] = [];

  /** Reads again after `hold` (HTTP/1.1). */
  resume: () => void = () => undefined;

  constructor(readonly cancel: () => void) {}

  respond(status: number, headers: Record<string, unknown>): void {
    this.status = status;
    this.headers = headers;
    this.wake();
  }

  got(chunk: Buffer): void {
    const text = chunk.toString('utf8');
    this.chunks.push(text);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.newlines++;
    this.wake();
  }

  get text(): string {
    if (this.chunks.length > 0) this.joined += this.chunks.splice(0).join('');
    return this.joined;
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  get json(): Record<string, unknown> {
    return JSON.parse(this.text) as Record<string, unknown>;
  }

  /** Waits until `ok` holds (checked on every arrival), up to `ms`. */
  async until(ok: (a: Answer) => boolean, ms = 5000): Promise<this> {
    const deadline = Date.now() + ms;
    while (!ok(this)) {
      if (this.closed && !this.ended) throw new Error(`the stream closed early; got ${this.excerpt()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`not in ${ms} ms; got ${this.status} ${this.excerpt()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this;
  }

  done(ms?: number): Promise<this> {
    return this.until((a) => a.ended, ms);
  }

  /** The start and end of what came, for failure messages (a big stream would bury them). */
  private excerpt(): string {
    const t = this.text.length > 400 ? `${this.text.slice(0, 200)}…(${this.text.length} chars)…${this.text.slice(-200)}` : this.text;
    return JSON.stringify(t);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** POST over HTTP/1.1 (node:http), read as it streams. `hold` leaves the response unread (paused). */
function post1(r: ServerRig, urlPath: string, body: unknown, headers: Record<string, string> = {}, hold = false): Answer {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let res: IncomingMessage | undefined;
  const req = http.request(`${r.url}${urlPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
  const answer = new Answer(() => {
    req.destroy();
    res?.destroy();
  });
  cleanups.push(() => answer.cancel());
  req.on('response', (m: IncomingMessage) => {
    res = m;
    answer.resume = () => m.resume();
    answer.respond(m.statusCode ?? 0, m.headers);
    if (hold) m.pause();
    m.on('data', (d: Buffer) => answer.got(d));
    m.on('end', () => answer.end());
    m.on('close', () => answer.close());
  });
  req.on('error', () => answer.close());
  req.end(text);
  return answer;
}

/** The same over HTTP/2 without TLS (node:http2), on a session of its own. */
function post2(r: ServerRig, urlPath: string, body: unknown, headers: Record<string, string> = {}, hold = false): Answer {
  const session = http2.connect(r.url);
  session.on('error', () => undefined);
  const req = session.request({ ':method': 'POST', ':path': urlPath, 'content-type': 'application/json', ...headers });
  const answer = new Answer(() => req.close(http2.constants.NGHTTP2_CANCEL));
  answer.resume = () => req.resume();
  cleanups.push(() => session.destroy());
  if (hold) req.pause();
  req.on('response', (h) => answer.respond(Number(h[':status']), h));
  req.on('data', (d: Buffer) => answer.got(d));
  req.on('end', () => answer.end());
  req.on('close', () => {
    answer.close();
    session.close();
  });
  req.on('error', () => undefined);
  req.end(typeof body === 'string' ? body : JSON.stringify(body));
  return answer;
}

/** What `sluice shell` prints for this PRINT, read from the same log. */
async function shellLines(r: ServerRig, topic: string, limit: number): Promise<string> {
  const p: PrintEntity = { '@type': 'print_topic', statementText: '', warnings: [], topic, fromBeginning: true, interval: undefined, limit };
  const out: string[] = [];
  await streamPrint(p, r.runtime.log, (line) => out.push(line), 'table', new AbortController().signal);
  return out.map((l) => `${l}\n`).join('');
}

async function produce(r: ServerRig, topic: string, values: unknown[]): Promise<void> {
  await r.runtime.log.append(values.map((value, i) => ({ topic, key: `k${i}`, value })));
}

async function records(r: ServerRig, topic: string): Promise<LogRecord[]> {
  return r.runtime.log.read({ topic, partition: 0 }, 0, 1000);
}

/** Calls the log gets for one topic's partitions: what a PRINT of it reads and waits on. */
function watchLog(r: ServerRig, topic: string): { reads: () => number; waits: () => { signal: AbortSignal | undefined }[]; recordsRead: () => Promise<number> } {
  const log = r.runtime.log;
  const read = vi.spyOn(log, 'read');
  const wait = vi.spyOn(log, 'waitForData');
  const ours = (positions: readonly SinkPosition[]) => positions.some((p) => p.topic === topic);
  return {
    reads: () => read.mock.calls.filter(([tp]) => tp.topic === topic).length + wait.mock.calls.filter(([ps]) => ours(ps)).length,
    waits: () => wait.mock.calls.filter(([ps]) => ours(ps)).map(([, , signal]) => ({ signal })),
    recordsRead: async () => {
      let n = 0;
      for (const [i, [tp]] of read.mock.calls.entries()) if (tp.topic === topic) n += (await read.mock.results[i]!.value).length;
      return n;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('POST /query: PRINT streamed as ksqlDB streams it', () => {
  it("streams the shell's PRINT lines until LIMIT and ends the response, over HTTP/1.1 (chunked) and HTTP/2", async () => {
    const r = await server();
    const file = path.join(r.dir, 'p.txt');
    fs.writeFileSync(file, 'l1\nl2\nl3\nl4\nl5\n');
    const created = await fetch(`${r.url}/ksql`, {
      method: 'POST',
      body: JSON.stringify({ ksql: `CREATE SOURCE CONNECTOR printer WITH ('connector.class' = 'FileStreamSource', 'file' = '${file}', 'topic' = 'printer-lines');` }),
    });
    expect(created.status).toBe(200);
    for (let i = 0; i < 200 && (await records(r, 'printer-lines')).length < 5; i++) await sleep(25);
    const expected = await shellLines(r, 'printer-lines', 3);
    // A file source's lines are plain text without keys.
    const formats = `Key format: ${NO_DATA}\nValue format: KAFKA_STRING\n`;
    expect(expected).toBe(`${formats}${(await records(r, 'printer-lines')).slice(0, 3).map((rec) => `${printLine(rec)}\n`).join('')}`);

    const body = { ksql: "PRINT 'printer-lines' FROM BEGINNING LIMIT 3;", streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } };
    const one = await post1(r, '/query', body).done();
    expect(one.status).toBe(200);
    expect(one.headers).toMatchObject({ 'transfer-encoding': 'chunked', 'content-type': 'text/plain; charset=utf-8' });
    expect(one.text).toBe(expected);
    expect(one.text).toContain('value: l3, partition: 0');
    expect(one.text).not.toContain('l4');

    const two = await post2(r, '/query', body).done();
    expect(two.status).toBe(200);
    expect(two.text).toBe(expected);
  });

  it('gives other work a turn after each batch while it catches up on a big topic (HTTP/1.1 writes seldom wait)', async () => {
    const r = await server();
    const total = 50_000;
    for (let i = 0; i < total; i += 10_000) await produce(r, 'backlog', Array.from({ length: 10_000 }, (_, j) => i + j));
    let turns = 0;
    let streaming = true;
    const turn = () => {
      turns += 1;
      if (streaming) setImmediate(turn);
    };
    const stream = post1(r, '/query', { ksql: `PRINT backlog FROM BEGINNING LIMIT ${total};` });
    await stream.until((a) => a.status === 200);
    setImmediate(turn);
    await stream.done(30_000);
    streaming = false;
    expect(stream.newlines).toBe(total + 2);
    // PRINT reads 500 records a batch: 100 batches, each followed by a turn for others.
    expect(turns).toBeGreaterThanOrEqual(total / 500 / 2);
  }, 60_000);

  it('prints from the first record with FROM BEGINNING, otherwise only records produced after it began', async () => {
    const r = await server();
    await produce(r, 'events', ['old']);
    const watch = watchLog(r, 'events');
    const live = post1(r, '/query', { ksql: 'PRINT events LIMIT 2;' });
    await live.until((a) => a.status === 200);
    // The stream has taken its place at the end of the topic once it waits for data there.
    for (let i = 0; i < 200 && watch.waits().length === 0; i++) await sleep(10);
    // Five bytes each: four would also fit KAFKA_INT, and the format lines would say so.
    await produce(r, 'events', ['new-1', 'new-2', 'new-3']);
    await live.done();
    const all = await records(r, 'events');
    expect(live.text).toBe(`${FORMAT_LINES}${printLine(all[1]!)}\n${printLine(all[2]!)}\n`);

    const beginning = await post1(r, '/query', { ksql: 'PRINT events FROM BEGINNING LIMIT 2;' }).done();
    expect(beginning.text).toBe(`${FORMAT_LINES}${printLine(all[0]!)}\n${printLine(all[1]!)}\n`);
    // INTERVAL and variables work as in the shell.
    const every = await post1(r, '/query', { ksql: 'PRINT ${t} FROM BEGINNING INTERVAL 2 LIMIT 2;', sessionVariables: { t: 'events' } }).done();
    expect(every.text).toBe(`${FORMAT_LINES}${printLine(all[0]!)}\n${printLine(all[2]!)}\n`);
  });

  it('stops reading the log at once when the client disconnects, over HTTP/1.1 and HTTP/2', async () => {
    const r = await server();
    await r.runtime.log.ensureTopic('quiet');
    const watch = watchLog(r, 'quiet');
    for (const post of [post1, post2]) {
      const before = watch.waits().length;
      const stream = post(r, '/query', { ksql: 'PRINT quiet;' });
      await stream.until((a) => a.status === 200);
      for (let i = 0; i < 200 && watch.waits().length === before; i++) await sleep(10);
      const { signal } = watch.waits().at(-1)!;
      expect(signal?.aborted).toBe(false);
      stream.cancel();
      for (let i = 0; i < 100 && !signal?.aborted; i++) await sleep(10);
      expect(signal?.aborted).toBe(true);
      // Nothing reads or waits on the topic any more (the log's own wait is 500 ms; this is longer).
      const calls = watch.reads();
      await sleep(800);
      expect(watch.reads()).toBe(calls);
    }
  });

  it('sends an empty line while the topic is quiet, as ksqlDB does, so a client that is gone is found', async () => {
    const r = await server();
    await r.runtime.log.ensureTopic('idle');
    const stream = post1(r, '/query', { ksql: 'PRINT idle;' });
    // Nothing before the first record, format lines included (they are guessed from the records).
    await stream.until((a) => a.text.startsWith('\n'));
    await produce(r, 'idle', ['x']);
    await stream.until((a) => a.text.includes('value: x'));
    stream.cancel();
  });

  it('holds the stream back while the client does not read, instead of buffering the topic; nothing is lost', async () => {
    const r = await server();
    const total = 8000;
    const big = 'x'.repeat(4000);
    for (let i = 0; i < total; i += 500) await produce(r, 'big', Array.from({ length: 500 }, (_, j) => `${i + j} ${big}`));
    const watch = watchLog(r, 'big');
    for (const post of [post1, post2]) {
      const before = await watch.recordsRead();
      const slow = post(r, '/query', { ksql: 'PRINT big FROM BEGINNING;' }, {}, true);
      await slow.until((a) => a.status === 200);
      // The server reads until the connection's buffers (or HTTP/2's window) are full, then waits for the client.
      let seen = -1;
      for (let now = await watch.recordsRead(); now !== seen; now = await watch.recordsRead()) {
        seen = now;
        await sleep(300);
      }
      expect(seen - before).toBeLessThan(total / 2);
      slow.resume();
      // Two format lines, then the records.
      await slow.until((a) => a.newlines >= total + 2, 30_000);
      const values = slow.text.split('\n').filter((l) => l.startsWith('rowtime')).map((l) => Number(/value: (\d+) /.exec(l)?.[1]));
      expect(values).toEqual(Array.from({ length: total }, (_, i) => i));
      slow.cancel();
    }
  }, 60_000);

  it('serves a client that reads slowly every record, in order', async () => {
    const r = await server();
    const total = 3000;
    const big = 'y'.repeat(2000);
    for (let i = 0; i < total; i += 500) await produce(r, 'slow', Array.from({ length: 500 }, (_, j) => `${i + j} ${big}`));
    const res = await new Promise<IncomingMessage>((resolve) => {
      const req = http.request(`${r.url}/query`, { method: 'POST' }, resolve);
      req.end(JSON.stringify({ ksql: `PRINT slow FROM BEGINNING LIMIT ${total};` }));
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of res) {
      text += (chunk as Buffer).toString('utf8');
      // A reader slower than the server: every so often it stops for a moment.
      if (++chunks % 20 === 0) await sleep(5);
    }
    const values = (t: string) => t.split('\n').filter((l) => l.startsWith('rowtime')).map((l) => Number(/value: (\d+) /.exec(l)?.[1]));
    expect(values(text)).toEqual(Array.from({ length: total }, (_, i) => i));
    // HTTP/2's flow control makes the server wait for the window again and again.
    const h2 = await post2(r, '/query', { ksql: `PRINT slow FROM BEGINNING LIMIT ${total};` }).done(20_000);
    expect(values(h2.text)).toEqual(Array.from({ length: total }, (_, i) => i));
  }, 30_000);

  it('ends open streams when the server stops, each with its last chunk (a complete response)', async () => {
    const r = await server();
    await r.runtime.log.ensureTopic('open');
    const streams = [post1(r, '/query', { ksql: 'PRINT open;' }), post2(r, '/query', { ksql: 'PRINT open;' })];
    for (const s of streams) await s.until((a) => a.status === 200);
    const started = Date.now();
    await r.stop();
    rig = undefined;
    expect(Date.now() - started).toBeLessThan(5000);
    for (const s of streams) await s.until((a) => a.closed || a.ended);
    expect(streams.map((s) => s.ended)).toEqual([true, true]);
  });
});

describe('POST /query: what is refused before the stream begins', () => {
  it("answers with /ksql's error bodies and statuses, and runs nothing", async () => {
    const r = await server();
    await produce(r, 'events', ['e']);
    const cases: [unknown, number, Record<string, unknown>][] = [
      ['not json', 400, { '@type': 'generic_error', error_code: 40000, code: 'BAD_REQUEST', message: expect.stringContaining('not JSON') }],
      [{ ksql: 5 }, 400, { '@type': 'generic_error', code: 'BAD_REQUEST', message: expect.stringContaining('"ksql"') }],
      [{ ksql: '  -- nothing\n' }, 400, { '@type': 'generic_error', code: 'BAD_REQUEST', message: expect.stringContaining('no statement') }],
      [{ ksql: 'PRINT events;', sessionVariables: { 'bad name': 1 } }, 400, { code: 'BAD_REQUEST', message: expect.stringContaining('not a variable name') }],
      [{ ksql: 'SHOW CONNECTORS;' }, 400, { '@type': 'statement_error', error_code: 40000, code: 'UNSUPPORTED_STATEMENT', message: expect.stringContaining('POST /ksql'), statementText: 'SHOW CONNECTORS;', line: 1, column: 1, entities: [] }],
      [{ ksql: 'SELECT * FROM orders EMIT CHANGES;' }, 400, { '@type': 'statement_error', error_code: 40000, code: 'UNSUPPORTED_STATEMENT', message: expect.stringMatching(/^SELECT is not supported.*PRINT a topic/), line: 1, column: 1 }],
      [{ ksql: 'PRINT events;\n  PRINT events;' }, 400, { '@type': 'statement_error', error_code: 40001, code: 'MULTIPLE_STATEMENTS', message: expect.stringContaining('found 2'), line: 2, column: 3 }],
      [{ ksql: 'PRINT;' }, 400, { '@type': 'statement_error', error_code: 40001, code: 'SYNTAX_ERROR', line: 1, column: 6, sourceLine: 'PRINT;' }],
      [{ ksql: 'PRINT nope FROM BEGINNING;' }, 400, { '@type': 'statement_error', error_code: 40000, code: 'TOPIC_NOT_FOUND', message: expect.stringContaining("'nope' does not exist"), line: 1, column: 7 }],
      [{ ksql: 'PRINT EVENTS;' }, 400, { code: 'TOPIC_NOT_FOUND', hint: 'did you mean `events`?' }],
      [{ ksql: 'PRINT ${t};' }, 400, { '@type': 'statement_error', error_code: 40001, code: 'VARIABLE_ERROR' }],
    ];
    for (const [body, status, error] of cases) {
      for (const post of [post1, post2]) {
        const a = await post(r, '/query', body).done();
        expect({ body, status: a.status, error: a.json }).toEqual({ body, status, error: expect.objectContaining(error) });
        expect(a.headers['content-type']).toBe('application/json');
      }
    }
    // A statement that is not PRINT is refused before it runs, and its secrets stay masked.
    const create = await post1(r, '/query', { ksql: "CREATE SOURCE CONNECTOR db WITH ('connector.class' = 'JdbcSourceConnector', 'connection.url' = 'jdbc:postgresql://h/db', 'connection.password' = 'hunter2-secret', 'mode' = 'bulk', 'topic.prefix' = 'x-');" }).done();
    expect(create.status).toBe(400);
    expect(create.json).toMatchObject({ code: 'UNSUPPORTED_STATEMENT' });
    expect(create.text).not.toContain('hunter2-secret');
    expect(r.engine.catalog.listConnectors()).toEqual([]);

    const wrong = await fetch(`${r.url}/query`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await (await fetch(`${r.url}/nothing`)).json()).toMatchObject({ message: expect.stringMatching(/POST \/query and POST \/query-stream/) });
    const atKsql = await fetch(`${r.url}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: 'PRINT events;' }) });
    expect(await atKsql.json()).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('POST /query') });
  });

  // Policy change (issue 10): records are the user's data; PRINT shows them unaltered, even when they hold a
  // value that is some connector's password (it was scrubbed to '********' before).
  it('streams records as they are, even when they hold a known password, and PRINTs a topic named after it', async () => {
    const r = await server();
    const made = await fetch(`${r.url}/ksql`, {
      method: 'POST',
      body: JSON.stringify({ ksql: "CREATE SOURCE CONNECTOR db WITH ('connector.class' = 'JdbcSourceConnector', 'connection.url' = 'jdbc:postgresql://127.0.0.1:1/none', 'connection.password' = 'hunter2-secret', 'connection.attempts' = '1', 'mode' = 'bulk', 'topic.prefix' = 'x-');" }),
    });
    expect(made.status).toBe(200);
    await produce(r, 'leaky', [{ note: 'the password is hunter2-secret' }]);
    const a = await post1(r, '/query', { ksql: 'PRINT leaky FROM BEGINNING LIMIT 1;' }).done();
    expect(a.text).toContain('the password is hunter2-secret');
    await produce(r, 'hunter2-secret-events', ['e1']);
    const b = await post1(r, '/query', { ksql: 'PRINT `hunter2-secret-events` FROM BEGINNING LIMIT 1;' }).done();
    expect(b.status).toBe(200);
    expect(b.text).toContain('value: e1');
  });

  it('asks for the bearer token (401 and nothing else without it)', async () => {
    const r = await server({ token: 'q-token' });
    await produce(r, 'events', ['e']);
    const body = { ksql: 'PRINT events FROM BEGINNING LIMIT 1;' };
    for (const post of [post1, post2]) {
      for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
        const denied = await post(r, '/query', body, headers).done();
        expect(denied.status).toBe(401);
        expect(denied.json).toMatchObject({ code: 'UNAUTHORIZED', error_code: 40100 });
        expect(denied.text).not.toContain('rowtime');
      }
      const streamDenied = await post(r, '/query-stream', { sql: body.ksql }).done();
      expect(streamDenied.status).toBe(401);
      const ok = await post(r, '/query', body, { authorization: 'Bearer q-token' }).done();
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('value: e');
    }
  });
});

describe('POST /query-stream: PRINT in ksqlDB delimited form', () => {
  /** Every line parsed as JSON, as a JSON-lines client reads it; the first is the header. */
  const jsonLines = (text: string): unknown[] => text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).map((l) => JSON.parse(l) as unknown);
  const header = { queryId: expect.stringMatching(/^print-/), columnNames: ['ROWTIME', 'KEY', 'VALUE', 'PARTITION', 'OFFSET'], columnTypes: ['BIGINT', 'STRING', 'STRING', 'INTEGER', 'BIGINT'] };
  const row = (r: LogRecord) => [r.timestamp, r.key === null ? null : typeof r.key === 'string' ? r.key : JSON.stringify(r.key), typeof r.value === 'string' ? r.value : JSON.stringify(r.value), r.partition, r.offset];

  it('answers JSON lines, a header then an array per record, over HTTP/2 and HTTP/1.1; JSON as one array; neither gets 406', async () => {
    const r = await server();
    await produce(r, 'events', ['a', { n: 1 }, 'c']);
    const all = await records(r, 'events');
    const body = { sql: 'PRINT events FROM BEGINNING LIMIT 2;', properties: { 'auto.offset.reset': 'earliest' } };
    for (const post of [post2, post1]) {
      for (const accept of [{}, { accept: DELIMITED }, { accept: '*/*' }, { accept: `application/json;q=0.1, ${DELIMITED};q=0.9` }] as Record<string, string>[]) {
        const a = await post(r, '/query-stream', body, accept).done();
        expect(a.status).toBe(200);
        expect(a.headers['content-type']).toBe(DELIMITED);
        expect(a.text.endsWith('\n')).toBe(true);
        expect(jsonLines(a.text)).toEqual([header, row(all[0]!), row(all[1]!)]);
      }
      for (const accept of ['application/json', `application/json;q=0.9, ${DELIMITED};q=0.1`]) {
        const json = await post(r, '/query-stream', body, { accept }).done();
        expect(json.status).toBe(200);
        expect(json.headers['content-type']).toBe('application/json');
        expect(JSON.parse(json.text)).toEqual([header, row(all[0]!), row(all[1]!)]);
      }
      const neither = await post(r, '/query-stream', body, { accept: 'text/html' }).done();
      expect(neither.status).toBe(406);
      expect(neither.json).toMatchObject({ '@type': 'generic_error', error_code: 40600, code: 'NOT_ACCEPTABLE' });
      const select = await post(r, '/query-stream', { sql: 'SELECT * FROM t EMIT CHANGES;' }).done();
      expect(select.status).toBe(400);
      expect(select.json).toMatchObject({ '@type': 'statement_error', code: 'UNSUPPORTED_STATEMENT' });
      const noSql = await post(r, '/query-stream', { ksql: 'PRINT events;' }).done();
      expect(noSql.json).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('"sql"') });
    }
    // /query answers the delimited form too, to a client that asks for it alone (ksqlDB's newer /query route).
    const delimited = await post1(r, '/query', { ksql: body.sql }, { accept: DELIMITED }).done();
    expect(delimited.headers['content-type']).toBe(DELIMITED);
    expect(jsonLines(delimited.text)).toEqual([header, row(all[0]!), row(all[1]!)]);
    const either = await post1(r, '/query', { ksql: body.sql }, { accept: `application/json, ${DELIMITED}` }).done();
    expect(either.text).toBe(`${FORMAT_LINES}${printLine(all[0]!)}\n${printLine(all[1]!)}\n`);
  });

  it('ends a PRINT that fails mid-stream with an error line a JSON-lines client parses, and the JSON array still closes', async () => {
    const r = await server();
    await produce(r, 'events', ['a']);
    const log = r.runtime.log;
    const read = log.read.bind(log);
    let calls = 0;
    vi.spyOn(log, 'read').mockImplementation(async (...args) => {
      if (calls++ > 0) throw new Error('the log broke');
      return read(...args);
    });
    const lines = await post1(r, '/query-stream', { sql: 'PRINT events FROM BEGINNING;' }).done();
    const parsed = jsonLines(lines.text);
    expect(parsed[0]).toEqual(header);
    expect(parsed.at(-1)).toMatchObject({ '@type': 'generic_error', message: expect.stringContaining('the log broke') });
    calls = 0;
    const array = await post1(r, '/query-stream', { sql: 'PRINT events FROM BEGINNING;' }, { accept: 'application/json' }).done();
    const elements = JSON.parse(array.text) as unknown[];
    expect(elements[0]).toEqual(header);
    expect(elements.at(-1)).toMatchObject({ '@type': 'generic_error', message: expect.stringContaining('the log broke') });
  });
});
