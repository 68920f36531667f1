// `sluice run --server` and `sluice shell --server` print what they print without a server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, ensureBuilt, sluiceEnv, spawnSluice, stopWith, waitForOutput, type Result } from './helpers/sluice-process.js';

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
