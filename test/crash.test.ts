// Crash tests (issue 3, §3 and §8): a real `sluice run` of a file source → embedded log → file sink pipeline is
// killed with SIGKILL at random moments while its input file grows, restarted each time, and finally drained
// with --until-idle. Then the output file must show the pipeline's processing guarantee:
//   EFFECTIVELY_ONCE  every input line exactly once, in order;
//   ATLEAST_ONCE      every input line at least once (repeats allowed), nothing else;
//   ATMOST_ONCE       no input line more than once (losses allowed), in order, nothing else.
//
// The schedule (chunk sizes and split points, kill modes and delays) comes from one seed, printed at the start:
// SLUICE_CRASH_SEED=<seed> replays it (the kill moments still depend on the machine's speed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, ensureBuilt, seededRandom, sleep, sluiceEnv, spawnSluice, type Result } from './helpers/sluice-process.js';

type Guarantee = 'EFFECTIVELY_ONCE' | 'ATLEAST_ONCE' | 'ATMOST_ONCE';

const LINES = 20_000;
/** Source poll size: small, so that a kill usually lands with a batch in flight. */
const SOURCE_BATCH = 100;
/** The sink reads at most this many records per batch (connector-worker.ts): the most one crash can lose. */
// The sink's batch (Kafka's consumer max.poll.records), small so that kills land between its batches.
const SINK_BATCH = 500;
const TEST_TIMEOUT_MS = 85_000;
/** No new kill after this long (a very slow machine gets fewer kills rather than a timeout); the drain follows. */
const KILL_BUDGET_MS = 40_000;

const envSeed = process.env['SLUICE_CRASH_SEED'];
const SEED = envSeed !== undefined && envSeed !== '' ? Number(envSeed) >>> 0 : Math.floor(Math.random() * 2 ** 32);

let tmpRoot: string;

beforeAll(() => {
  ensureBuilt();
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-crash-'));
  console.log(`crash tests: seed ${SEED} (replay the schedule with SLUICE_CRASH_SEED=${SEED})`);
});

