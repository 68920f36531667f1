import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, TestClient, type ServerRig } from './testing.js';

let rig: ServerRig | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await rig?.stop();
  rig = undefined;
});

async function server(opts: Parameters<typeof startServer>[0] = {}): Promise<ServerRig> {
  rig = await startServer(opts);
  return rig;
}

async function client(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
  const c = await TestClient.open(url, headers);
  clients.push(c);
  return c;
}

async function ksql(r: ServerRig, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${r.url}/ksql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

const source = (name: string, file: string, extra = '') =>
  `CREATE SOURCE CONNECTOR ${name} WITH ('connector.class' = 'FileStreamSource', 'file' = '${file}', 'topic' = '${name}-lines'${extra});`;

describe('REST (ksqlDB endpoints)', () => {
  it('creates, lists, describes and drops connectors with ksqlDB entities', async () => {
    const r = await server();
    const file = path.join(r.dir, 'in.txt');
    fs.writeFileSync(file, 'a\nb\n');
    const created = await ksql(r, { ksql: `${source('src', file)} SHOW CONNECTORS;`, streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } });
    expect(created.status).toBe(200);
    const [info, list] = created.body as Record<string, unknown>[];
    expect(info).toMatchObject({ '@type': 'connector_info', info: { name: 'SRC', type: 'source', config: { file, topic: 'src-lines' } }, warnings: [] });
    expect(list).toMatchObject({ '@type': 'connector_list', connectors: [{ name: 'SRC', type: 'source', className: 'org.apache.kafka.connect.file.FileStreamSourceConnector' }] });
    const described = await ksql(r, { ksql: 'DESCRIBE CONNECTOR src;' });
    expect(described.status).toBe(200);
    expect((described.body as Record<string, unknown>[])[0]).toMatchObject({ '@type': 'connector_description', connectorClass: 'org.apache.kafka.connect.file.FileStreamSourceConnector', status: { name: 'SRC' } });
    const dropped = await ksql(r, { ksql: 'DROP CONNECTOR src;' });
    expect(dropped).toEqual({ status: 200, body: [expect.objectContaining({ '@type': 'drop_connector', connectorName: 'SRC' })] });
  });

  it("answers failures with ksqlDB's statement_error, its HTTP status, and runs nothing when a statement is invalid", async () => {
    const r = await server();
    const syntax = await ksql(r, { ksql: "SHOW CONNECTORS;\nCREATE SOURCE CONNECTOR x WTIH ('a' = 1);" });
    expect(syntax.status).toBe(400);
    expect(syntax.body).toMatchObject({ '@type': 'statement_error', error_code: 40001, code: 'SYNTAX_ERROR', line: 2, column: 27, entities: [] });
    const file = path.join(r.dir, 'x.txt');
    // The first statement is valid but the second is not: nothing is created.
    const invalid = await ksql(r, { ksql: `${source('first', file)} DESCRIBE CONNECTOR nope;` });
    expect(invalid.status).toBe(404);
    expect(invalid.body).toMatchObject({ '@type': 'statement_error', error_code: 40400, code: 'CONNECTOR_NOT_FOUND', entities: [] });
    expect(r.engine.catalog.listConnectors()).toEqual([]);
    await ksql(r, { ksql: source('dup', file) });
    const conflict = await ksql(r, { ksql: source('dup', file) });
    expect(conflict).toMatchObject({ status: 409, body: { error_code: 40900, code: 'CONNECTOR_EXISTS' } });
  });

  it('substitutes sessionVariables, and refuses bodies that are not requests', async () => {
    const r = await server({ maxRequestBytes: 4096 });
    const file = path.join(r.dir, 'v.txt');
    const res = await ksql(r, { ksql: "CREATE SOURCE CONNECTOR ${name} WITH ('connector.class' = 'FileStreamSource', 'file' = '${f}', 'topic' = 't');", sessionVariables: { name: 'vars', f: file } });
    expect(res.status).toBe(200);
    expect(r.engine.catalog.getConnector('VARS')?.config['file']).toBe(file);
    for (const [body, message] of [
      ['not json', /not JSON/],
      [[], /"ksql"/],
      [{ ksql: 5 }, /"ksql"/],
      [{ ksql: 'SHOW CONNECTORS;', sessionVariables: { 'bad name': 'x' } }, /not a variable name/],
      [{ ksql: 'SHOW CONNECTORS;', streamsProperties: { 'ksql.variable.substitution.enable': 'maybe' } }, /not a valid value/],
    ] as const) {
      const bad = await ksql(r, body);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ '@type': 'generic_error', error_code: 40000, code: 'BAD_REQUEST', message: expect.stringMatching(message) });
    }
    const big = await ksql(r, { ksql: `SHOW CONNECTORS; -- ${'x'.repeat(5000)}` });
    expect(big).toMatchObject({ status: 413, body: { code: 'REQUEST_TOO_LARGE', error_code: 41300 } });
    const print = await ksql(r, { ksql: `${source('beforeprint', file)} PRINT t;` });
    expect(print).toMatchObject({ status: 400, body: { message: expect.stringContaining('/ws') } });
    // Refused before anything ran.
    expect(r.engine.catalog.getConnector('BEFOREPRINT')).toBeUndefined();
  });

  it('serves /info, /healthcheck and /metrics, and says what exists for anything else', async () => {
    const r = await server();
    expect(await (await fetch(`${r.url}/info`)).json()).toMatchObject({ KsqlServerInfo: { serverStatus: 'RUNNING', version: expect.any(String) } });
    expect(await (await fetch(`${r.url}/healthcheck`)).json()).toEqual({ isHealthy: true, details: { metastore: { isHealthy: true }, kafka: { isHealthy: true } } });
    const missing = await fetch(`${r.url}/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('/ksql') });
    const wrong = await fetch(`${r.url}/ksql`);
    expect(wrong.status).toBe(405);

    // A body that starts with a UTF-8 byte order mark was 'the body is not JSON: Unexpected token'.
    for (const [endpoint, body] of [['/ksql', { ksql: 'SHOW TOPICS;' }], ['/query', { ksql: 'SELECT 1;' }]] as const) {
      const bom = await fetch(`${r.url}${endpoint}`, { method: 'POST', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(body))]) });
      expect({ endpoint, answer: (await bom.json()) as unknown }).toEqual({ endpoint, answer: endpoint === '/ksql' ? [expect.objectContaining({ '@type': 'kafka_topics' })] : expect.objectContaining({ code: 'UNSUPPORTED_STATEMENT' }) });
    }

    // ksqlDB's GET /is_valid_property/NAME (ksqldb-js's isValidProperty) was a 404: true for what SET takes.
    for (const name of ['auto.offset.reset', 'ksql.streams.cache.max.bytes.buffering', 'sluice.unknown.keys', 'ksql.query.pull.table.scan.enabled']) {
      const valid = await fetch(`${r.url}/is_valid_property/${encodeURIComponent(name)}`);
      expect({ name, status: valid.status, body: await valid.json() }).toEqual({ name, status: 200, body: true });
    }
    const invalid = await fetch(`${r.url}/is_valid_property/sluice.unknown.key`);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      '@type': 'generic_error',
      error_code: 40000,
      code: 'INVALID_PROPERTY',
      message: expect.stringMatching(/^unknown session property 'sluice\.unknown\.key'.*did you mean 'sluice\.unknown\.keys'/),
    });
    expect((await fetch(`${r.url}/is_valid_property/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${r.url}/is_valid_property/auto.offset.reset`, { method: 'POST' })).status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');

    const file = path.join(r.dir, 'm.txt');
    fs.writeFileSync(file, 'one\ntwo\nthree\n');
    await ksql(r, { ksql: source('metered', file) });
    let text = '';
    for (let i = 0; i < 100 && !/sluice_connector_records_out_total\{connector="METERED",type="source"\} 3/.test(text); i++) {
      await new Promise((res) => setTimeout(res, 50));
      text = await (await fetch(`${r.url}/metrics`)).text();
    }
    expect(text).toMatch(/sluice_connector_records_out_total\{connector="METERED",type="source"\} 3/);
    expect(text).toMatch(/sluice_connector_state\{connector="METERED",type="source",state="RUNNING"\} 1/);
    expect(text).toMatch(/sluice_connectors 1/);
    expect(text).toMatch(/sluice_process_cpu_seconds_total/);
  });
});

describe('metrics of a connector that cannot start', () => {
  it('counts its failures in sluice_connector_errors_total', async () => {
    const r = await server();
    await ksql(r, { ksql: "CREATE SOURCE CONNECTOR db WITH ('connector.class' = 'JdbcSourceConnector', 'connection.url' = 'jdbc:postgresql://127.0.0.1:1/none', 'connection.attempts' = '1', 'mode' = 'bulk', 'topic.prefix' = 'x-');" });
    let text = '';
    for (let i = 0; i < 200 && !/sluice_connector_state\{connector="DB",type="source",state="FAILED"\} 1/.test(text); i++) {
      await new Promise((res) => setTimeout(res, 50));
      text = await (await fetch(`${r.url}/metrics`)).text();
    }
    expect(text).toMatch(/sluice_connector_state\{connector="DB",type="source",state="FAILED"\} 1/);
    expect(Number(/sluice_connector_errors_total\{connector="DB",type="source"\} (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
  });
});

describe('HTTP/2 without TLS (prior knowledge), as ksqlDB clients that speak it connect', () => {
  it('answers /ksql and /info over HTTP/2 on the same port, and asks for the token there too', async () => {
    const r = await server({ token: 'h2-token' });
    const session = http2.connect(r.url);
    const call = (path: string, method: string, body?: unknown, token?: string) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const req = session.request({ ':path': path, ':method': method, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });
        let status = 0;
        let text = '';
        req.on('response', (h) => (status = Number(h[':status'])));
        req.on('data', (d: Buffer) => (text += d.toString()));
        req.on('end', () => resolve({ status, body: JSON.parse(text) as unknown }));
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    try {
      expect(await call('/info', 'GET')).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
      expect(await call('/info', 'GET', undefined, 'h2-token')).toMatchObject({ status: 200, body: { KsqlServerInfo: { serverStatus: 'RUNNING' } } });
      const listed = await call('/ksql', 'POST', { ksql: 'SHOW CONNECTORS;' }, 'h2-token');
      expect(listed).toMatchObject({ status: 200, body: [{ '@type': 'connector_list', connectors: [] }] });
      const bad = await call('/ksql', 'POST', { ksql: 'SHOW CONNECTORZ;' }, 'h2-token');
      expect(bad).toMatchObject({ status: 400, body: { '@type': 'statement_error', error_code: 40001 } });
    } finally {
      session.close();
    }
    // HTTP/1.1 still works beside it.
    expect((await fetch(`${r.url}/info`, { headers: { authorization: 'Bearer h2-token' } })).status).toBe(200);
  });
});

/** Sends raw bytes and returns everything the server answered before it closed the connection. */
function raw(r: ServerRig, text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(r.url).port), '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1]), body: got.slice(got.indexOf('\r\n\r\n') + 4) }));
  });
}

describe('HTTP/2 bodies over the limit', () => {
  it('answers 413 to a body sent without content-length (and 401 to one without the token) and ends the stream, so the client is not left uploading', async () => {
    const r = await server({ token: 'big-token' });
    const session = http2.connect(r.url);
    session.on('error', () => undefined);
    try {
      for (const [path, token, expected] of [['/ksql', 'big-token', 413], ['/query', 'big-token', 413], ['/ksql', undefined, 401]] as const) {
        const outcome = await new Promise<{ status: number; closed: boolean }>((resolve) => {
          const req = session.request({ ':path': path, ':method': 'POST', 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });
          let status = 0;
          req.on('response', (h) => (status = Number(h[':status'])));
          req.on('error', () => undefined);
          req.on('data', () => undefined);
          req.on('close', () => resolve({ status, closed: true }));
          // 2 MiB in 64 KiB pieces, no content-length: the server finds out only as it reads.
          const piece = Buffer.alloc(64 * 1024, 'x');
          let sent = 0;
          const more = () => {
            while (sent < 32) {
              sent += 1;
              if (!req.write(piece)) return void req.once('drain', more);
            }
            req.end();
          };
          more();
        });
        expect(outcome).toEqual({ status: expected, closed: true });
      }
    } finally {
      session.close();
    }
  });
});

describe('telling HTTP/1.1 from HTTP/2 by the first bytes', () => {
  /** Writes the parts a moment apart (each its own TCP segment) and returns what came back within a while. */
  function slowly(r: ServerRig, parts: (string | Buffer)[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(new URL(r.url).port), '127.0.0.1');
      const got: Buffer[] = [];
      socket.on('data', (d: Buffer) => got.push(d));
      socket.on('error', reject);
      socket.on('connect', async () => {
        for (const p of parts) {
          socket.write(p);
          await new Promise((w) => setTimeout(w, 50));
        }
        setTimeout(() => {
          socket.destroy();
          resolve(Buffer.concat(got));
        }, 300);
      });
    });
  }

  it('waits for more than one byte when the first could begin either (an HTTP/1.1 POST sent a byte at a time)', async () => {
    const r = await server();
    const body = JSON.stringify({ ksql: 'SHOW CONNECTORS;' });
    const request = `POST /ksql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const answer = (await slowly(r, ['P', 'O', request.slice(2)])).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('connector_list');
  });

  it("takes HTTP/2's preface cut into pieces", async () => {
    const r = await server();
    const preface = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
    const emptySettings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    const answer = await slowly(r, ['P', preface.slice(1, 10), Buffer.concat([Buffer.from(preface.slice(10)), emptySettings])]);
    // The server's first frame is its SETTINGS (type 4), not an HTTP/1.1 status line.
    expect(answer.length).toBeGreaterThanOrEqual(9);
    expect(answer[3]).toBe(4);
  });
});

