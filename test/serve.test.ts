// `sluice serve` as a user starts it: a real process, real HTTP and WebSocket, real signals.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { collect, ensureBuilt, sluiceEnv, spawnSluice, stopWith, waitForOutput } from './helpers/sluice-process.js';

let dir: string;
beforeAll(() => ensureBuilt());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-serve-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string | undefined> = {}) => sluiceEnv(path.join(dir, 'history'), { SLUICE_AUTH_TOKEN: undefined, ...extra });

/** Starts `sluice serve` on a free port; resolves once it says where it listens. */
async function serve(args: string[], extraEnv: Record<string, string | undefined> = {}) {
  const child = spawnSluice(['serve', '--data-dir', path.join(dir, 'data'), '--port', '0', ...args], dir, env(extraEnv));
  const done = collect(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForOutput(child, /serving http:\/\/127\.0\.0\.1:\d+/, 'stderr');
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(stderr)![1]);
  return { child, done, url: `http://127.0.0.1:${port}`, port };
}

describe('sluice serve', () => {
  it('runs --file, serves REST and the WebSocket, and stops gracefully on SIGTERM (exit 0)', async () => {
    fs.writeFileSync(path.join(dir, 'in.txt'), 'hello\n');
    fs.writeFileSync(path.join(dir, 'setup.sql'), "CREATE SOURCE CONNECTOR boot WITH ('connector.class' = 'FileStreamSource', 'file' = 'in.txt', 'topic' = 'boot');\n");
    const s = await serve(['--file', 'setup.sql']);
    const res = await fetch(`${s.url}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: 'SHOW CONNECTORS;' }) });
    expect(await res.json()).toMatchObject([{ '@type': 'connector_list', connectors: [{ name: 'BOOT' }] }]);
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws`);
    const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ id: 1, sql: 'PRINT boot FROM BEGINNING LIMIT 1;' })));
      ws.on('message', (m) => {
        const f = JSON.parse(m.toString()) as Record<string, unknown>;
        if (f['done']) resolve(f);
      });
      ws.on('error', reject);
    });
    expect(answer).toMatchObject({ id: 1, printed: 1 });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const r = await stopWith(s.child, s.done, 'SIGTERM');
    expect(r.code).toBe(0);
    expect(await closed).toBe(1001);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('runs many connectors on a few task threads', async () => {
    const s = await serve([]);
    const sql = Array.from({ length: 40 }, (_, i) => `CREATE SINK CONNECTOR many_${i} WITH ('connector.class' = 'FileStreamSink', 'file' = 'out-${i}.txt', 'topics' = 'in-${i}');`).join('\n');
    expect((await fetch(`${s.url}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: sql }) })).status).toBe(200);
    const running = async () => {
      const list = (await (await fetch(`${s.url}/ksql`, { method: 'POST', body: JSON.stringify({ ksql: 'SHOW CONNECTORS;' }) })).json()) as { connectors: { state: string }[] }[];
      return list[0]!.connectors.filter((c) => c.state.startsWith('RUNNING')).length;
    };
    for (let i = 0; i < 200 && (await running()) < 40; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await running()).toBe(40);
    // Node's own threads (V8 platform, libuv pool, inspector…) plus one task thread per core: far fewer than 40.
    const threads = Number(/^Threads:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${s.child.pid}/status`, 'utf8'))![1]);
    expect(threads).toBeLessThan(20);
    expect((await stopWith(s.child, s.done, 'SIGTERM')).code).toBe(0);
  });

  it('takes the token from SLUICE_AUTH_TOKEN and never prints it', async () => {
    const s = await serve(['-o', 'json'], { SLUICE_AUTH_TOKEN: 'tok-from-env-123' });
    expect((await fetch(`${s.url}/info`)).status).toBe(401);
    expect((await fetch(`${s.url}/info`, { headers: { authorization: 'Bearer tok-from-env-123' } })).status).toBe(200);
    const r = await stopWith(s.child, s.done, 'SIGINT');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('bearer token required');
    expect(r.stdout + r.stderr).not.toContain('tok-from-env-123');
  });

  it('says clearly when the port is taken, the port is not a number, or --file fails', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const busy = await collect(spawnSluice(['serve', '--data-dir', path.join(dir, 'd1'), '--port', String(taken)], dir, env()));
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`port ${taken} on 127.0.0.1 is in use`);
    } finally {
      blocker.close();
    }
    const bad = await collect(spawnSluice(['serve', '--data-dir', path.join(dir, 'd2'), '--port', 'eighty'], dir, env()));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--port must be a number from 0 to 65535, got 'eighty'");
    fs.writeFileSync(path.join(dir, 'broken.sql'), 'CREATE SOURCE CONNECTOR x WTIH ();\n');
    const failing = await collect(spawnSluice(['serve', '--data-dir', path.join(dir, 'd3'), '--port', '0', '--file', 'broken.sql'], dir, env()));
    expect(failing.code).toBe(1);
    expect(failing.stdout + failing.stderr).toContain('WTIH');
    expect(failing.stderr).toContain('not serving');
  });
});
