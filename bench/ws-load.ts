// (c) `sluice serve` under load: many WebSocket clients issuing CREATE / DESCRIBE / ALTER / DROP at once, beside
// the raw limit: the same number of clients doing bare WebSocket round trips against an echo server (ws).
// BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p") is passed to the server's node, to look inside it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { WebSocket } from 'ws';

type Kind = 'CREATE' | 'DESCRIBE' | 'ALTER' | 'DROP' | 'echo';

class Client {
  private next = 0;
  private readonly pending = new Map<number, (f: Record<string, unknown>) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (m) => {
      const f = JSON.parse(m.toString()) as Record<string, unknown>;
      const done = this.pending.get(f['id'] as number);
      this.pending.delete(f['id'] as number);
      done?.(f);
    });
  }

  static open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }

  /** Sends one request and resolves with its answer and the round trip in ms. */
  ask(body: Record<string, unknown>): Promise<{ frame: Record<string, unknown>; ms: number }> {
    const id = this.next++;
    const t0 = process.hrtime.bigint();
    return new Promise((resolve) => {
      this.pending.set(id, (frame) => resolve({ frame, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      this.ws.send(JSON.stringify({ id, ...body }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

function summary(latencies: Map<Kind, number[]>, seconds: number): { lines: string[]; p99: Map<Kind, number> } {
  const lines: string[] = [];
  const p99 = new Map<Kind, number>();
  let total = 0;
  for (const [kind, values] of latencies) {
    const sorted = [...values].sort((a, b) => a - b);
    total += sorted.length;
    p99.set(kind, quantile(sorted, 0.99));
    lines.push(`${kind.padEnd(9)} n=${String(sorted.length).padStart(6)}  p50 ${quantile(sorted, 0.5).toFixed(2).padStart(7)} ms  p99 ${quantile(sorted, 0.99).toFixed(2).padStart(7)} ms`);
  }
  lines.push(`${total.toLocaleString()} statements in ${seconds.toFixed(1)} s: ${(total / seconds).toFixed(0)} statements/s`);
  return { lines, p99 };
}

/**
 * The raw limit: the same clients doing bare round trips of a DESCRIBE-sized frame against a ws echo server in a
 * process of its own, as sluice serve is.
 */
async function rawEcho(clients: number, rounds: number, gapMs: number): Promise<Map<Kind, number[]>> {
  const wsModule = createRequire(import.meta.url).resolve('ws');
  const code = `const { WebSocketServer } = require(${JSON.stringify(wsModule)}); const s = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    s.on('listening', () => console.log(s.address().port)); s.on('connection', (ws) => ws.on('message', (m) => ws.send(m.toString())));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    const all = await Promise.all(Array.from({ length: clients }, () => Client.open(`ws://127.0.0.1:${port}`)));
    const latencies: number[] = [];
    const payload = 'x'.repeat(1500);
    await Promise.all(
      all.map(async (c) => {
        for (let i = 0; i < rounds; i++) {
          if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs * (0.5 + Math.random())));
          latencies.push((await c.ask({ sql: payload })).ms);
        }
      }),
    );
    for (const c of all) c.close();
    return new Map([['echo', latencies]]);
  } finally {
    child.kill();
  }
}

async function startServe(bin: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...(process.env['BENCH_NODE_ARGS']?.split(' ') ?? []), bin, 'serve', '--port', '0', '--data-dir', dataDir], { cwd: path.dirname(dataDir), stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`sluice serve exited (${code}): ${err}`)));
  });
  return { child, url: `ws://127.0.0.1:${port}/ws` };
}

/**
 * Runs the mixed workload on `clients` sockets. `gapMs` 0: each client sends its next statement as soon as the
 * last is answered (saturation: statements/s is the most the server does); otherwise it waits that long between
 * statements (a steady load, where latency is what a user sees).
 */