describe('upgrades', () => {
  it('answers a request that asks for another protocol (curl --http2 asks for h2c) as plain HTTP/1.1', async () => {
    const r = await server({ token: 'up-token' });
    const h2c = 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n';
    const info = await raw(r, `GET /info HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer up-token\r\n${h2c}\r\n`);
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ KsqlServerInfo: { serverStatus: 'RUNNING' } });
    const body = JSON.stringify({ ksql: 'SHOW CONNECTORS;' });
    const listed = await raw(r, `POST /ksql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer up-token\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${h2c}\r\n${body}`);
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toMatchObject([{ '@type': 'connector_list' }]);
    expect((await raw(r, `GET /info HTTP/1.1\r\nHost: x\r\n${h2c}\r\n`)).status).toBe(401);
  });

  it('answers a broken WebSocket handshake with a JSON error', async () => {
    const r = await server();
    const bad = await raw(r, 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ '@type': 'generic_error', code: 'BAD_REQUEST', message: expect.stringContaining('Sec-WebSocket-Key') });
    const version = await raw(r, 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 7\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(JSON.parse(version.body)).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('Version') });
  });
});

describe('auth', () => {
  it('answers 401 with no data to requests and WebSocket upgrades without the bearer token', async () => {
    const r = await server({ token: 's3cr3t-token' });
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: 's3cr3t-token' }, { authorization: 'Basic s3cr3t-token' }];
    for (const headers of attempts) {
      const res = await fetch(`${r.url}/ksql`, { method: 'POST', headers, body: JSON.stringify({ ksql: 'SHOW CONNECTORS;' }) });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'UNAUTHORIZED', error_code: 40100 });
      expect((await fetch(`${r.url}/metrics`, { headers })).status).toBe(401);
      await expect(TestClient.open(r.wsUrl, headers)).rejects.toThrow('HTTP 401');
    }
    const ok = await ksql(r, { ksql: 'SHOW CONNECTORS;' }, { authorization: 'Bearer s3cr3t-token' });
    expect(ok.status).toBe(200);
    const c = await client(r.wsUrl, { authorization: 'bearer s3cr3t-token' });
    expect(await c.request('a', 'SHOW CONNECTORS;')).toMatchObject({ results: [{ '@type': 'connector_list' }] });
  });
});

