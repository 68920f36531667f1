// `sluice run --server` and `sluice shell --server` print what they print without a server.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, ensureBuilt, sluiceEnv, spawnSluice, stopWith, until, waitForOutput, type Result } from './helpers/sluice-process.js';
import { silentServer, type SilentServer } from './helpers/silent-server.js';

let dir: string;
let server: { child: ReturnType<typeof spawnSluice>; done: Promise<Result>; url: string };
const env = () => sluiceEnv(path.join(dir, 'history'), { SLUICE_AUTH_TOKEN: undefined });

beforeAll(async () => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-remote-'));
  const child = spawnSluice(['serve', '--data-dir', path.join(dir, 'served'), '--port', '0', '--auth-token', 'remote-token-1'], dir, env());
  const done = collect(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForOutput(child, /serving http:\/\/127\.0\.0\.1:\d+/, 'stderr');
  server = { child, done, url: `http://127.0.0.1:${/127\.0\.0\.1:(\d+)/.exec(stderr)![1]}` };
});
afterAll(async () => {
  await stopWith(server.child, server.done, 'SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
});

function sluice(args: string[], input?: string): Promise<Result> {
  const child = spawnSluice(args, dir, env());
  const done = collect(child);
  child.stdin.end(input ?? '');
  return done;
}
const remote = ['--server', '', '--auth-token', 'remote-token-1'];
const withServer = () => remote.map((a) => (a === '' ? server.url : a));

describe('remote use of sluice serve', () => {
  it('run --server prints what run prints, PRINT rows included', async () => {
    fs.writeFileSync(path.join(dir, 'lines.txt'), 'first\nsecond\n');
    const script = (n: string) =>
      `DEFINE topic = '${n}-lines';\nCREATE SOURCE CONNECTOR ${n} WITH ('connector.class' = 'FileStreamSource', 'file' = '${path.join(dir, 'lines.txt')}', 'topic' = '\${topic}');\nSHOW VARIABLES;\nPRINT \`${n}-lines\` FROM BEGINNING LIMIT 2;\n`;
    fs.writeFileSync(path.join(dir, 'a.sql'), script('same'));
    const local = await sluice(['run', 'a.sql', '--until-idle', '--data-dir', path.join(dir, 'local')]);
    const served = await sluice(['run', 'a.sql', ...withServer()]);
    expect(served.code).toBe(0);
    expect(local.code).toBe(0);
    const rows = (s: string) => s.replace(/rowtime: [^,]+,/g, 'rowtime: T,');
    expect(rows(served.stdout)).toBe(rows(local.stdout));
    expect(served.stdout).toContain('value: second');
  });

  it('run --server validates the whole script first and executes nothing when a statement fails', async () => {
    fs.writeFileSync(path.join(dir, 'bad.sql'), "SHOW CONNECTORS;\nCREATE SOURCE CONNECTOR half WITH ('connector.class' = 'FileStreamSource', 'tpoic' = 'x');\n");
    const local = await sluice(['run', 'bad.sql', '--data-dir', path.join(dir, 'local2')]);
    const served = await sluice(['run', 'bad.sql', ...withServer()]);
    expect(served.code).toBe(1);
    expect(served.stderr).toBe(local.stderr);
    expect(served.stderr).toContain("bad.sql:2:76 UNKNOWN_CONFIG_KEY 'tpoic' is not a key of connector file-source");
    expect(served.stderr).toContain('nothing was executed');
  });

  it('shell --server runs piped statements one after another, errors and all, as the local shell does', async () => {
    const input = "DEFINE x = 'one';\nDESCRIBE CONNECTOR missing;\nSHOW VARIABLES;\n";
    const local = await sluice(['shell', '--data-dir', path.join(dir, 'local3')], input);
    const served = await sluice(['shell', ...withServer()], input);
    expect(served.code).toBe(1);
    expect(served.stdout).toBe(local.stdout);
    expect(served.stderr).toBe(local.stderr);
    expect(served.stdout).toContain('one');
  });

  it('says clearly when the server refuses the token or cannot be reached', async () => {
    const noToken = await sluice(['shell', '--server', server.url, '-e', 'SHOW CONNECTORS;']);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('needs a token');
    const nowhere = await sluice(['shell', '--server', 'http://127.0.0.1:1', '-e', 'SHOW CONNECTORS;']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/SERVER_UNREACHABLE cannot reach the Sluice server at ws:\/\/127\.0\.0\.1:1\/ws/);
    expect(nowhere.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('a server that accepts the connection but never answers', () => {
  let silent: SilentServer;
  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(async () => {
    await silent?.close();
  });
  const received = (sql: string) => until(() => silent.requests.some((r) => r['sql'] === sql), `${JSON.stringify(sql)} to reach the server`, 10_000);
  const wsUrl = () => `${silent.url.replace('http:', 'ws:')}/ws`;

  it('run --server gives up after --request-timeout: REQUEST_TIMEOUT, exit code 1, and a write may still happen', async () => {
    const create = "CREATE SOURCE CONNECTOR slow WITH ('connector.class' = 'FileStreamSource', 'file' = 'x.txt', 'topic' = 'slow');\n";
    fs.writeFileSync(path.join(dir, 'slow.sql'), create);
    const r = await sluice(['run', 'slow.sql', '--server', silent.url, '--request-timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sluice: REQUEST_TIMEOUT the Sluice server at ${wsUrl()} did not answer within 1 s; the server may still run it (--request-timeout sets how long to wait; 0 waits without limit)`);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(silent.requests.some((q) => q['sql'] === create && typeof q['script'] === 'object')).toBe(true);
  });

  it('shell --server -e times out too, and a read does not warn that it may still run', async () => {
    const r = await sluice(['shell', '--server', silent.url, '--request-timeout', '0.5', '-e', 'SHOW TOPICS;']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sluice: REQUEST_TIMEOUT the Sluice server at ${wsUrl()} did not answer within 0.5 s (`);
    expect(r.stderr).not.toContain('may still run');
  });

  it('--request-timeout also bounds the opening handshake, for a server that takes the connection and never upgrades it', async () => {
    const mute = net.createServer(() => undefined);
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const port = (mute.address() as net.AddressInfo).port;
    try {
      const r = await sluice(['shell', '--server', `http://127.0.0.1:${port}`, '--request-timeout', '0.5', '-e', 'SHOW TOPICS;']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`sluice: SERVER_UNREACHABLE cannot reach the Sluice server at ws://127.0.0.1:${port}/ws: Opening handshake has timed out`);
    } finally {
      mute.close();
    }
  });

  it('refuses a --request-timeout that is not a number of seconds', async () => {
    const r = await sluice(['shell', '--server', silent.url, '--request-timeout', 'soon', '-e', 'SHOW TOPICS;']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("USAGE_ERROR --request-timeout must be a number of seconds from 0 (no limit)");
  });

  it('one SIGINT ends run --server waiting for its answer (exit 130); the server may still run the script', async () => {
    fs.writeFileSync(path.join(dir, 'hang.sql'), 'DROP CONNECTOR IF EXISTS hang;\n');
    const child = spawnSluice(['run', 'hang.sql', '--server', silent.url], dir, env());
    const done = collect(child);
    await received('DROP CONNECTOR IF EXISTS hang;\n');
    const r = await stopWith(child, done, 'SIGINT', 10_000);
    expect(r.code).toBe(130);
    expect(r.stderr).toBe(`sluice: INTERRUPTED stopped waiting for the answer of the Sluice server at ${wsUrl()}; the server may still run it\n`);
  });

  it('one SIGTERM ends a piped shell --server waiting for an answer (exit 143)', async () => {
    const child = spawnSluice(['shell', '--server', silent.url, '--request-timeout', '0'], dir, env());
    const done = collect(child);
    // stdin stays open: the shell would read on after the answer.
    child.stdin.write('SHOW CONNECTORS;\n');
    await received('SHOW CONNECTORS;\n');
    const r = await stopWith(child, done, 'SIGTERM', 10_000);
    expect(r.code).toBe(143);
    expect(r.stderr).toBe(`sluice: INTERRUPTED stopped waiting for the answer of the Sluice server at ${wsUrl()}\n`);
  });
});
