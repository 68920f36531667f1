// Real `sluice` child processes for the end-to-end suites (cli.test.ts, crash.test.ts): spawning bin/sluice.js
// (which runs dist/), collecting its output, stopping it with a signal, and a seeded random source.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'sluice.js');
const BUILT_MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function isStale(): boolean {
  if (!fs.existsSync(BUILT_MAIN)) return true;
  const built = fs.statSync(BUILT_MAIN).mtimeMs;
  const newer = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((d) => {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) return newer(p);
      return p.endsWith('.ts') && !p.endsWith('.test.ts') && fs.statSync(p).mtimeMs > built;
    });
  return newer(path.join(ROOT, 'src')) || newer(path.join(ROOT, 'grammar'));
}

/**
 * `npm test` builds first (pretest); running one suite alone after editing src/ must not test an old build.
 * Type errors are `npm run typecheck`'s business: tsc still emits, and only a missing dist/ is fatal here.
 */
export function ensureBuilt(): void {
  if (!isStale()) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (!fs.existsSync(BUILT_MAIN)) throw new Error(`building dist/ failed:\n${r.stdout}${r.stderr}`);
}

/** The environment of a child: no inherited data dir, a private history file, no colours. */
export function sluiceEnv(historyFile: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_HISTORY_FILE: historyFile, NO_COLOR: '1' };
  delete env['SLUICE_DATA_DIR'];
  delete env['SLUICE_LOG_LEVEL'];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** node itself, not a wrapper: the child's pid is the process that holds the data dir lock (and gets the signals). */
export function spawnSluice(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Everything a child writes, and how it ended. Call it right after spawning, before any output can be lost. */
export function collect(child: ChildProcessWithoutNullStreams): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Waits until a child has written something matching `re` on the stream (rejects if it exits first or on timeout). */
export function waitForOutput(child: ChildProcessWithoutNullStreams, re: RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const source = child[stream];
    const finish = (err?: Error) => {
      clearTimeout(timer);
      source.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (re.test(seen)) finish();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => finish(new Error(`exited (${code ?? signal}) before printing ${re} on ${stream}: ${seen}`));
    const timer = setTimeout(() => finish(new Error(`nothing matching ${re} on ${stream} within ${timeoutMs} ms: ${seen}`)), timeoutMs);
    source.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs`, naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Sends `signal` and waits for the child to end. A graceful stop that hangs is a failure, not a test timeout:
 * after `timeoutMs` the child is killed and the error says so.
 */
export async function stopWith(child: ChildProcessWithoutNullStreams, done: Promise<Result>, signal: NodeJS.Signals, timeoutMs = 20_000): Promise<Result> {
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), timeoutMs)));
  const r = await Promise.race([done, hung]);
  clearTimeout(timer);
  if (r === 'hung') {
    child.kill('SIGKILL');
    const killed = await done;
    throw new Error(`still running ${timeoutMs} ms after ${signal}; stderr: ${killed.stderr}`);
  }
  return r;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** mulberry32: a small seeded PRNG, so a failing random schedule can be replayed from its printed seed. */
export function seededRandom(seed: number): { next: () => number; int: (min: number, max: number) => number } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}