afterAll(() => {
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** Numbered lines of varying length; some non-ASCII (byte offsets ≠ character offsets), some ending in \r\n. */
function makeInput(rand: ReturnType<typeof seededRandom>): { lines: string[]; bytes: Buffer } {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 é→ß';
  const lines: string[] = [];
  const parts: string[] = [];
  for (let i = 1; i <= LINES; i++) {
    let payload = '';
    for (let n = rand.int(0, 40); n > 0; n--) payload += alphabet[rand.int(0, alphabet.length - 1)];
    const line = `${String(i).padStart(6, '0')} ${payload}`;
    lines.push(line);
    parts.push(line, rand.next() < 0.05 ? '\r\n' : '\n');
  }
  return { lines, bytes: Buffer.from(parts.join(''), 'utf8') };
}

function readLines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

interface Kill {
  /**
   * startup: `amount` ms after the spawn (opening the data dir, recovery, connectors starting); running: `amount`
   * ms after it reported its connectors running; progress: once the sink wrote `amount` more bytes (and 0–20 ms).
   */
  mode: 'startup' | 'running' | 'progress';
  amount: number;
  /** The process ended by itself before the kill: that is a failure (only SIGINT/SIGTERM stop `run`). */
  exitedEarly?: Result;
  /** Output lines when the process started; complete input lines written, and output lines, when it was killed. */
  startLines: number;
  inputLines: number;
  outputLines: number;
}

/** The kill caught the pipeline moving data: it wrote output in this run and had not caught up with the input. */
const inFlight = (k: Kill) => k.outputLines > k.startLines && k.outputLines < k.inputLines;

/** What went wrong, briefly: the first divergence, and how many lines repeat, are missing or are not input. */
function diagnose(expected: readonly string[], actual: readonly string[]): string {
  const valid = new Set(expected);
  const counts = new Map<string, number>();
  for (const l of actual) counts.set(l, (counts.get(l) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1);
  const missing = expected.filter((l) => !counts.has(l));
  const foreign = actual.filter((l) => !valid.has(l));
  let first = 0;
  while (first < expected.length && first < actual.length && expected[first] === actual[first]) first++;
  return [
    `${actual.length} output lines for ${expected.length} input lines`,
    `first divergence at line ${first + 1}: expected ${JSON.stringify(expected[first])}, got ${JSON.stringify(actual[first])}`,
    `${repeated.length} lines repeated (e.g. ${repeated.slice(0, 3).map(([l, n]) => `${JSON.stringify(l)}×${n}`).join(', ')})`,
    `${missing.length} missing (e.g. ${missing.slice(0, 3).map((l) => JSON.stringify(l)).join(', ')})`,
    `${foreign.length} not input lines (e.g. ${foreign.slice(0, 3).map((l) => JSON.stringify(l)).join(', ')})`,
  ].join('\n  ');
}

/** Whether `sub` appears in `all` in the same order (all lines are distinct). */
function isSubsequence(sub: readonly string[], all: readonly string[]): boolean {
  let i = 0;
  for (const l of all) if (i < sub.length && sub[i] === l) i++;
  return i === sub.length;
}

interface Outcome {
  expected: string[];
  output: string[];
  kills: Kill[];
  final: Result;
  seed: number;
}

async function crashRun(guarantee: Guarantee, seed: number, killCount: [number, number]): Promise<Outcome> {
  const rand = seededRandom(seed);
  const dir = fs.mkdtempSync(path.join(tmpRoot, `${guarantee.toLowerCase()}-`));
  const input = path.join(dir, 'in.txt');
  const output = path.join(dir, 'out.txt');
  const env = sluiceEnv(path.join(dir, 'history'));
  fs.writeFileSync(
    path.join(dir, 'pipeline.sql'),
    `CREATE SOURCE CONNECTOR IF NOT EXISTS src WITH ('connector.class' = 'FileStreamSource', 'file' = 'in.txt', 'topic' = 'lines',
  'batch.size' = '${SOURCE_BATCH}', 'processing.guarantees' = '${guarantee}');
CREATE SINK CONNECTOR IF NOT EXISTS snk WITH ('connector.class' = 'FileStreamSink', 'file' = 'out.txt', 'topics' = 'lines',
  'consumer.override.max.poll.records' = '${SINK_BATCH}',
  'processing.guarantees' = '${guarantee}');
`,
  );
  const { lines: expected, bytes } = makeInput(rand);
  fs.writeFileSync(input, '');
  let written = 0;
  /**
   * Append up to byte `end` (anywhere: mid-line and mid-character included), in two writes split at a fraction
   * `split` of the way. The random numbers are drawn by the caller whether or not the append happens, so the
   * schedule stays the same for a seed however the timers fall.
   */
  const appendTo = (end: number, split = 1) => {
    end = Math.min(bytes.length, Math.max(written, end));
    for (const stop of [written + Math.floor((end - written) * split), end]) {
      if (stop > written) fs.appendFileSync(input, bytes.subarray(written, stop));
      written = Math.max(written, stop);
    }
  };
  const completeInputLines = () => {
    let n = 0;
    for (let i = bytes.indexOf(0x0a); i >= 0 && i < written; i = bytes.indexOf(0x0a, i + 1)) n++;
    return n;
  };

  const kills = rand.int(killCount[0], killCount[1]);
  // Input arrives over the runs: a chunk before each start and one while it runs; the rest before the drain.
  const share = bytes.length / (kills + 2);
  const history: Kill[] = [];
  const budgetEnd = Date.now() + KILL_BUDGET_MS;
  for (let k = 0; k < kills && Date.now() < budgetEnd; k++) {
    appendTo(written + Math.round(share * (0.4 + rand.next() * 0.6)), rand.next());
    const before = fileSize(output);
    const startLines = readLines(output).length;
    const child = spawnSluice(['run', 'pipeline.sql', '--data-dir', 'data'], dir, env);
    const done = collect(child);
    let ended: Result | undefined;
    void done.then((r) => (ended = r));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [lateSize, lateSplit] = [Math.round(share * rand.next() * 0.5), rand.next()];
    const appendLate = setTimeout(() => appendTo(written + lateSize, lateSplit), rand.int(0, 1200));
    const [pick, jitter] = [rand.next(), rand.int(0, 20)];
    // The last kill waits for progress if none so far caught data moving (the assertion below needs one).
    const last = k === kills - 1 || Date.now() > budgetEnd - 5_000;
    const mode: Kill['mode'] = last && !history.some(inFlight) ? 'progress' : pick < 0.2 ? 'startup' : pick < 0.55 ? 'running' : 'progress';
    // Progress: part of what the input is ahead of the output by (about; repeats and losses blur it).
    const behind = written - before;
    const amount = mode === 'startup' ? rand.int(0, 700) : mode === 'running' ? rand.int(0, 1000) : rand.int(1, Math.max(1, Math.floor(behind * 0.8)));
    const deadline = Date.now() + 15_000;
    const waitFor = async (ready: () => boolean) => {
      while (ended === undefined && !ready() && Date.now() < deadline) await sleep(2);
    };
    if (mode === 'startup') await sleep(amount);
    else if (mode === 'running') {
      await waitFor(() => stderr.includes('Connectors are running'));
      await sleep(amount);
    } else {
      await waitFor(() => fileSize(output) >= before + amount);
      await sleep(jitter);
    }
    clearTimeout(appendLate);
    const kill: Kill = { mode, amount, startLines, inputLines: completeInputLines(), outputLines: readLines(output).length };
    if (ended !== undefined) kill.exitedEarly = ended;
    child.kill('SIGKILL');
    await done;
    history.push(kill);
    if (kill.exitedEarly) break;
  }
  appendTo(bytes.length, rand.next());
  const drain = spawnSluice(['run', 'pipeline.sql', '--data-dir', 'data', '--until-idle'], dir, env);
  const drained = collect(drain);
  const timer = setTimeout(() => drain.kill('SIGKILL'), 25_000); // a hung drain fails with its stderr, not a timeout
  const final = await drained;
  clearTimeout(timer);
  const outcome = { expected, output: readLines(output), kills: history, final, seed };
  const mid = history.filter(inFlight).length;
  // Each kill: when (S+ms after the spawn, R+ms after "running", +N bytes of output) then output lines at the
  // start → at the kill / complete input lines at the kill.
  const when = (k: Kill) => (k.mode === 'startup' ? `S+${k.amount}ms` : k.mode === 'running' ? `R+${k.amount}ms` : `+${k.amount}B`);
  console.log(
    `${guarantee} (seed ${seed}): ${history.length} kills, ${mid} while data flowed: ` +
      history.map((k) => `${when(k)}:${k.startLines}→${k.outputLines}/${k.inputLines}`).join(' ') +
      `; output ${outcome.output.length} lines for ${expected.length}`,
  );
  return outcome;
}

/** What every guarantee needs: no process ended on its own, the drain exited 0, kills landed mid-stream. */
function expectSoundRun(o: Outcome, guarantee: Guarantee): void {
  const replay = `(${guarantee}, seed ${o.seed}: SLUICE_CRASH_SEED=${SEED})`;
  for (const k of o.kills) {
    expect(k.exitedEarly, `sluice run ended by itself before its kill ${replay}: ${JSON.stringify(k.exitedEarly)}`).toBeUndefined();
  }
  expect(o.final.code, `the --until-idle drain failed ${replay}\n${o.final.stderr}`).toBe(0);
  expect(o.final.stderr, replay).not.toMatch(/^\s{4}at /m);
  // Otherwise the test would prove nothing: at least one kill must have caught lines between input and output.
  expect(o.kills.some(inFlight), `no kill landed while data flowed ${replay}`).toBe(true);
}

// The three pipelines are independent (own directories and data dirs); running them side by side keeps the
// file well under a minute and a half, and the load varies the kill moments further.
describe.concurrent('kill -9 at random moments, restart, drain', () => {
  it(
    'EFFECTIVELY_ONCE: every input line exactly once, in order',
    async () => {
      const o = await crashRun('EFFECTIVELY_ONCE', SEED, [6, 10]);
      expectSoundRun(o, 'EFFECTIVELY_ONCE');
      const same = o.output.length === o.expected.length && o.output.every((l, i) => l === o.expected[i]);
      expect(same, `EFFECTIVELY_ONCE violated (SLUICE_CRASH_SEED=${SEED}):\n  ${diagnose(o.expected, o.output)}`).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'ATLEAST_ONCE: every input line at least once, nothing else',
    async () => {
      const o = await crashRun('ATLEAST_ONCE', (SEED + 1) >>> 0, [5, 8]);
      expectSoundRun(o, 'ATLEAST_ONCE');
      const seen = new Set(o.output);
      const valid = new Set(o.expected);
      const ok = o.expected.every((l) => seen.has(l)) && o.output.every((l) => valid.has(l));
      expect(ok, `ATLEAST_ONCE violated (SLUICE_CRASH_SEED=${SEED}):\n  ${diagnose(o.expected, o.output)}`).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'ATMOST_ONCE: no input line more than once, in order, nothing else',
    async () => {
      const o = await crashRun('ATMOST_ONCE', (SEED + 2) >>> 0, [5, 8]);
      expectSoundRun(o, 'ATMOST_ONCE');
      const ok = new Set(o.output).size === o.output.length && isSubsequence(o.output, o.expected);
      expect(ok, `ATMOST_ONCE violated (SLUICE_CRASH_SEED=${SEED}):\n  ${diagnose(o.expected, o.output)}`).toBe(true);
      // Losses only come from crashes: at most one source batch and one sink batch per kill.
      const lost = o.expected.length - o.output.length;
      expect(lost, `lost more than the batches in flight at ${o.kills.length} kills (SLUICE_CRASH_SEED=${SEED})`).toBeLessThanOrEqual(
        o.kills.length * (SOURCE_BATCH + SINK_BATCH),
      );
    },
    TEST_TIMEOUT_MS,
  );
});
