// `sluice run --server` and `sluice shell --server` print what they print without a server.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, ensureBuilt, sluiceEnv, spawnSluice, stopWith, until, waitForOutput, type Result } from './helpers/sluice-process.js';
import { Writable } from 'node:stream';
import { RemoteSession } from '../src/cli/remote.js';
import type { PrintEntity } from '../src/engine/results.js';
import { silentServer, type SilentServer } from './helpers/silent-server.js';
import { startServer } from '../src/server/testing.js';

let dir: string;
let server: { child: ReturnType<typeof spawnSluice>; done: Promise<Result>; url: string };
const env = () => sluiceEnv(path.join(dir, 'history'), { SLUICE_AUTH_TOKEN: undefined });

beforeAll(async () => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-remote-'));
  // The server reads its token from a file (trailing newline dropped), as the README advises: not visible in ps.
  fs.writeFileSync(path.join(dir, 'server-token'), 'remote-token-1\n', { mode: 0o600 });
  const child = spawnSluice(['serve', '--data-dir', path.join(dir, 'served'), '--port', '0', '--auth-token-file', path.join(dir, 'server-token')], dir, env());
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

function sluice(args: string[], input?: string, extraEnv: Record<string, string | undefined> = {}): Promise<Result> {
  const child = spawnSluice(args, dir, { ...env(), ...extraEnv });
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

  it('says clearly when the server refuses the token (UNAUTHORIZED) or cannot be reached (SERVER_UNREACHABLE)', async () => {
    const noToken = await sluice(['shell', '--server', server.url, '-e', 'SHOW CONNECTORS;']);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/UNAUTHORIZED .*needs a bearer token/);
    expect(noToken.stderr).not.toContain('SERVER_UNREACHABLE');
    fs.writeFileSync(path.join(dir, 'show.sql'), 'SHOW CONNECTORS;\n');
    const wrong = await sluice(['run', 'show.sql', '--server', server.url, '--auth-token', 'not-the-token']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/UNAUTHORIZED .*the bearer token given is wrong/);
    expect(wrong.stderr).not.toContain('not-the-token');
    fs.writeFileSync(path.join(dir, 'wrong-token'), 'wrong\n');
    const wrongFile = await sluice(['shell', '--server', server.url, '--auth-token-file', path.join(dir, 'wrong-token'), '-e', 'SHOW CONNECTORS;']);
    expect(wrongFile.code).toBe(1);
    expect(wrongFile.stderr).toContain('UNAUTHORIZED');
    const nowhere = await sluice(['shell', '--server', 'http://127.0.0.1:1', '-e', 'SHOW CONNECTORS;']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/SERVER_UNREACHABLE cannot reach the Sluice server at ws:\/\/127\.0\.0\.1:1\/ws/);
    expect(nowhere.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('never shows the password of a --server URL in its errors', async () => {
    const unreachable = await sluice(['shell', '--server', 'http://admin:Srv-pw%2142@127.0.0.1:1', '-e', 'SHOW CONNECTORS;']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('SERVER_UNREACHABLE cannot reach the Sluice server at ws://admin:********@127.0.0.1:1/ws');
    const refused = await sluice(['shell', '-e', 'SHOW CONNECTORS;', '--server', server.url.replace('//', '//admin:Srv-pw%2142@')]);
    expect(refused.stderr).toMatch(/UNAUTHORIZED the Sluice server at ws:\/\/admin:\*{8}@127\.0\.0\.1:\d+\/ws refused/);
    const malformed = await sluice(['shell', '--server', 'http://admin:Srv-pw%2142@[::1', '-e', 'SHOW CONNECTORS;']);
    expect(malformed.stderr).toContain("USAGE_ERROR --server must be a URL such as http://127.0.0.1:8088, got 'http://admin:********@[::1'");
    for (const r of [unreachable, refused, malformed]) expect(r.stderr).not.toMatch(/Srv-pw|%2142|!42/);
  });
});

describe('the bearer token from a file or the environment', () => {
  it('--auth-token-file (with its trailing newline) and $SLUICE_AUTH_TOKEN are accepted by the client', async () => {
    fs.writeFileSync(path.join(dir, 'client-token'), 'remote-token-1\r\n', { mode: 0o600 });
    const fromFile = await sluice(['shell', '--server', server.url, '--auth-token-file', path.join(dir, 'client-token'), '-e', 'SHOW CONNECTORS;']);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.code).toBe(0);
    const fromEnv = await sluice(['shell', '--server', server.url, '-e', 'SHOW CONNECTORS;'], undefined, { SLUICE_AUTH_TOKEN: 'remote-token-1' });
    expect(fromEnv.stderr).toBe('');
    expect(fromEnv.code).toBe(0);
  });

  it('a token file that is missing, empty, or given beside --auth-token is a usage error with a code', async () => {
    const missing = await sluice(['shell', '--server', server.url, '--auth-token-file', path.join(dir, 'no-such-token'), '-e', 'SHOW CONNECTORS;']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/FILE_NOT_FOUND cannot read the token file .*no-such-token: no such file/);
    const directory = await sluice(['serve', '--port', '0', '--data-dir', path.join(dir, 'never'), '--auth-token-file', dir]);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(/FILE_UNREADABLE cannot read the token file .*: it is a directory/);
    fs.writeFileSync(path.join(dir, 'empty-token'), '\n');
    const empty = await sluice(['serve', '--port', '0', '--data-dir', path.join(dir, 'never'), '--auth-token-file', path.join(dir, 'empty-token')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/USAGE_ERROR the token file .*empty-token is empty/);
    const both = await sluice(['shell', '--server', server.url, '--auth-token', 'x', '--auth-token-file', path.join(dir, 'client-token'), '-e', 'SHOW CONNECTORS;']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('USAGE_ERROR');
    // A token no Authorization header can carry would have the server refuse every request, the right one included.
    fs.writeFileSync(path.join(dir, 'spaced-token'), 'two words\n');
    const spaced = await sluice(['serve', '--port', '0', '--data-dir', path.join(dir, 'never'), '--auth-token-file', path.join(dir, 'spaced-token')]);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toBe('sluice: USAGE_ERROR the bearer token contains whitespace, which no Authorization header can carry\n');
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);
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
    for (const bad of ['soon', '0x10', '-1', '1e3']) {
      const r = await sluice(['shell', '--server', silent.url, '--request-timeout', bad, '-e', 'SHOW TOPICS;']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("USAGE_ERROR --request-timeout must be a number of seconds from 0 (no limit)");
    }
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

describe('a server that misbehaves', () => {
  const print = (sql: string) => ({ results: [{ '@type': 'print_topic', statementText: sql, warnings: [], topic: 't', fromBeginning: true }] });
  const row = { row: { '@type': 'print_record', topic: 't', partition: 0, offset: 0, timestamp: 1795327164069, key: null, value: 'v1', headers: {} } };

  it('a PRINT the server ends with an error frame (no done) ends with that error, exit code 1', async () => {
    const fake = await silentServer((q) => (String(q['sql']).startsWith('PRINT') ? [print(String(q['sql'])), row, { error: { '@type': 'generic_error', error_code: 50000, code: 'INTERNAL_ERROR', message: 'the log went away' } }] : undefined));
    try {
      const r = await sluice(['shell', '--server', fake.url, '-e', 'PRINT t FROM BEGINNING;']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('value: v1');
      expect(r.stderr).toContain('the log went away');
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    } finally {
      await fake.close();
    }
  });

  it('one SIGINT ends a PRINT whose cancel the server never confirms', async () => {
    const fake = await silentServer((q) => (String(q['sql']).startsWith('PRINT') ? [print(String(q['sql'])), row] : undefined));
    try {
      const child = spawnSluice(['shell', '--server', fake.url, '-e', 'PRINT t FROM BEGINNING;'], dir, env());
      const done = collect(child);
      await waitForOutput(child, /value: v1/, 'stdout');
      const r = await stopWith(child, done, 'SIGINT', 10_000);
      expect(r.code).toBe(0);
      expect(fake.requests.some((q) => q['cancel'] === true)).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('stops reading the socket while the PRINT output is backed up, so the rows wait on the server, not here', async () => {
    const total = 20_000;
    const big = { ...row, row: { ...row.row, value: 'x'.repeat(1000) } };
    const fake = await silentServer((q) => (String(q['sql']).startsWith('PRINT') ? [print(String(q['sql'])), ...Array.from({ length: total }, () => big)] : undefined));
    const session = await RemoteSession.connect(fake.url, undefined, 10_000);
    try {
      let written = 0;
      // An output nobody reads: every write says it is backed up, and it never drains.
      const stuck = new Writable({ highWaterMark: 1, write: () => undefined });
      const counting = {
        write: (chunk: string) => {
          written += 1;
          return stuck.write(chunk);
        },
        once: (event: string, listener: () => void) => stuck.once(event, listener),
      } as unknown as NodeJS.WritableStream;
      const { entities } = await session.execute('PRINT t FROM BEGINNING;');
      const stop = new AbortController();
      void session.streamPrint(entities[0] as PrintEntity, counting, 'json', stop.signal);
      await new Promise((r) => setTimeout(r, 1000));
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(total / 4);
    } finally {
      session.close();
      await fake.close();
    }
  });

  it('ignores frames that are not frames of the protocol, and refuses a statement error it cannot show', async () => {
    const list = { results: [{ '@type': 'connector_list', statementText: 'SHOW CONNECTORS;', warnings: [], connectors: [] }] };
    const fake = await silentServer((q) =>
      q['sql'] === 'SHOW CONNECTORS;' ? ['null', '42', '"text"', '[1, 2]', 'not json', list] : [{ error: { '@type': 'statement_error', error_code: 40000 } }],
    );
    try {
      const ok = await sluice(['shell', '--server', fake.url, '-e', 'SHOW CONNECTORS;']);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('Connector Name');
      const bad = await sluice(['shell', '--server', fake.url, '-e', 'SHOW TOPICS;']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('SERVER_UNREACHABLE the server answered with something that is not a Sluice result');
      expect(bad.stderr).not.toContain('undefined');
    } finally {
      await fake.close();
    }
  });
});

describe('the remote shell when the connection drops', () => {
  it('reconnects to a restarted sluice serve, saying so, and keeps the session\'s DEFINEs and SETs', async () => {
    const data = path.join(dir, 'restarted');
    const start = (port: number) => {
      const child = spawnSluice(['serve', '--data-dir', data, '--port', String(port)], dir, env());
      const done = collect(child);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return { child, done, ready: waitForOutput(child, /serving http:\/\/127\.0\.0\.1:\d+/, 'stderr').then(() => Number(/127\.0\.0\.1:(\d+)/.exec(stderr)![1])) };
    };
    const first = start(0);
    const port = await first.ready;
    const shell = spawnSluice(['shell', '--server', `http://127.0.0.1:${port}`, '--request-timeout', '20'], dir, env());
    const shellDone = collect(shell);
    let out = '';
    let err = '';
    shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
    shell.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let second: ReturnType<typeof start> | undefined;
    try {
      shell.stdin.write("DEFINE who = 'alice';\nSET 'sluice.unknown.keys' = 'warn';\nSHOW VARIABLES;\n");
      await until(() => out.includes('alice'), 'SHOW VARIABLES before the restart');
      await stopWith(first.child, first.done, 'SIGTERM');
      await until(() => err.includes('reconnecting'), 'the shell to say it lost the connection', 10_000);
      expect(err).toContain(`sluice: the connection to the Sluice server at ws://127.0.0.1:${port}/ws was lost (1001 the server is stopping); reconnecting…`);
      second = start(port);
      await second.ready;
      const file = path.join(dir, 'after.txt');
      fs.writeFileSync(file, 'x\n');
      // ${who} resolves on the new server, and the unknown key only warns: both came back with the session.
      shell.stdin.write(`DEFINE greeting = 'hi \${who}';\nSHOW VARIABLES;\nCREATE SOURCE CONNECTOR after_restart WITH ('connector.class' = 'FileStreamSource', 'file' = '${file}', 'topic' = 'after', 'tpoic' = 'x');\n`);
      await until(() => out.includes('hi alice') && out.includes('AFTER_RESTART'), 'the statements after the restart', 20_000);
      expect(err).toContain(`sluice: reconnected to the Sluice server at ws://127.0.0.1:${port}/ws`);
      expect(err).not.toContain('SERVER_UNREACHABLE');
      expect(err).not.toContain('UNKNOWN_CONFIG_KEY');
      shell.stdin.end();
      const r = await shellDone;
      expect(r.code).toBe(0);
    } finally {
      if (shell.exitCode === null) shell.kill('SIGKILL');
      if (second) await stopWith(second.child, second.done, 'SIGTERM');
    }
  });

  it('stops reconnecting, with UNAUTHORIZED, when the restarted server refuses the token', async () => {
    const data = path.join(dir, 'token-changed');
    const start = (port: number, token: string) => {
      const child = spawnSluice(['serve', '--data-dir', data, '--port', String(port)], dir, { ...env(), SLUICE_AUTH_TOKEN: token });
      const done = collect(child);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return { child, done, ready: waitForOutput(child, /serving http:\/\/127\.0\.0\.1:\d+/, 'stderr').then(() => Number(/127\.0\.0\.1:(\d+)/.exec(stderr)![1])) };
    };
    const first = start(0, 'first-token');
    const port = await first.ready;
    const notices: string[] = [];
    const session = await RemoteSession.connect(`http://127.0.0.1:${port}`, 'first-token', 20_000, { notice: (l) => notices.push(l), maxDelayMs: 200 });
    let second: ReturnType<typeof start> | undefined;
    try {
      await session.execute('SHOW CONNECTORS;');
      await stopWith(first.child, first.done, 'SIGTERM');
      await until(() => notices.some((n) => n.includes('reconnecting')), 'the session to notice the lost connection', 10_000);
      second = start(port, 'second-token');
      await second.ready;
      const failed = await session.execute('SHOW CONNECTORS;').then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(failed?.code).toBe('UNAUTHORIZED');
      expect(notices.at(-1)).toMatch(/bearer token given is wrong; not reconnecting/);
      // Later statements fail the same way at once, instead of waiting on a reconnect that cannot succeed.
      await expect(session.execute('SHOW CONNECTORS;')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      expect(notices.join('\n')).not.toContain('second-token');
    } finally {
      session.close();
      if (second) await stopWith(second.child, second.done, 'SIGTERM');
    }
  });

  it('a write waiting for its answer when the socket drops fails as may-or-may-not-have-run; a read is sent again', async () => {
    const defined = { results: [{ '@type': 'variable', statementText: "DEFINE who = 'bob';", warnings: [], action: 'DEFINE', name: 'who', value: 'bob' }] };
    const first = await silentServer((q) => (String(q['sql']).startsWith('DEFINE') ? defined : undefined));
    const port = Number(new URL(first.url).port);
    const notices: string[] = [];
    const session = await RemoteSession.connect(first.url, undefined, 10_000, { notice: (l) => notices.push(l), maxDelayMs: 200 });
    let second: SilentServer | undefined;
    try {
      await session.execute("DEFINE who = 'bob';");
      const write = session.execute('DROP CONNECTOR x;').then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
      const read = session.execute('SHOW CONNECTORS;');
      await until(() => first.requests.some((q) => q['sql'] === 'SHOW CONNECTORS;'), 'the read to reach the server');
      await first.close();
      const failed = await write;
      expect(failed?.code).toBe('CONNECTION_LOST');
      expect(failed?.message).toContain('may or may not have run');
      const list = { results: [{ '@type': 'connector_list', statementText: 'SHOW CONNECTORS;', warnings: [], connectors: [] }] };
      second = await silentServer((q) => (q['sql'] === 'SHOW CONNECTORS;' ? list : undefined), port);
      const { entities } = await read;
      expect(entities).toEqual(list.results);
      // Sent once more, with the session's variable for the new connection; the DROP is not sent again.
      expect(second.requests).toEqual([expect.objectContaining({ sql: 'SHOW CONNECTORS;', variables: { who: 'bob' } })]);
      expect(notices).toEqual([expect.stringMatching(/was lost \(1006\); reconnecting…$/), expect.stringMatching(/^sluice: reconnected to/)]);
    } finally {
      session.close();
      await second?.close();
    }
  });

  it('a request over the server\'s size limit fails as too large and is not sent again; the session goes on', async () => {
    const rig = await startServer({ maxRequestBytes: 4096 });
    const notices: string[] = [];
    const session = await RemoteSession.connect(rig.url, undefined, 10_000, { notice: (l) => notices.push(l), maxDelayMs: 200 });
    try {
      await session.execute("DEFINE who = 'carol';");
      const big = await session.execute(`SHOW VARIABLES; -- ${'x'.repeat(10_000)}`).then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(big?.code).toBe('REQUEST_TOO_LARGE');
      const { entities } = await session.execute('SHOW VARIABLES;');
      expect(entities).toMatchObject([{ '@type': 'variables', variables: [{ name: 'who', value: 'carol' }] }]);
      expect(notices).toEqual([expect.stringContaining('(1009'), expect.stringContaining('reconnected')]);
    } finally {
      session.close();
      await rig.stop();
    }
  });
});