async function workload(url: string, work: string, clients: number, rounds: number, gapMs: number, tag: string) {
  const all = await Promise.all(Array.from({ length: clients }, () => Client.open(url)));
  const latencies = new Map<Kind, number[]>([['CREATE', []], ['DESCRIBE', []], ['ALTER', []], ['DROP', []]]);
  let failures = 0;
  const pause = () => (gapMs > 0 ? new Promise((r) => setTimeout(r, gapMs * (0.5 + Math.random()))) : Promise.resolve());
  const run = async (c: Client, kind: Kind, sql: string) => {
    await pause();
    const { frame, ms } = await c.ask({ sql });
    latencies.get(kind)!.push(ms);
    if ('error' in frame) failures += 1;
    return frame;
  };
  const t0 = process.hrtime.bigint();
  // Each client works on its own connector: round by round CREATE, DESCRIBE, ALTER, DESCRIBE, DROP; then it
  // creates it once more and alters it `rounds` times, and leaves it for the check below.
  await Promise.all(
    all.map(async (c, i) => {
      const name = `${tag}_${i}`;
      const create = `CREATE SINK CONNECTOR ${name} WITH ('connector.class' = 'FileStreamSink', 'file' = '${path.join(work, `${name}.txt`)}', 'topics' = '${tag}-${i}');`;
      for (let r = 0; r < rounds; r++) {
        await run(c, 'CREATE', create);
        await run(c, 'DESCRIBE', `DESCRIBE CONNECTOR ${name};`);
        await run(c, 'ALTER', `ALTER CONNECTOR ${name} SET ('consumer.override.max.poll.records' = '${r + 1}');`);
        await run(c, 'DESCRIBE', `DESCRIBE CONNECTOR ${name};`);
        await run(c, 'DROP', `DROP CONNECTOR ${name};`);
      }
      await run(c, 'CREATE', create);
      for (let r = 0; r < rounds; r++) {
        await run(c, 'ALTER', `ALTER CONNECTOR ${name} SET ('consumer.override.max.poll.records' = '${r + 1}');`);
        await run(c, 'DESCRIBE', `DESCRIBE CONNECTOR ${name};`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // No lost or duplicated change: every connector is there once, at version 1 + rounds, with the last value.
  const checker = all[0]!;
  const list = (await checker.ask({ sql: 'SHOW CONNECTORS;' })).frame;
  const names = ((list['results'] as { connectors: { name: string }[] }[])[0]?.connectors ?? []).map((x) => x.name).filter((n) => n.startsWith(tag.toUpperCase())).sort();
  let wrong = 0;
  for (let i = 0; i < clients; i++) {
    const d = (await checker.ask({ sql: `DESCRIBE CONNECTOR ${tag}_${i} EXTENDED;` })).frame;
    const e = (d['results'] as { version: number; versions: unknown[]; config: Record<string, string> }[] | undefined)?.[0];
    if (!e || e.version !== 1 + rounds || e.versions.length !== 1 + rounds || e.config['consumer.override.max.poll.records'] !== String(rounds)) wrong += 1;
  }
  for (const c of all) c.close();
  const expected = Array.from({ length: clients }, (_, i) => `${tag.toUpperCase()}_${i}`).sort();
  const check =
    `catalog check: ${JSON.stringify(names) === JSON.stringify(expected) ? `all ${clients} connectors present once` : `connectors differ: ${names.length} of ${clients}`}, ` +
    `${wrong === 0 ? 'every config version present' : `${wrong} with lost or extra versions`}, ${failures} failed statements`;
  return { ...summary(latencies, seconds), check };
}

export async function benchServerLoad(bin: string, clients: number, rounds: number): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'sluice-load-'));
  const { child, url } = await startServe(bin, path.join(work, 'data'));
  try {
    const gapMs = 400;
    const raw = summary(await rawEcho(clients, rounds * 4, gapMs), 1);
    const rawLine = `raw ws echo round trip (another process, same clients and pace): ${raw.lines[0]!.replace(/^echo\s+n=\s*\d+\s+/, '')}`;
    const saturated = await workload(url, work, clients, rounds, 0, 'sat');
    console.log(`\n(c) sluice serve, ${clients} WebSocket clients x ${rounds} rounds of CREATE / DESCRIBE / ALTER / DROP`);
    console.log('  as fast as each client gets answers (saturation):');
    for (const line of saturated.lines) console.log(`    ${line}`);
    console.log(`    ${saturated.check}`);
    const steady = await workload(url, work, clients, rounds, gapMs, 'steady');
    console.log(`  steady load, each client ~${gapMs} ms between statements (${Math.round((clients * 1000) / gapMs)} statements/s offered):`);
    for (const line of steady.lines) console.log(`    ${line}`);
    console.log(`    ${steady.check}`);
    console.log(`  ${rawLine}`);
    const describeP99 = steady.p99.get('DESCRIBE')!;
    console.log(`  DESCRIBE p99 under steady load ${describeP99.toFixed(2)} ms = ${(describeP99 / raw.p99.get('echo')!).toFixed(1)}x the raw round trip's p99 (target: under 5 ms)`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
}