describe('ksqlDB statements and properties on every path', () => {
  async function post(r: ServerRig, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${r.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }

  it.each([
    ['SELECT * FROM orders EMIT CHANGES;', /^SELECT is not supported/],
    ['SELECT id FROM t WHERE id = 1;', /^SELECT is not supported/],
    ["CREATE STREAM s (id INT) WITH (kafka_topic='t', value_format='json');", /^CREATE STREAM is not supported/],
    ['CREATE OR REPLACE TABLE t AS SELECT * FROM s;', /^CREATE TABLE is not supported/],
    ['INSERT INTO s (id) VALUES (1);', /^INSERT is not supported/],
  ])('%s is the same UNSUPPORTED_STATEMENT on /ksql, /query, /query-stream and /ws', async (sql, message) => {
    const r = await server();
    const expected = { '@type': 'statement_error', error_code: 40000, code: 'UNSUPPORTED_STATEMENT', message: expect.stringMatching(message), statementText: sql, line: 1, column: 1 };
    const c = await client(r.wsUrl);
    const answers = [
      await post(r, '/ksql', { ksql: sql }),
      await post(r, '/query', { ksql: sql }),
      await post(r, '/query-stream', { sql }),
    ];
    for (const a of answers) expect(a).toEqual({ status: 400, body: expect.objectContaining(expected) });
    const bodies = answers.map((a) => {
      const { entities: _, ...rest } = a.body as Record<string, unknown>;
      return rest;
    });
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    const ws = await c.request('q', sql);
    expect(ws).toEqual({ id: 'q', error: expect.objectContaining(bodies[0]) });
  });

  it('a 10 MB literal is INPUT_TOO_LARGE at the literal on /ksql, not an internal error (when the body limit lets it in)', async () => {
    const r = await server({ maxRequestBytes: 16 * 1024 * 1024 });
    const sql = `SET 'x' = '${'a'.repeat(10 * 1024 * 1024)}';`;
    const res = await ksql(r, { ksql: sql });
    expect(res).toEqual({ status: 400, body: expect.objectContaining({ '@type': 'statement_error', error_code: 40001, code: 'INPUT_TOO_LARGE', line: 1, column: 11 }) });
    expect((res.body as { statementText: string }).statementText.length).toBeLessThan(300);
  });

  it('answers what ksqlDB tools send when they connect, and takes their SET', async () => {
    const r = await server();
    const res = await ksql(r, {
      ksql: "SHOW STREAMS; LIST TABLES; SHOW QUERIES; SET 'auto.offset.reset' = 'earliest'; SHOW PROPERTIES;",
      streamsProperties: { 'ksql.streams.cache.max.bytes.buffering': 0 },
    });
    expect(res.status).toBe(200);
    const [streams, tables, queries, set, properties] = res.body as Record<string, unknown>[];
    expect([streams, tables, queries]).toEqual([
      { '@type': 'streams', statementText: 'SHOW STREAMS;', warnings: [], streams: [] },
      { '@type': 'tables', statementText: 'LIST TABLES;', warnings: [], tables: [] },
      { '@type': 'queries', statementText: 'SHOW QUERIES;', warnings: [], queries: [] },
    ]);
    expect(set).toMatchObject({ '@type': 'property', warnings: [{ message: expect.stringContaining('has no effect in Sluice') }] });
    expect(properties).toMatchObject({
      '@type': 'properties',
      overwrittenProperties: ['ksql.streams.auto.offset.reset', 'ksql.streams.cache.max.bytes.buffering'],
      properties: expect.arrayContaining([{ name: 'ksql.streams.cache.max.bytes.buffering', scope: 'KSQL', value: '0' }]),
    });
  });
});

describe('WebSocket /ws', () => {
  it('answers malformed frames with an error frame and stays usable', async () => {
    const r = await server();
    const c = await client(r.wsUrl);
    c.send('{nope');
    c.send('[1,2]');
    c.send({ sql: 'SHOW CONNECTORS;' });
    c.send({ id: { x: 1 }, sql: 'SHOW CONNECTORS;' });
    c.send({ id: 'q', sql: 7 });
    c.send({ id: 'u', sql: 'SHOW CONNECTORS;', extra: true });
    c.send({ hello: 'there' });
    c.send({ id: 'c', cancel: true });
    c.send({ subscribe: 'everything' });
    c.send({ id: 's', subscribe: 'status', sql: 'DROP CONNECTOR x;' });
    c.ws.send(Buffer.from('{"id":1}'), { binary: true });
    const answer = await c.request('fine', 'SHOW CONNECTORS;');
    expect(answer).toMatchObject({ id: 'fine', results: [{ '@type': 'connector_list' }] });
    const errors = c.frames.filter((f) => 'error' in f).map((f) => [f['id'], (f['error'] as Record<string, unknown>)['code'], (f['error'] as Record<string, unknown>)['message']]);
    expect(errors).toEqual([
      [undefined, 'BAD_REQUEST', expect.stringContaining('not JSON')],
      [undefined, 'BAD_REQUEST', expect.stringContaining('JSON object')],
      [undefined, 'BAD_REQUEST', expect.stringContaining("needs an 'id'")],
      [undefined, 'BAD_REQUEST', expect.stringContaining("'id' must be")],
      ['q', 'BAD_REQUEST', expect.stringContaining("'sql' must be")],
      ['u', 'BAD_REQUEST', expect.stringContaining("unknown field 'extra'")],
      [undefined, 'UNKNOWN_REQUEST', expect.any(String)],
      ['c', 'BAD_REQUEST', expect.stringContaining('no stream')],
      [undefined, 'BAD_REQUEST', expect.stringContaining('status')],
      ['s', 'BAD_REQUEST', expect.stringContaining('nothing else')],
      [undefined, 'BAD_REQUEST', expect.stringContaining('binary')],
    ]);
    expect(c.closed).toBeUndefined();
  });

  it('answers a malformed request alike whether or not what it quotes is a known password (no oracle)', async () => {
    const r = await server();
    const c = await client(r.wsUrl);
    await c.request('w', `CREATE SINK CONNECTOR s WITH ('connector.class' = 'FileStreamSink', 'file' = '${path.join(r.dir, 'o.txt')}', 'topics' = 't', 'consumer.override.sasl.jaas.config' = 'Hunter22x');`);
    for (const guess of ['Guess11x', 'Hunter22x']) {
      c.send(guess);
      c.send({ id: 'u', sql: 'SHOW CONNECTORS;', [guess]: 1 });
    }
    await c.request('fine', 'SHOW CONNECTORS;');
    const messages = c.frames.filter((f) => 'error' in f).map((f) => (f['error'] as Record<string, string>)['message']!);
    expect(messages).toHaveLength(4);
    expect(messages.slice(2)).toEqual(messages.slice(0, 2).map((m) => m.replaceAll('Guess11x', 'Hunter22x').replace("'G'", "'H'")));
    const body = await ksql(r, 'Hunter22x');
    expect(JSON.stringify(body)).not.toContain('********');
  });

  it('closes a socket that sends a frame over the size limit (1009)', async () => {
    const r = await server({ maxRequestBytes: 1024 });
    const c = await client(r.wsUrl);
    c.send({ id: 1, sql: `SHOW CONNECTORS; -- ${'x'.repeat(2000)}` });
    await expect(c.next(() => false, 2000)).rejects.toThrow(/socket closed \(1009/);
  });

  it('answers the requests it took before a frame over the limit, then closes with 1009', async () => {
    const r = await server({ maxRequestBytes: 4096 });
    const c = await client(r.wsUrl);
    const file = path.join(r.dir, 'big.txt');
    // Back to back, in one write: the CREATE is taken (it waits for the group commit) when the big frame's header is read.
    c.ws.send(JSON.stringify({ id: 1, sql: `CREATE SOURCE CONNECTOR before_big WITH ('connector.class' = 'FileStreamSource', 'file' = '${file}', 'topic' = 'bb');` }));
    c.ws.send(JSON.stringify({ id: 2, sql: `SHOW CONNECTORS; -- ${'x'.repeat(10_000)}` }));
    for (const deadline = Date.now() + 5000; c.closed === undefined && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(c.closed?.code).toBe(1009);
    expect(r.engine.catalog.getConnector('BEFORE_BIG')).toBeDefined();
    expect(c.frames).toEqual([expect.objectContaining({ id: 1, results: [expect.objectContaining({ '@type': 'connector_info' })] })]);
  });

  it('keeps DEFINE and SET for the life of the socket, apart from other sockets', async () => {
    const r = await server();
    const a = await client(r.wsUrl);
    const b = await client(r.wsUrl);
    await a.request(1, "DEFINE who = 'alice';");
    await b.request(1, "DEFINE who = 'bob';", { variables: { extra: 'x' } });
    expect(await a.request(2, 'SHOW VARIABLES;')).toMatchObject({ results: [{ variables: [{ name: 'who', value: 'alice' }] }] });
    expect(await b.request(2, 'SHOW VARIABLES;')).toMatchObject({ results: [{ variables: expect.arrayContaining([{ name: 'who', value: 'bob' }, { name: 'extra', value: 'x' }]) }] });
    expect(await a.request(3, "SET 'sluice.unknown.keys' = 'warn';")).toMatchObject({ results: [{ '@type': 'property' }] });
    const file = path.join(r.dir, 'w.txt');
    const created = await a.request(4, `${source('lenient', file, ", 'my.own.key' = 'x'")}`);
    expect(created).toMatchObject({ results: [{ '@type': 'connector_info', warnings: [{ message: expect.stringContaining('my.own.key') }] }] });
    expect(await b.request(4, source('strict', file, ", 'my.own.key' = 'x'"))).toMatchObject({ error: { code: 'UNKNOWN_CONFIG_KEY' } });
  });

  it("applies a request's variables when it runs, after the requests sent before it", async () => {
    const r = await server();
    const c = await client(r.wsUrl);
    const file = path.join(r.dir, 'o.txt');
    c.send({ id: 1, sql: "DEFINE t = 'first';" });
    c.send({ id: 2, sql: `CREATE SOURCE CONNECTOR ord WITH ('connector.class' = 'FileStreamSource', 'file' = '${file}', 'topic' = '\${t}');` });
    c.send({ id: 3, sql: 'SHOW VARIABLES;', variables: { t: 'second' } });
    await c.next((f) => f['id'] === 3 && 'results' in f);
    expect(r.engine.catalog.getConnector('ORD')?.config['topic']).toBe('first');
  });

  it('stops a request at its first failing statement and returns what ran before it', async () => {
    const r = await server();
    const c = await client(r.wsUrl);
    const res = await c.request('x', "DEFINE a = '1'; DESCRIBE CONNECTOR missing; DEFINE b = '2';");
    expect(res).toMatchObject({ error: { '@type': 'statement_error', code: 'CONNECTOR_NOT_FOUND', line: 1, entities: [{ '@type': 'variable', name: 'a' }] } });
    expect(await c.request('y', 'SHOW VARIABLES;')).toMatchObject({ results: [{ variables: [{ name: 'a', value: '1' }] }] });
  });

  it('streams PRINT rows until LIMIT, and until cancelled', async () => {
    const r = await server();
    const file = path.join(r.dir, 'p.txt');
    fs.writeFileSync(file, 'l1\nl2\nl3\n');
    const c = await client(r.wsUrl);
    await c.request('create', source('printer', file));
    await c.request('p', 'PRINT printer-lines FROM BEGINNING LIMIT 2;'.replace('printer-lines', '`printer-lines`'));
    const done = await c.next((f) => f['id'] === 'p' && f['done'] === true);
    expect(done).toMatchObject({ printed: 2, cancelled: false });
    expect(c.frames.filter((f) => f['id'] === 'p' && 'row' in f).map((f) => (f['row'] as Record<string, unknown>)['value'])).toEqual(['l1', 'l2']);

    // Two PRINTs in one request stream one after the other, each ending with its done frame.
    await c.request('two', 'PRINT `printer-lines` FROM BEGINNING LIMIT 1; PRINT `printer-lines` FROM BEGINNING LIMIT 2;');
    await c.next((f) => f['id'] === 'two' && f['done'] === true && f['printed'] === 2);
    expect(c.frames.filter((f) => f['id'] === 'two' && !('results' in f)).map((f) => ('row' in f ? (f['row'] as Record<string, unknown>)['value'] : `done ${String(f['printed'])}`))).toEqual(['l1', 'done 1', 'l1', 'l2', 'done 2']);

    await c.request('live', 'PRINT `printer-lines`;');
    fs.appendFileSync(file, 'l4\n');
    await c.next((f) => f['id'] === 'live' && 'row' in f);
    // An id names one request at a time: the stream still holds it.
    c.send({ id: 'live', sql: 'SHOW VARIABLES;' });
    expect(await c.next((f) => f['id'] === 'live' && 'error' in f)).toMatchObject({ error: { message: expect.stringContaining('still running') } });
    c.send({ id: 'live', cancel: true });
    expect(await c.next((f) => f['id'] === 'live' && f['done'] === true)).toMatchObject({ printed: 1, cancelled: true });
  });

  it('pushes connector changes (created, RUNNING, PAUSED, FAILED with the error, dropped) and metrics to subscribers', async () => {
    const r = await server();
    const c = await client(r.wsUrl);
    const watcher = await client(r.wsUrl);
    watcher.send({ id: 'sub', subscribe: 'status' });
    await watcher.next((f) => f['subscribed'] === 'status' && f['id'] === 'sub');
    const file = path.join(r.dir, 's.txt');
    fs.writeFileSync(file, 'x\n');
    await c.request(1, source('watched', file));
    await watcher.next((f) => f['event'] === 'connector' && f['connector'] === 'WATCHED' && f['state'] === 'RUNNING');
    expect(watcher.frames.find((f) => f['connector'] === 'WATCHED')).toMatchObject({ change: 'created' });
    await c.request(2, 'PAUSE CONNECTOR watched;');
    await watcher.next((f) => f['connector'] === 'WATCHED' && f['state'] === 'PAUSED');
    fs.mkdirSync(path.join(r.dir, 'a-dir.txt'));
    await c.request(3, `${source('broken', path.join(r.dir, 'a-dir.txt'))}`);
    const failed = await watcher.next((f) => f['connector'] === 'BROKEN' && f['state'] === 'FAILED', 10_000);
    expect(JSON.stringify(failed)).toContain('a-dir.txt is a directory');
    await c.request(4, 'DROP CONNECTOR watched;');
    await watcher.next((f) => f['connector'] === 'WATCHED' && f['change'] === 'dropped');
    const metrics = await watcher.next((f) => f['event'] === 'metrics');
    expect(metrics).toMatchObject({ connectors: expect.arrayContaining([expect.objectContaining({ name: 'BROKEN', type: 'source' })]) });
  });

  it('answers reads at once and still records them in the statement history, in order', async () => {
    const r = await server();
    const c = await client(r.wsUrl);
    await c.request('r1', 'SHOW CONNECTORS;');
    await c.request('w1', source('hist', path.join(r.dir, 'h.txt')));
    await c.request('r2', 'DESCRIBE CONNECTOR hist;');
    // The next write's commit writes the reads held back before it.
    await c.request('w2', 'PAUSE CONNECTOR hist;');
    expect(r.engine.catalog.listStatements().map((s) => s.kind).reverse()).toEqual(['ListConnectors', 'CreateConnector', 'DescribeConnector', 'PauseConnector']);
  });

  // Policy (issue 10): frames carry entities masked by what each value is. A URL keeps all but its password; a
  // password ('postgres') that other values contain garbles none of them; PRINT rows are the user's data, unaltered.
  it('masks secrets in every frame by what they are, and leaves the rest and the records alone', async () => {
    const r = await server();
    const c = await client(r.wsUrl);
    const url = 'jdbc:postgresql://postgres:hunter2-secret@127.0.0.1:1/postgres';
    const shownUrl = 'jdbc:postgresql://postgres:********@127.0.0.1:1/postgres';
    const res = await c.request(
      1,
      `CREATE SOURCE CONNECTOR db WITH ('connector.class' = 'JdbcSourceConnector', 'connection.url' = '${url}', 'connection.user' = 'postgres', 'connection.password' = 'postgres', 'connection.attempts' = '1', 'mode' = 'bulk', 'topic.prefix' = 'postgres-');`,
    );
    expect(res).toMatchObject({
      results: [{ '@type': 'connector_info', info: { config: { 'connection.url': shownUrl, 'connection.user': 'postgres', 'connection.password': '********', 'topic.prefix': 'postgres-' } } }],
    });
    expect((res['results'] as { statementText: string }[])[0]!.statementText).toContain(`'connection.url' = '${shownUrl}', 'connection.user' = 'postgres', 'connection.password' = '********'`);
    c.send({ subscribe: 'status' });
    await c.next((f) => f['connector'] === 'DB' && f['state'] === 'FAILED', 10_000);
    const described = await c.request(2, 'DESCRIBE CONNECTOR db EXTENDED;');
    expect(described).toMatchObject({ results: [{ config: { 'connection.url': shownUrl, 'connection.user': 'postgres', 'connection.password': '********' } }] });
    expect(JSON.stringify(described)).toContain(`'connection.url' = '${shownUrl}'`);
    await r.runtime.log.append([{ topic: 'events', key: null, value: 'postgres said hunter2-secret' }]);
    await c.request(3, 'PRINT events FROM BEGINNING LIMIT 1;');
    expect(await c.next((f) => f['id'] === 3 && f['done'] === true)).toMatchObject({ printed: 1 });
    expect(c.frames.find((f) => f['id'] === 3 && 'row' in f)).toMatchObject({ row: { topic: 'events', value: 'postgres said hunter2-secret' } });
    expect(JSON.stringify(c.frames.filter((f) => !('row' in f)))).not.toContain('hunter2-secret');
    expect(JSON.stringify(c.frames)).not.toContain('jdbc:********');
    // A trace is free text, scrubbed of known secrets — but not of one that is shown anyway as a value that is
    // not secret (here the file a source reads, as DESCRIBE EXTENDED shows it): masking it in the trace alone
    // would hide nothing and point at the password.
    const dir = path.join(r.dir, 'hunter2-secret');
    fs.mkdirSync(dir);
    await c.request(4, `CREATE SOURCE CONNECTOR d WITH ('connector.class' = 'FileStreamSource', 'file' = '${dir}', 'topic' = 'd');`);
    const failed = await c.next((f) => f['connector'] === 'D' && f['state'] === 'FAILED', 10_000);
    const traces = JSON.stringify([failed, await c.request(5, 'DESCRIBE CONNECTOR d EXTENDED;')]);
    expect(traces).toContain(`"file":"${dir}"`);
    expect(traces).toContain(`${dir} is a directory`);
    expect(traces).not.toContain('********');
  });
});

describe('WebSocket flow control', () => {
  /** How many statements the server has executed (history ids keep counting). */
  const executed = (r: ServerRig) => {
    r.engine.flushHistory();
    return r.engine.catalog.listStatements(1)[0]?.id ?? 0;
  };

  it('stops reading a client that pipelines requests without reading the answers; others are served; nothing is lost', async () => {
    const r = await server();
    const setup = await client(r.wsUrl);
    await setup.request('c', source('big', path.join(r.dir, 'big.txt'), `, 'batch.size' = '7'`));
    const before = executed(r);
    const flood = await client(r.wsUrl);
    flood.ws.pause();
    const total = 20_000;
    for (let i = 0; i < total; i++) flood.send({ id: i, sql: 'DESCRIBE CONNECTOR big EXTENDED;' });
    // The server runs requests until the answers back up, then waits: the count stops growing well short of all.
    let seen = -1;
    for (let now = executed(r); now !== seen; now = executed(r)) {
      seen = now;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(seen - before).toBeLessThan(total / 2);
    const other = await client(r.wsUrl);
    expect((await other.request('x', 'SHOW CONNECTORS;'))['results']).toBeDefined();
    // Once it reads, it gets every answer, in order.
    flood.ws.resume();
    await flood.next((f) => f['id'] === total - 1, 60_000);
    expect(flood.frames.map((f) => f['id'])).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(flood.frames.every((f) => 'results' in f)).toBe(true);
  }, 90_000);
});
