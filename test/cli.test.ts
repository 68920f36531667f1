// End-to-end tests of the `sluice` command: real child processes running bin/sluice.js (which runs dist/, built
// by `npm run build`; rebuilt here when src/ is newer), each in a temp working directory with a temp data dir.
// `sluice run` keeps its connectors running until SIGINT/SIGTERM, so every run expected to finish here passes
// --until-idle (or is stopped with a signal), and every file source reads a file that exists unless the test is
// about the FAILED outcome.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { collect, ensureBuilt, ROOT, sleep, sluiceEnv, spawnSluice, stopWith, until, waitForOutput, type Result } from './helpers/sluice-process.js';

// Tests run concurrently (each in its own workspace); on a busy 2-core machine a test of several processes can
// take a while, so allow more than the default.
vi.setConfig({ testTimeout: 90_000 });

const PKG_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A Node stack frame: no output of the command may ever contain one. */
const STACK_FRAME = /^\s{4}at /m;

interface RunOptions {
  cwd?: string;
  /** Written to stdin, which is then closed. Without it stdin is closed at once (not a terminal either way). */
  input?: string;
  env?: Record<string, string | undefined>;
}

let tmpRoot: string;

function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return sluiceEnv(path.join(tmpRoot, 'history'), extra);
}

/** Checked for every process of this file: a user never sees a stack trace or an internal error. */
function expectClean(r: Result): Result {
  expect(r.stdout, 'stack trace on stdout').not.toMatch(STACK_FRAME);
  expect(r.stderr, 'stack trace on stderr').not.toMatch(STACK_FRAME);
  expect(r.stderr).not.toMatch(/internal error/i);
  return r;
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

function types(stdout: string): unknown[] {
  return jsonLines(stdout).map((e) => e['@type']);
}

/** The lines of a text file ([] when it does not exist). */
function fileLines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** `count` numbered lines from `from` on, each ending in \n. */
function numbered(from: number, count: number, prefix = 'line'): string {
  return Array.from({ length: count }, (_, i) => `${prefix} ${from + i}\n`).join('');
}

/** A test's own working directory (data dirs live inside it), and the commands run in it. */
interface Workspace {
  dir: string;
  write(name: string, text: string): string;
  path(name: string): string;
  start(args: readonly string[], opts?: RunOptions): ChildProcessWithoutNullStreams;
  sluice(args: readonly string[], opts?: RunOptions): Promise<Result>;
  /** The connector names of a JSON `SHOW CONNECTORS` on that data dir (one more process). */
  names(dataDir: string): Promise<string[]>;
  /** The JSON entities of `sluice shell --execute SQL` on that data dir (one more process). */
  execute(dataDir: string, sql: string): Promise<Record<string, unknown>[]>;
}

let workspaces = 0;
function workspace(): Workspace {
  const dir = path.join(tmpRoot, `w${++workspaces}`);
  fs.mkdirSync(dir);
  const w: Workspace = {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    },
    path: (name) => path.join(dir, name),
    start: (args, opts = {}) => spawnSluice(args, opts.cwd ?? dir, baseEnv(opts.env)),
    async sluice(args, opts = {}) {
      const child = w.start(args, opts);
      const done = collect(child);
      child.stdin.end(opts.input ?? '');
      return expectClean(await done);
    },
    async names(dataDir) {
      const r = await w.sluice(['shell', '--data-dir', dataDir, '--output', 'json', '--execute', 'SHOW CONNECTORS;']);
      expect(r.code, r.stderr).toBe(0);
      const [list] = jsonLines(r.stdout);
      return (list!['connectors'] as { name: string }[]).map((c) => c.name);
    },
    async execute(dataDir, sql) {
      const r = await w.sluice(['shell', '--data-dir', dataDir, '--output', 'json', '--execute', sql]);
      return jsonLines(r.stdout);
    },
  };
  return w;
}

beforeAll(() => {
  ensureBuilt();
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cli-'));
});

afterAll(() => {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const FILE_SRC = (name: string, topic = "'lines'") =>
  `CREATE SOURCE CONNECTOR IF NOT EXISTS ${name} WITH ('connector.class' = 'FileStreamSource', 'file' = 'in.txt', 'topic' = ${topic});`;
const FILE_SNK = (name: string) => `CREATE SINK CONNECTOR IF NOT EXISTS ${name} WITH ('connector.class' = 'FileStreamSink', 'file' = 'out.txt', 'topics' = 'lines');`;
/** SHOW CONNECTORS' status of a connector that is starting or running (or not yet picked up by the runtime). */
const LIVE_STATUS = String.raw`(UNASSIGNED|RUNNING \(\d/\d tasks RUNNING\))`;

describe.concurrent('sluice (usage)', () => {
  it('--version prints the package version', async () => {
    const w = workspace();
    const r = await w.sluice(['--version']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.trim()).toBe(PKG_VERSION);
  });

  it('a wrong command line exits 2 with a one-line reason, touching no data dir', async () => {
    const w = workspace();
    w.write('ok.sql', 'SHOW CONNECTORS;');
    const [unknown, output, define, missing, missingShell, noFile, badOption] = await Promise.all([
      w.sluice(['bogus']),
      w.sluice(['run', 'ok.sql', '--output', 'yaml']),
      w.sluice(['run', 'ok.sql', '--define', 'no-equals-sign']),
      w.sluice(['run', 'missing.sql']),
      w.sluice(['shell', '--file', 'missing.sql', '--data-dir', 'shell-data']),
      w.sluice(['check']),
      w.sluice(['run', 'ok.sql', '--no-such-option']),
    ]);
    for (const r of [unknown, output, define, missing, missingShell, noFile, badOption]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toBe('');
    }
    expect(unknown.stderr).toMatch(/unknown command 'bogus'/);
    expect(output.stderr).toMatch(/--output must be table or json, not 'yaml'/);
    expect(define.stderr).toMatch(/--define expects NAME=VALUE.*no-equals-sign/);
    expect(missing.stderr).toBe('sluice: FILE_NOT_FOUND cannot read missing.sql: no such file\n');
    expect(missingShell.stderr).toMatch(/^sluice: FILE_NOT_FOUND cannot read missing.sql/);
    expect(noFile.stderr).toMatch(/missing required argument 'file'/);
    // run validates its arguments before it opens (and creates) the default data dir.
    expect(fs.existsSync(path.join(w.dir, '.sluice'))).toBe(false);
  });
});

describe.concurrent('sluice run', () => {
  it('prints one table per statement and exits 0; --define substitutes; a re-run reports the IF NOT EXISTS warnings', async () => {
    const w = workspace();
    w.write('in.txt', 'one\ntwo\n');
    w.write('ok.sql', `-- quick\n${FILE_SRC('src', "'${topic}'")}\n${FILE_SNK('snk')}\nSHOW CONNECTORS;\n`);
    const first = await w.sluice(['run', 'ok.sql', '--data-dir', 'data', '--define', 'topic=orders_qa', '--until-idle']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('Created connector SRC');
    expect(first.stdout).toContain('Created connector SNK');
    expect(first.stdout).toMatch(/^ Connector Name \| Type +\| Class +\| Status/m);
    expect(first.stdout).toMatch(new RegExp(String.raw`^ SNK +\| SINK +\| org\.apache\.kafka\.connect\.file\.FileStreamSinkConnector +\| ${LIVE_STATUS}`, 'm'));
    expect(first.stdout).toMatch(new RegExp(String.raw`^ SRC +\| SOURCE +\| org\.apache\.kafka\.connect\.file\.FileStreamSourceConnector +\| ${LIVE_STATUS}`, 'm'));
    expect(fs.existsSync(path.join(w.dir, 'data', 'catalog.db'))).toBe(true);

    const again = await w.sluice(['run', 'ok.sql', '--data-dir', 'data', '--define', 'topic=orders_qa', '--output', 'json', '--until-idle']);
    expect(again.code, again.stderr).toBe(0);
    const entities = jsonLines(again.stdout);
    expect(entities.map((e) => e['@type'])).toEqual(['warning_entity', 'warning_entity', 'connector_list']);
    expect(entities.map((e) => e['message'])).toEqual(['Connector SRC already exists', 'Connector SNK already exists', undefined]);

    const described = await w.sluice(['shell', '--data-dir', 'data', '--output', 'json', '--execute', 'DESCRIBE CONNECTOR src EXTENDED;']);
    expect((jsonLines(described.stdout)[0]!['config'] as Record<string, string>)['topic']).toBe('orders_qa');
  });

  it('with errors prints every one as FILE:LINE:COL CODE message with a caret, exits 1 and executes nothing', async () => {
    const w = workspace();
    const script = [
      FILE_SRC('fine'), // 1: valid, must not run
      "CREATE SINK CONNECTOR s WITH ('connector.class' = 'FileStreamSink', 'topcs' = 't');", // 2
      'DROP CONNECTOR nope;', // 3
      "CREATE SOURCE CONNECTOR x WTIH ('connector.class' = 'FileStreamSource');", // 4
      "SET 'no.such.property' = 'x';", // 5
    ].join('\n');
    w.write('errs.sql', script);
    const r = await w.sluice(['run', 'errs.sql', '--data-dir', 'data']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    const heads = lines.filter((l) => /^errs\.sql:\d+:\d+ [A-Z_]+ /.test(l));
    // 'topcs' is one mistake: its did-you-mean, not also a missing 'topics' at the statement.
    expect(heads.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'errs.sql:2:69 UNKNOWN_CONFIG_KEY',
      'errs.sql:3:16 CONNECTOR_NOT_FOUND',
      'errs.sql:4:27 SYNTAX_ERROR',
      'errs.sql:5:5 INVALID_PROPERTY',
    ]);
    // Each error is followed by its source line and a caret under the column.
    for (const head of heads) {
      const [, line, col] = /^errs\.sql:(\d+):(\d+)/.exec(head)!;
      const i = lines.indexOf(head);
      const source = script.split('\n')[Number(line) - 1]!;
      expect(lines[i + 1]).toBe(` ${line} | ${source}`);
      expect(lines[i + 2]).toBe(` ${' '.repeat(line!.length)} | ${' '.repeat(Number(col) - 1)}^`);
    }
    expect(r.stderr).toContain("did you mean 'topics'?");
    expect(r.stderr).toMatch(/errs\.sql: 4 errors; nothing was executed/);
    expect(await w.names('data')).toEqual([]);

    const json = await w.sluice(['run', 'errs.sql', '--data-dir', 'data', '--output', 'json']);
    expect(json.code).toBe(1);
    const errors = jsonLines(json.stdout);
    expect(errors.map((e) => [e['@type'], e['code'], e['line'], e['column'], e['file']])).toEqual([
      ['statement_error', 'UNKNOWN_CONFIG_KEY', 2, 69, 'errs.sql'],
      ['statement_error', 'CONNECTOR_NOT_FOUND', 3, 16, 'errs.sql'],
      ['statement_error', 'SYNTAX_ERROR', 4, 27, 'errs.sql'],
      ['statement_error', 'INVALID_PROPERTY', 5, 5, 'errs.sql'],
    ]);
  });

  it('names the included file in errors of RUN SCRIPT, with its own line, column and source line', async () => {
    const w = workspace();
    w.write('lib/bad.sql', "CREATE SOURCE CONNECTOR b WITH ('connector.class' = 'FileStreamSource',\n  'tpoic' = 't');\n");
    w.write('main.sql', `${FILE_SRC('outer')}\nRUN SCRIPT 'lib/bad.sql';\n`);
    const [run, check] = await Promise.all([w.sluice(['run', 'main.sql', '--data-dir', 'data']), w.sluice(['check', 'main.sql', '--data-dir', 'data'])]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("lib/bad.sql:2:3 UNKNOWN_CONFIG_KEY 'tpoic' is not a key of connector file-source; did you mean 'topic'?\n 2 |   'tpoic' = 't');\n   |   ^\n");
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("lib/bad.sql:2:3 UNKNOWN_CONFIG_KEY 'tpoic'");
    expect(await w.names('data')).toEqual([]);
  });

  it('--output json prints exactly one JSON line per statement', async () => {
    const w = workspace();
    w.write('in.txt', '');
    w.write('five.sql', `DEFINE t = 'x';\n${FILE_SRC('a')}\n${FILE_SNK('b')}\nSHOW SOURCE CONNECTORS;\nPAUSE CONNECTOR a;\n`);
    const r = await w.sluice(['run', 'five.sql', '--data-dir', 'data', '--output', 'json', '--until-idle']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(types(r.stdout)).toEqual(['variable', 'connector_info', 'connector_info', 'connector_list', 'connector_state']);
    expect((jsonLines(r.stdout)[3]!['connectors'] as { name: string }[]).map((c) => c.name)).toEqual(['A']);
  });

  it('the README quick start (JDBC source → file sink) writes users.jsonl with --until-idle; a re-run adds nothing', async () => {
    // The README runs `sluice run examples/quickstart.sql` from the repository root; the same layout in a workspace
    // keeps the output (users.jsonl, relative to the working directory) out of the repository.
    const w = workspace();
    fs.mkdirSync(w.path('examples'));
    for (const f of ['quickstart.sql', 'shop.db']) fs.copyFileSync(path.join(ROOT, 'examples', f), w.path(`examples/${f}`));
    const db = new Database(w.path('examples/shop.db'), { readonly: true });
    const users = db.prepare('SELECT id, name FROM users ORDER BY id').all() as { id: number; name: string }[];
    db.close();
    expect(users.length).toBeGreaterThan(0);

    const first = await w.sluice(['run', 'examples/quickstart.sql', '--until-idle']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('Created connector jdbc-users');
    expect(first.stdout).toContain('Created connector USERS_FILE');
    // The script's SHOW CONNECTORS comes after its CREATEs: it shows them started, not UNASSIGNED.
    expect(first.stdout).toMatch(/^ USERS_FILE +\| SINK +\| \S+ +\| RUNNING \(1\/1 tasks RUNNING\) *$/m);
    expect(first.stdout).toMatch(/^ jdbc-users +\| SOURCE +\| io\.confluent\.connect\.jdbc\.JdbcSourceConnector +\| RUNNING \(1\/1 tasks RUNNING\) *$/m);
    const written = () => fileLines(w.path('users.jsonl')).map((l) => JSON.parse(l) as { id: number; name: string });
    expect(written().map((u) => ({ id: u.id, name: u.name }))).toEqual(users);

    const again = await w.sluice(['run', 'examples/quickstart.sql', '--output', 'json', '--until-idle']);
    expect(again.code, again.stderr).toBe(0);
    expect(jsonLines(again.stdout).filter((e) => e['@type'] === 'warning_entity').map((e) => e['message'])).toEqual([
      'Connector jdbc-users already exists',
      'Connector USERS_FILE already exists',
    ]);
    expect(written()).toHaveLength(users.length); // resumed from its offsets: nothing read or written twice
    // The connectors resumed from the first run are shown running too.
    const list = jsonLines(again.stdout).find((e) => e['@type'] === 'connector_list') as { connectors: { name: string; state: string }[] };
    expect(list.connectors.map((c) => [c.name, c.state]).sort()).toEqual([
      ['USERS_FILE', 'RUNNING (1/1 tasks RUNNING)'],
      ['jdbc-users', 'RUNNING (1/1 tasks RUNNING)'],
    ]);
    expect((await w.names('.sluice')).sort()).toEqual(['USERS_FILE', 'jdbc-users']);
  });

  it('does not crash when the reader of its output goes away', async () => {
    const w = workspace();
    w.write('in.txt', numbered(1, 100));
    w.write('ok.sql', `${FILE_SRC('a')}\n${FILE_SNK('b')}\nSHOW CONNECTORS;\nSHOW CONNECTOR PLUGINS;\nPRINT 'lines' FROM BEGINNING LIMIT 100;\n`);
    const child = w.start(['run', 'ok.sql', '--data-dir', 'data', '--until-idle']);
    child.stdout.destroy(); // like `sluice run ok.sql | head -0`
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).not.toMatch(/EPIPE/);
    expect(code).toBe(0);
    expect(await w.names('data')).toEqual(['A', 'B']);
    expect(fileLines(w.path('out.txt'))).toHaveLength(100); // the connectors ran to the end all the same
  });
});

/** A file source → embedded log → file sink pipeline over in.txt and out.txt (topic `lines`). */
const PIPELINE = (guarantee = 'ATLEAST_ONCE') =>
  `CREATE SOURCE CONNECTOR IF NOT EXISTS src WITH ('connector.class' = 'FileStreamSource', 'file' = 'in.txt', 'topic' = 'lines', 'batch.size' = '100', 'processing.guarantees' = '${guarantee}');\n` +
  `CREATE SINK CONNECTOR IF NOT EXISTS snk WITH ('connector.class' = 'FileStreamSink', 'file' = 'out.txt', 'topics' = 'lines', 'processing.guarantees' = '${guarantee}');\n`;

/**
 * Sends `sql` to a piped `sluice shell --output json` every 250 ms until one of the entities it prints satisfies
 * `found` (for states the runtime reaches a moment after it starts), then leaves the shell with `exit`.
 */
async function executeUntil(w: Workspace, dataDir: string, sql: string, found: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const child = w.start(['shell', '--data-dir', dataDir, '--output', 'json']);
  const done = collect(child);
  let match: Record<string, unknown> | undefined;
  let seen = '';
  child.stdout.on('data', (d: Buffer) => {
    seen += d.toString();
    const lines = seen.split('\n');
    seen = lines.pop()!;
    for (const l of lines) if (match === undefined && l !== '' && found(JSON.parse(l) as Record<string, unknown>)) match = JSON.parse(l) as Record<string, unknown>;
  });
  try {
    await until(() => {
      if (match === undefined) child.stdin.write(`${sql}\n`);
      return match !== undefined;
    }, `an answer to ${sql} that matches`, 20_000, 250);
  } finally {
    child.stdin.end('exit\n');
    expectClean(await done);
  }
  return match!;
}

describe.concurrent('sluice run keeps connectors running', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`without --until-idle runs until ${signal}, then exits 0 having flushed and committed; a re-run resumes (no duplicate, no loss)`, async () => {
      const w = workspace();
      const all = numbered(1, 5500);
      const lines = all.replace(/\n$/, '').split('\n');
      w.write('in.txt', numbered(1, 2000));
      w.write('pipeline.sql', PIPELINE()); // at least once: only a graceful stop's commit avoids repeats
      const child = w.start(['run', 'pipeline.sql', '--data-dir', 'data']);
      const done = collect(child);
      child.stdin.end();
      await waitForOutput(child, /Connectors are running; press Ctrl-C to stop\./, 'stderr');
      await until(() => fileLines(w.path('out.txt')).length >= 2000, 'the first 2000 lines in out.txt');
      // Idle is not the end: only a signal stops `run`.
      await sleep(1_000);
      expect(child.exitCode, 'run exited without a signal').toBeNull();
      // More input, and the signal while it flows.
      fs.appendFileSync(w.path('in.txt'), numbered(2001, 3000));
      await until(() => fileLines(w.path('out.txt')).length > 2000, 'more lines in out.txt');
      const stopped = expectClean(await stopWith(child, done, signal));
      expect(stopped, stopped.stderr).toMatchObject({ code: 0, signal: null });
      const atStop = fileLines(w.path('out.txt'));
      expect(atStop, 'out.txt at the stop is a prefix of the input').toEqual(lines.slice(0, atStop.length));

      fs.appendFileSync(w.path('in.txt'), numbered(5001, 500));
      const again = await w.sluice(['run', 'pipeline.sql', '--data-dir', 'data', '--until-idle']);
      expect(again.code, again.stderr).toBe(0);
      expect(fileLines(w.path('out.txt'))).toEqual(lines);
    });
  }

  it('SIGINT while a JDBC source connects to a database that does not answer exits at once, not after the connect timeout', async () => {
    // Takes the connection and never answers: each attempt lasts its 10 s timeout.
    const hung = net.createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as net.AddressInfo).port;
    try {
      for (const kind of ['postgresql', 'mariadb']) {
        const w = workspace();
        w.write('hung.sql', `CREATE SOURCE CONNECTOR db WITH ('connector.class' = 'JdbcSource', 'connection.url' = 'jdbc:${kind}://127.0.0.1:${port}/shop', 'connection.user' = 'app', 'mode' = 'bulk', 'topic.prefix' = 'db-');\n`);
        const child = w.start(['run', 'hung.sql', '--data-dir', 'data']);
        const done = collect(child);
        child.stdin.end();
        await waitForOutput(child, /Connectors are running/, 'stderr');
        const signalled = Date.now();
        const stopped = expectClean(await stopWith(child, done, 'SIGINT'));
        expect(stopped, stopped.stderr).toMatchObject({ code: 0, signal: null });
        expect(Date.now() - signalled, kind).toBeLessThan(3_000);
        // The attempt cut short by the stop is no failure of the connector.
        expect(stopped.stderr, kind).not.toMatch(/WARN|ERROR/);
        // And `shell -f`, which stops the connectors as soon as its statements ran.
        const started = Date.now();
        const shell = await w.sluice(['shell', '--data-dir', 'd2', '-f', 'hung.sql']);
        expect(shell.code, shell.stderr).toBe(0);
        expect(Date.now() - started, kind).toBeLessThan(5_000);
      }
    } finally {
      hung.close();
    }
  });

  it('keeps running with nothing to run (no connector, or only a FAILED one) until SIGTERM, then exits 0', async () => {
    // Regression: signal listeners do not keep Node alive, so with no connector doing I/O `run` ended at once.
    const w = workspace();
    w.write('none.sql', 'SHOW CONNECTORS;\n');
    w.write('failing.sql', "CREATE SOURCE CONNECTOR missing WITH ('connector.class' = 'FileStreamSource', 'file' = 'nowhere.txt', 'topic' = 't');\n");
    fs.mkdirSync(path.join(w.dir, 'nowhere.txt')); // a directory: the source FAILS (a missing file is waited for)
    for (const [script, dataDir] of [['none.sql', 'd1'], ['failing.sql', 'd2']] as const) {
      const child = w.start(['run', script, '--data-dir', dataDir]);
      const done = collect(child);
      child.stdin.end();
      await waitForOutput(child, /Connectors are running/, 'stderr');
      await sleep(1_500);
      expect(child.exitCode, `${script}: run exited without a signal`).toBeNull();
      const r = expectClean(await stopWith(child, done, 'SIGTERM'));
      expect(r, r.stderr).toMatchObject({ code: 0, signal: null });
    }
  });

  it('a file source waits for a file that does not exist yet (RUNNING, the wait in DESCRIBE), then reads it from its start', async () => {
    const w = workspace();
    const create = "CREATE SOURCE CONNECTOR IF NOT EXISTS late WITH ('connector.class' = 'FileStreamSource', 'file' = 'later.txt', 'topic' = 'late');";
    type Described = { status: { connector: { state: string }; tasks: { state: string; activity?: { phase: string; description: string } }[] }; recordsOut: number; errors: number };
    let waiting: Described | undefined;
    const read = (await executeUntil(w, 'data', `${create} DESCRIBE CONNECTOR late;`, (e) => {
      if (e['@type'] !== 'connector_description') return false;
      const d = e as unknown as Described;
      if (waiting === undefined && d.status.tasks[0]?.activity?.phase === 'waiting') {
        waiting = d;
        w.write('later.txt', 'one\ntwo\n');
      }
      return waiting !== undefined && d.recordsOut === 2 && d.status.tasks[0]?.activity === undefined;
    })) as unknown as Described;
    expect(waiting!.status).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ state: 'RUNNING' }] });
    expect(waiting!.status.tasks[0]!.activity!.description).toMatch(/^waiting for file '.*later\.txt' since \d{4}-\d\d-\d\dT/);
    expect(waiting!.errors).toBe(0);
    expect(read.status.tasks[0]!.state).toBe('RUNNING');
    expect(read.errors).toBe(0);
  });

  it('a SHOW or DESCRIBE while a JDBC source retries its connection shows the retry at once, instead of waiting 5 s each', async () => {
    const w = workspace();
    const port = await closedPort();
    // Confluent's 3 attempts, 30 s apart here: the connector stays on its first retry for the whole script.
    const create =
      `CREATE SOURCE CONNECTOR db WITH ('connector.class' = 'JdbcSource', 'connection.url' = 'jdbc:postgresql://127.0.0.1:${port}/shop', ` +
      "'connection.user' = 'app', 'mode' = 'bulk', 'topic.prefix' = 'db-', 'connection.backoff.ms' = '30000');";
    const started = Date.now();
    const r = await w.sluice(['shell', '--data-dir', 'data', '--output', 'json', '--execute', `${create} SHOW CONNECTORS; SHOW CONNECTORS; DESCRIBE CONNECTOR db;`]);
    const took = Date.now() - started;
    expect(r.code, r.stderr).toBe(0);
    type List = { connectors: { state: string; activity?: string }[] };
    const [, first, second, described] = jsonLines(r.stdout) as [unknown, List, List, { status: { connector: { activity?: { phase: string } } } }];
    // The first SHOW still waits for the first attempt's outcome; from then on the status is the retry.
    for (const list of [first, second]) expect(list.connectors[0]).toMatchObject({ state: 'UNASSIGNED', activity: expect.stringMatching(/^retrying the connection to PostgreSQL .*\(attempt 1\/3 failed\)$/) });
    expect(described.status.connector.activity?.phase).toBe('retrying');
    // Each of the three waited the full 5 s before (≥ 15 s).
    expect(took).toBeLessThan(8_000);
  });

  it('--until-idle exits 1 when a connector FAILED (a source whose file is a directory); DESCRIBE shows the trace', async () => {
    const w = workspace();
    w.write('in.txt', numbered(1, 10));
    fs.mkdirSync(path.join(w.dir, 'nowhere.txt'));
    w.write('bad.sql', `${PIPELINE()}CREATE SOURCE CONNECTOR IF NOT EXISTS missing WITH ('connector.class' = 'FileStreamSource', 'file' = 'nowhere.txt', 'topic' = 'other');\n`);
    const r = await w.sluice(['run', 'bad.sql', '--data-dir', 'data', '--until-idle']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Created connector MISSING');
    // Named, with its error and a code: the exit code alone told a script nothing it could act on.
    expect(r.stderr).toMatch(/^bad\.sql: CONNECTOR_FAILED connector MISSING FAILED: .*nowhere\.txt is a directory, not a file.* \(DESCRIBE CONNECTOR MISSING shows why\)$/m);
    expect(r.stderr).toMatch(/nowhere\.txt is a directory, not a file/);
    // With --output json it is on stdout too, as a command error is.
    const json = await w.sluice(['run', 'bad.sql', '--data-dir', 'data', '--until-idle', '--output', 'json']);
    expect(json.code).toBe(1);
    expect(jsonLines(json.stdout).at(-1)).toMatchObject({
      '@type': 'statement_error',
      error_code: 50000,
      code: 'CONNECTOR_FAILED',
      message: expect.stringMatching(/^connector MISSING FAILED: .*nowhere\.txt is a directory/),
      statementText: '',
    });

    // errors.retry.timeout defaults to 0: FAILED at once, in every process that runs it.
    const described = await executeUntil(w, 'data', 'DESCRIBE CONNECTOR missing;', (e) => (e['status'] as { connector: { state: string } } | undefined)?.connector.state === 'FAILED');
    const status = described['status'] as { tasks: { state: string; trace?: string }[] };
    expect(status.tasks).toMatchObject([{ state: 'FAILED', trace: expect.stringMatching(/nowhere\.txt is a directory, not a file/) }]);
    expect(described['lastError']).toMatchObject({ message: expect.stringMatching(/nowhere\.txt is a directory, not a file/) });
  });

  it('a file source → file sink pipeline copies the input line for line; a partial last line waits for its end', async () => {
    const w = workspace();
    const complete = ['plain', '', 'ünïcødé → ✓', 'crlf line', '  spaced  ', '{"json":"as text"}'];
    w.write('in.txt', `${complete.slice(0, 3).join('\n')}\n${complete[3]}\r\n${complete.slice(4).join('\n')}\nno newline yet`);
    w.write('pipeline.sql', PIPELINE('EFFECTIVELY_ONCE'));
    const r = await w.sluice(['run', 'pipeline.sql', '--data-dir', 'data', '--until-idle']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(fileLines(w.path('out.txt'))).toEqual(complete);
    fs.appendFileSync(w.path('in.txt'), ', now ended\n');
    const again = await w.sluice(['run', 'pipeline.sql', '--data-dir', 'data', '--until-idle']);
    expect(again.code, again.stderr).toBe(0);
    expect(fileLines(w.path('out.txt'))).toEqual([...complete, 'no newline yet, now ended']);
  });

  it('the piped shell runs the connectors while it is open', async () => {
    const w = workspace();
    w.write('in.txt', numbered(1, 50));
    const child = w.start(['shell', '--data-dir', 'data', '--output', 'json']);
    const done = collect(child);
    child.stdin.write(PIPELINE()); // stdin stays open: the shell, and its connectors, keep running
    await until(() => fileLines(w.path('out.txt')).length === 50, 'out.txt to have the 50 lines');
    fs.appendFileSync(w.path('in.txt'), numbered(51, 50));
    await until(() => fileLines(w.path('out.txt')).length === 100, 'out.txt to have the 100 lines');
    child.stdin.end('exit\n');
    const r = expectClean(await done);
    expect(r.code, r.stderr).toBe(0);
    expect(types(r.stdout)).toEqual(['connector_info', 'connector_info']);
    expect(fileLines(w.path('out.txt'))).toEqual(numbered(1, 100).trim().split('\n'));
  });
});

describe.concurrent('statements that act on the runtime', () => {
  /** A workspace whose pipeline has copied five lines (`line 1`..`line 5`, 35 bytes) and stopped. */
  async function drained(guarantee = 'ATLEAST_ONCE'): Promise<Workspace> {
    const w = workspace();
    w.write('in.txt', numbered(1, 5));
    w.write('pipeline.sql', PIPELINE(guarantee));
    const r = await w.sluice(['run', 'pipeline.sql', '--data-dir', 'data', '--until-idle']);
    expect(r.code, r.stderr).toBe(0);
    expect(fileLines(w.path('out.txt'))).toHaveLength(5);
    return w;
  }
  const ROW = /^rowtime: \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{3} Z, key: <null>, value: line (\d+), partition: 0$/;

  it("PRINT 'topic' FROM BEGINNING LIMIT n prints n records (table: ksqlDB's rowtime/key/value lines; json: one line each) and ends", async () => {
    const w = await drained();
    const table = await w.sluice(['shell', '--data-dir', 'data', '--execute', "PRINT 'lines' FROM BEGINNING LIMIT 3;"]);
    expect(table.code, table.stderr).toBe(0);
    const out = table.stdout.split('\n').filter((l) => l !== '');
    // Guessed from the records as ksqlDB guesses: no key was seen, and 'line 1' is plain text, not JSON.
    expect(out.slice(0, 2)).toEqual(['Key format: ¯\\_(ツ)_/¯ - no data processed', 'Value format: KAFKA_STRING']);
    expect(out.slice(2)).toHaveLength(3);
    expect(out.slice(2).map((l) => ROW.exec(l)?.[1])).toEqual(['1', '2', '3']);

    // In a script of `run` too, in JSON: the statement's entity, then one print_record per record.
    w.write('print.sql', "PRINT 'lines' FROM BEGINNING LIMIT 4;\n");
    const json = await w.sluice(['run', 'print.sql', '--data-dir', 'data', '--output', 'json', '--until-idle']);
    expect(json.code, json.stderr).toBe(0);
    const entities = jsonLines(json.stdout);
    expect(entities.map((e) => e['@type'])).toEqual(['print_topic', 'print_record', 'print_record', 'print_record', 'print_record']);
    expect(entities.slice(1).map((e) => [e['topic'], e['partition'], e['offset'], e['key'], e['value']])).toEqual(
      [1, 2, 3, 4].map((n) => ['lines', 0, n - 1, null, `line ${n}`]),
    );
  });

  it('PRINT of a topic of JSON records says JSON or KAFKA_STRING for them, as ksqlDB does', async () => {
    const w = workspace();
    const db = new Database(w.path('t.db'));
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b');");
    db.close();
    w.write('jdbc.sql', "CREATE SOURCE CONNECTOR j WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite:t.db', 'mode'='incrementing', 'topic.prefix'='db-', 'key'='name');\n");
    const run = await w.sluice(['run', 'jdbc.sql', '--data-dir', 'data', '--until-idle']);
    expect(run.code, run.stderr).toBe(0);
    const r = expectClean(await w.sluice(['shell', '--data-dir', 'data', '--execute', "PRINT 'db-t' FROM BEGINNING LIMIT 2;"]));
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n').filter((l) => l !== '');
    expect(out.slice(0, 2)).toEqual(['Key format: KAFKA_STRING', 'Value format: JSON or KAFKA_STRING']);
    expect(out.slice(2)).toEqual([expect.stringMatching(/key: a, value: \{"id":1,"name":"a"\}/), expect.stringMatching(/key: b, value: \{"id":2,"name":"b"\}/)]);
  });

  it('SHOW TOPICS lists the topic with its record count; SHOW CONNECTOR OFFSETS shows committed positions', async () => {
    const w = await drained();
    const [topics, source, sink] = await w.execute('data', 'SHOW TOPICS; SHOW CONNECTOR OFFSETS src; SHOW CONNECTOR OFFSETS snk;');
    expect(topics).toMatchObject({ '@type': 'kafka_topics', topics: [{ name: 'lines', partitions: 1, records: 5 }] });
    expect(source).toMatchObject({ '@type': 'connector_offsets', connectorName: 'SRC', offsets: [{ partition: { filename: 'in.txt' }, offset: { position: 35 } }] });
    expect(sink).toMatchObject({
      '@type': 'connector_offsets',
      connectorName: 'SNK',
      offsets: [{ partition: { kafka_topic: 'lines', kafka_partition: 0 }, offset: { kafka_offset: 5 } }],
    });
    const table = await w.sluice(['shell', '--data-dir', 'data', '--execute', 'SHOW TOPICS; SHOW CONNECTOR OFFSETS src;']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ Topic +\| Partitions +\| Records +$/m);
    expect(table.stdout).toMatch(/^ lines +\| 1 +\| 5 +$/m);
    expect(table.stdout).toMatch(/^ \{"filename":"in\.txt"\} +\| \{.*"position":35\} +$/m);
  });

  it('ALTER CONNECTOR … RESET OFFSETS is refused while running and allowed when paused; after RESUME the source re-reads from the start', async () => {
    const w = await drained();
    const refused = await w.sluice(['shell', '--data-dir', 'data', '--execute', 'ALTER CONNECTOR src RESET OFFSETS;']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^1:17 CONNECTOR_NOT_PAUSED connector SRC is running: offsets can only be reset while it is paused/m);
    expect(fileLines(w.path('out.txt'))).toHaveLength(5);

    const paused = await w.sluice(['shell', '--data-dir', 'data', '--execute', 'PAUSE CONNECTOR src;']);
    expect(paused.code, paused.stderr).toBe(0);
    w.write('reset.sql', 'ALTER CONNECTOR src RESET OFFSETS;\nRESUME CONNECTOR src;\n');
    const reset = await w.sluice(['run', 'reset.sql', '--data-dir', 'data', '--output', 'json', '--until-idle']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(types(reset.stdout)).toEqual(['connector_offsets_reset', 'connector_state']);
    // The sink's positions were not reset: it writes the re-read records after the first ones.
    const five = numbered(1, 5).trim().split('\n');
    expect(fileLines(w.path('out.txt'))).toEqual([...five, ...five]);
    const [topics] = await w.execute('data', 'SHOW TOPICS;');
    expect(topics).toMatchObject({ topics: [{ name: 'lines', records: 10 }] });
  });

  // KNOWN BUG (src/runtime/runtime.ts): the scheduler applies the catalog as it is when its queued apply() runs,
  // not each statement's change in turn. A script's statements all execute before the first apply, so PAUSE and
  // RESUME cancel out, the source never stops, and the reset deletes its offsets behind its back: nothing is
  // re-read now (the running task keeps its in-memory position), and the next start (or nothing, if a later
  // commit overwrites them) re-reads instead. Remove `.fails` once PAUSE; RESET; RESUME in one script works.
  it('PAUSE; ALTER … RESET OFFSETS; RESUME in one script re-reads the source at once', async () => {
    const w = await drained();
    w.write('reset.sql', 'PAUSE CONNECTOR src;\nALTER CONNECTOR src RESET OFFSETS;\nRESUME CONNECTOR src;\n');
    const reset = await w.sluice(['run', 'reset.sql', '--data-dir', 'data', '--until-idle']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(fileLines(w.path('out.txt'))).toHaveLength(10);
  });
});

describe.concurrent('sluice check', () => {
  it('prints FILE:LINE:COL CODE message per error, exits 1, and changes nothing', async () => {
    const w = workspace();
    w.write('errs.sql', `${FILE_SRC('a')}\nDROP CONNECTOR nope;\n\n  SET 'no.such.property' = 'x';\n`);
    w.write('good.sql', `${FILE_SRC('a')}\nDESCRIBE CONNECTOR a;\nSHOW TOPICS;\nPRINT 'lines' FROM BEGINNING LIMIT 1;\n`);
    const [bad, good, badJson] = await Promise.all([
      w.sluice(['check', 'errs.sql', '--data-dir', 'data']),
      w.sluice(['check', 'good.sql', '--data-dir', 'data']),
      w.sluice(['check', 'errs.sql', '--data-dir', 'data', '--output', 'json']),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout.split('\n').filter((l) => l !== '')).toEqual([
      'errs.sql:2:16 CONNECTOR_NOT_FOUND connector NOPE does not exist',
      expect.stringMatching(/^errs\.sql:4:7 INVALID_PROPERTY /),
    ]);
    expect(bad.stderr).toBe('errs.sql: 2 errors\n');
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toBe('');
    expect(good.stderr).toMatch(/^good\.sql: OK/);
    expect(badJson.code).toBe(1);
    expect(jsonLines(badJson.stdout).map((e) => [e['code'], e['line'], e['column']])).toEqual([
      ['CONNECTOR_NOT_FOUND', 2, 16],
      ['INVALID_PROPERTY', 4, 7],
    ]);
    // check only reads: it did not even create the data dir.
    expect(fs.existsSync(path.join(w.dir, 'data'))).toBe(false);
  });

  it('validates against the existing catalog without modifying it', async () => {
    const w = workspace();
    w.write('in.txt', 'x\n');
    w.write('setup.sql', `${FILE_SRC('a')}\n`);
    expect((await w.sluice(['run', 'setup.sql', '--data-dir', 'data', '--until-idle'])).code).toBe(0);
    w.write('change.sql', `DROP CONNECTOR a;\n${FILE_SNK('b')}\nPAUSE CONNECTOR b;\nDESCRIBE CONNECTOR gone;\n`);
    const r = await w.sluice(['check', 'change.sql', '--data-dir', 'data']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('change.sql:4:20 CONNECTOR_NOT_FOUND connector GONE does not exist\n');
    const list = await w.sluice(['shell', '--data-dir', 'data', '--output', 'json', '--execute', 'SHOW CONNECTORS;']);
    expect(jsonLines(list.stdout)[0]!['connectors']).toEqual([
      { name: 'A', type: 'source', className: 'org.apache.kafka.connect.file.FileStreamSourceConnector', state: expect.stringMatching(new RegExp(`^${LIVE_STATUS}$`)) },
    ]);
  });
});

describe.concurrent('sluice shell with piped stdin', () => {
  it("prints one JSON line for `echo 'SHOW CONNECTORS;' | sluice shell --output json`, and no prompt", async () => {
    const w = workspace();
    const r = await w.sluice(['shell', '--output', 'json', '--data-dir', 'data'], { input: 'SHOW CONNECTORS;\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toHaveLength(2); // one line and the final newline
    expect(jsonLines(r.stdout)).toEqual([{ '@type': 'connector_list', statementText: 'SHOW CONNECTORS;', warnings: [], connectors: [] }]);
    expect(r.stdout).not.toContain('sluice>');
  });

  it('runs every statement, even after a failure; exit 1; lines count from the start of stdin', async () => {
    const w = workspace();
    const input = [
      "CREATE SOURCE CONNECTOR a WITH ('connector.class'='FileStreamSource', 'topic'='t');", // 1
      'SHOW', // 2
      '  CONNECTORS;', // 3
      'DROP CONNECTOR nope;', // 4
      'CREATE SINK CONNECTOR b WITH (', // 5
      "  'connector.class' = 'FileStreamSink',", // 6
      "  'topicz' = 't');", // 7
      "CREATE SINK CONNECTOR c WITH ('connector.class'='FileStreamSink', 'topics'='t');", // 8
      'DESCRIBE CONNECTOR c', // 9: no final ';'
    ].join('\n');
    const json = await w.sluice(['shell', '--output', 'json', '--data-dir', 'data'], { input });
    expect(json.code).toBe(1);
    const out = jsonLines(json.stdout);
    expect(out.map((e) => (e['@type'] === 'statement_error' ? `${String(e['code'])}@${String(e['line'])}:${String(e['column'])}` : e['@type']))).toEqual([
      'connector_info',
      'connector_list',
      'CONNECTOR_NOT_FOUND@4:16',
      // 'topicz' is refused as the misspelling of 'topics', so 'topics' is not reported missing as well.
      'UNKNOWN_CONFIG_KEY@7:3',
      'connector_info',
      'connector_description',
    ]);
    expect(out[1]!['statementText']).toBe('SHOW\n  CONNECTORS;');
    expect(out[5]!['statementText']).toBe('DESCRIBE CONNECTOR c');

    // The same in table mode, on a fresh data dir: results on stdout, errors with their caret on stderr.
    const table = await w.sluice(['shell', '--data-dir', 'data2'], { input });
    expect(table.code).toBe(1);
    expect(table.stdout).toContain('Created connector A');
    expect(table.stdout).toContain('Created connector C');
    expect(table.stdout).toMatch(/^Name +: C$/m);
    expect(table.stdout).not.toContain('sluice>');
    expect(table.stderr).toMatch(/^(\S+:)?4:16 CONNECTOR_NOT_FOUND connector NOPE does not exist\n 4 \| DROP CONNECTOR nope;\n   \| {16}\^$/m);
    expect(table.stderr).toMatch(/^(\S+:)?7:3 UNKNOWN_CONFIG_KEY 'topicz' /m);
    expect(await w.names('data2')).toEqual(['A', 'C']);
  });

  it('a ksqlDB script: SET of ksqlDB properties warns, SHOW STREAMS/TABLES/QUERIES are empty tables, SELECT is one UNSUPPORTED_STATEMENT', async () => {
    const w = workspace();
    const input = ["SET 'auto.offset.reset' = 'earliest';", 'SHOW STREAMS;', 'SHOW TABLES;', 'SHOW QUERIES;', 'SELECT * FROM orders EMIT CHANGES;', 'SHOW PROPERTIES;'].join('\n');
    const table = await w.sluice(['shell', '--data-dir', 'data'], { input });
    expect(table.code).toBe(1);
    expect(table.stdout).toContain("WARNING: 'auto.offset.reset' has no effect in Sluice");
    for (const header of [/^ Stream Name +\| Kafka Topic /m, /^ Table Name +\| Kafka Topic /m, /^ Query ID +\| Query Type /m, /^ ksql\.streams\.auto\.offset\.reset +\| KSQL +\| SESSION +\| earliest/m]) {
      expect(table.stdout).toMatch(header);
    }
    expect(table.stderr).toMatch(/^(\S+:)?5:1 UNSUPPORTED_STATEMENT SELECT is not supported: Sluice manages connectors and topics: it has no streams, tables or queries; PRINT a topic to see its records\n 5 \| SELECT \* FROM orders EMIT CHANGES;\n   \| \^$/m);
    expect(table.stderr.match(/UNSUPPORTED_STATEMENT|LEXICAL_ERROR|SYNTAX_ERROR/g)).toEqual(['UNSUPPORTED_STATEMENT']);
  });

  it('`exit` stops reading at once, even while the producer keeps stdin open', async () => {
    const w = workspace();
    const child = w.start(['shell', '--output', 'json', '--data-dir', 'data']);
    const done = collect(child).then(expectClean);
    child.stdin.write(`SHOW VARIABLES;\nexit\n${FILE_SRC('after_exit')}\n`);
    // stdin stays open: the shell must leave because of `exit`, not because input ended.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const r = await done;
    clearTimeout(timer);
    child.stdin.destroy();
    expect(r.signal, 'still running 10 s after `exit`').toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(types(r.stdout)).toEqual(['variables']);
    expect(await w.names('data')).toEqual([]);
  });

  it('help prints the statement summary; other shell commands are ignored in a pipe', async () => {
    const w = workspace();
    const r = await w.sluice(['shell', '--data-dir', 'data', '--output', 'json'], { input: 'help\noutput table\nhistory\nSHOW VARIABLES;\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('CREATE {SOURCE|SINK} CONNECTOR');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('{"@type":"variables","statementText":"SHOW VARIABLES;","warnings":[],"variables":[]}');
  });
});

describe.concurrent('sluice shell --file / --execute', () => {
  it('runs the file, then the statements, in one session; exit 1 when any failed', async () => {
    const w = workspace();
    w.write('setup.sql', `DEFINE topic = 'from_file';\n${FILE_SRC('a', "'${topic}'")}\nDROP CONNECTOR nope;\n`);
    const r = await w.sluice(['shell', '--data-dir', 'data', '--file', 'setup.sql', '--execute', 'SHOW VARIABLES; DESCRIBE CONNECTOR a EXTENDED;', '--output', 'json']);
    expect(r.code).toBe(1);
    const out = jsonLines(r.stdout);
    expect(out.map((e) => e['@type'])).toEqual(['variable', 'connector_info', 'statement_error', 'variables', 'connector_description']);
    expect(out[2]).toMatchObject({ code: 'CONNECTOR_NOT_FOUND', file: 'setup.sql', line: 3, column: 16 });
    expect(out[3]!['variables']).toEqual([{ name: 'topic', value: 'from_file' }]);
    expect((out[4]!['config'] as Record<string, string>)['topic']).toBe('from_file');

    const ok = await w.sluice(['shell', '--data-dir', 'data', '--execute', 'SHOW CONNECTORS;']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ A +\| SOURCE /m);
  });

  it('--execute alone reports errors without a file name, exit 1', async () => {
    const w = workspace();
    const r = await w.sluice(['shell', '--data-dir', 'data', '--execute', 'SHOW CONNECTORS; RESUME CONNECTOR x;']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Connector Name/);
    expect(r.stderr).toMatch(/^1:35 CONNECTOR_NOT_FOUND connector X does not exist$/m);
  });
});

describe.concurrent('data directory', () => {
  it('is --data-dir, else $SLUICE_DATA_DIR, else ./.sluice', async () => {
    const w = workspace();
    w.write('in.txt', '');
    w.write('a.sql', `${FILE_SRC('a')}\n`);
    const fromEnv = await w.sluice(['run', 'a.sql', '--until-idle'], { env: { SLUICE_DATA_DIR: path.join(w.dir, 'env-dir') } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fs.existsSync(path.join(w.dir, 'env-dir', 'catalog.db'))).toBe(true);
    expect(fs.existsSync(path.join(w.dir, '.sluice'))).toBe(false);

    const flagWins = await w.sluice(['run', 'a.sql', '--data-dir', 'flag-dir', '--until-idle'], { env: { SLUICE_DATA_DIR: path.join(w.dir, 'env-dir') } });
    expect(flagWins.code, flagWins.stderr).toBe(0);
    expect(flagWins.stdout).toContain('Created connector A'); // a fresh catalog, not env-dir's
    expect(fs.existsSync(path.join(w.dir, 'flag-dir', 'catalog.db'))).toBe(true);

    const byDefault = await w.sluice(['run', 'a.sql', '--until-idle']);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(fs.existsSync(path.join(w.dir, '.sluice', 'catalog.db'))).toBe(true);

    const envAgain = await w.sluice(['shell', '--output', 'json'], { input: 'SHOW CONNECTORS;', env: { SLUICE_DATA_DIR: 'env-dir' } });
    expect((jsonLines(envAgain.stdout)[0]!['connectors'] as unknown[]).length).toBe(1);
  });

  it('a second writer gets DATA_DIR_LOCKED with the holder pid; check still works; after SIGKILL the dir is free', async () => {
    const w = workspace();
    w.write('in.txt', '');
    w.write('a.sql', `${FILE_SRC('a')}\n`);
    const holder = w.start(['shell', '--data-dir', 'data', '--output', 'json']);
    const holderDone = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
    try {
      holder.stdin.write('SHOW CONNECTORS;\n'); // stdin stays open: the shell keeps the data dir
      await waitForOutput(holder, /connector_list/);

      const [run, check, shell, jsonRun] = await Promise.all([
        w.sluice(['run', 'a.sql', '--data-dir', 'data']),
        w.sluice(['check', 'a.sql', '--data-dir', 'data']),
        w.sluice(['shell', '--data-dir', 'data', '--execute', 'SHOW CONNECTORS;']),
        w.sluice(['run', 'a.sql', '--data-dir', 'data', '-o', 'json']),
      ]);
      // --output json: the command's failure is a JSON error on stdout too, in the shape statement errors have.
      expect(jsonRun.code).toBe(1);
      expect(jsonLines(jsonRun.stdout)).toEqual([
        expect.objectContaining({ '@type': 'statement_error', error_code: 50000, code: 'DATA_DIR_LOCKED', message: expect.stringContaining(`pid ${holder.pid}`) }),
      ]);
      expect(jsonRun.stderr).toMatch(/^sluice: DATA_DIR_LOCKED /);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^sluice: DATA_DIR_LOCKED data dir .*data in use by pid ${holder.pid}\\b`));
      expect(shell.code).toBe(1);
      expect(shell.stderr).toContain(`DATA_DIR_LOCKED`);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.stderr).toMatch(/^a\.sql: OK/);
    } finally {
      holder.kill('SIGKILL');
      await holderDone;
    }
    const after = await w.sluice(['run', 'a.sql', '--data-dir', 'data', '--until-idle']);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('Created connector A');
  });
});

describe.concurrent('command errors with --output json', () => {
  it('a missing script, an unknown option and a bad data dir print one JSON error on stdout and the text on stderr', async () => {
    const w = workspace();
    w.write('not-a-dir', 'x');
    const cases: [string[], string, number][] = [
      [['run', 'missing.sql', '--output', 'json'], 'FILE_NOT_FOUND', 2],
      [['check', '--output=json', 'missing.sql'], 'FILE_NOT_FOUND', 2],
      [['shell', '-o', 'json', '--no-such-option'], 'USAGE_ERROR', 2],
      [['shell', '--output', 'json', '--data-dir', 'not-a-dir', '--execute', 'SHOW CONNECTORS;'], 'CATALOG_ERROR', 1],
    ];
    for (const [args, code, exit] of cases) {
      const r = await w.sluice(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(exit);
      const lines = jsonLines(r.stdout);
      expect(lines, args.join(' ')).toEqual([expect.objectContaining({ '@type': 'statement_error', code, error_code: 40000 + (exit === 1 ? 10000 : 0) })]);
      expect(r.stderr, args.join(' ')).toContain(code === 'USAGE_ERROR' ? "unknown option '--no-such-option'" : `sluice: ${code} `);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
    // Without --output json, stdout stays empty.
    const text = await w.sluice(['run', 'missing.sql']);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^sluice: FILE_NOT_FOUND /);
  });
});

describe.concurrent('secrets', () => {
  const PW = 'Pa55-w0rd-Zebra';
  const PW2 = 'Rotated-S3cret-Yak';
  const JDBC = (name: string, tail = '') =>
    `CREATE SOURCE CONNECTOR ${name} WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite:x.db', 'mode'='incrementing', 'connection.password'='${PW}'${tail});`;

  function expectNoSecret(results: readonly Result[]): void {
    for (const r of results) {
      for (const text of [r.stdout, r.stderr]) {
        expect(text).not.toContain(PW);
        expect(text).not.toContain(PW2);
      }
    }
  }

  it('a password never appears in the output of run, check or shell, errors on the same line included', async () => {
    const w = workspace();
    // A database the connectors can really read, so the runs below end idle instead of FAILED.
    const db = new Database(w.path('x.db'));
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'), ('b');");
    db.close();
    // Errors on the very line that holds the password: an unknown key, and a guarantee the mode cannot give.
    w.write('bad.sql', `${JDBC('j', ", 'tpoic' = 'x'")}\n${JDBC('k', ", 'mode' = 'bulk', 'processing.guarantees' = 'EFFECTIVELY_ONCE'").replace("'mode'='incrementing', ", '')}\n`);
    w.write('good.sql', `${JDBC('j')}\nDESCRIBE CONNECTOR j EXTENDED;\nALTER CONNECTOR j SET ('connection.password' = '${PW2}', 'poll.interval.ms' = 10);\nSHOW CONNECTORS;\nDESCRIBE CONNECTOR j EXTENDED;\n`);
    const results = await Promise.all([
      w.sluice(['run', 'bad.sql', '--data-dir', 'd1']),
      // Its own data dir: two writers at once on one would race for the lock (DATA_DIR_LOCKED).
      w.sluice(['run', 'bad.sql', '--data-dir', 'd1b', '--output', 'json']),
      w.sluice(['check', 'bad.sql', '--data-dir', 'd1']),
      w.sluice(['check', 'bad.sql', '--data-dir', 'd1', '--output', 'json']),
      w.sluice(['shell', '--data-dir', 'd2'], { input: fs.readFileSync(path.join(w.dir, 'bad.sql'), 'utf8') }),
      w.sluice(['shell', '--data-dir', 'd3', '--output', 'json', '--file', 'bad.sql']),
    ]);
    expectNoSecret(results);
    for (const r of results) expect(r.code).toBe(1);
    // The errors were there, masked: each names its code and shows the masked line.
    expect(results[0]!.stderr).toMatch(/bad\.sql:1:\d+ UNKNOWN_CONFIG_KEY/);
    expect(results[0]!.stderr).toMatch(/bad\.sql:2:\d+ UNSUPPORTED_GUARANTEE/);
    // The source line under the error shows the password as the mask (the caret stays aligned).
    expect(results[0]!.stderr).toMatch(/'connection\.password'='\*+'/);

    const good = await Promise.all([
      w.sluice(['run', 'good.sql', '--data-dir', 'd4', '--until-idle']),
      w.sluice(['run', 'good.sql', '--data-dir', 'd5', '--output', 'json', '--until-idle']),
    ]);
    expectNoSecret(good);
    for (const r of good) expect(r.code, r.stderr).toBe(0);
    expect(good[0]!.stdout).toMatch(/^ connection\.password +\| \*{8} +$/m);
    const alter = jsonLines(good[1]!.stdout).find((e) => e['@type'] === 'alter_connector')!;
    expect(alter['changes']).toContainEqual({ key: 'connection.password', action: 'changed', old: '********', new: '********' });

    // Later processes read the password back from the catalog: still masked everywhere.
    // (One writer at a time per data dir; check may run beside it.)
    const later: Result[] = await Promise.all([
      w.sluice(['shell', '--data-dir', 'd4', '--output', 'json'], { input: 'DESCRIBE CONNECTOR j EXTENDED;\nDROP CONNECTOR nope;\n' }),
      w.sluice(['check', 'good.sql', '--data-dir', 'd4']),
    ]);
    // A URL's password is a secret too: masked alone in the error's source line and statement text.
    later.push(
      await w.sluice(['shell', '--data-dir', 'd4'], { input: `ALTER CONNECTOR j SET ('connection.url' = 'jdbc:mysql://u:${PW2}@h/db', 'poll.interval.ms' = 'soon');\nDESCRIBE CONNECTOR j EXTENDED;\n` }),
    );
    expect(later[2]!.stderr).toContain("'connection.url' = 'jdbc:mysql://u:********@h/db'");
    expectNoSecret(later);
    expect(later[1]!.code).toBe(1); // good.sql re-creates j, which now exists
    expect(later[2]!.stderr).toMatch(/INVALID_CONFIG_VALUE/);
  });

  it("a password under a misspelt key ('connection.pasword') or a 'passwd' key is masked in the error, the history and the kept config", async () => {
    const w = workspace();
    const typo = JDBC('j').replace("'connection.password'", "'connection.pasword'");
    w.write('typo.sql', `${typo}\nSET 'sluice.unknown.keys' = 'warn';\n${JDBC('k', `, 'x.passwd' = '${PW2}'`)}\n${typo.replace(' j ', ' t ')}\nDESCRIBE CONNECTOR k EXTENDED;\nDESCRIBE CONNECTOR t EXTENDED;\n`);
    const r = await w.sluice(['shell', '--data-dir', 'd', '--file', 'typo.sql']);
    expect(r.stderr).toMatch(/typo\.sql:1:\d+ UNKNOWN_CONFIG_KEY 'connection\.pasword' is not a key/);
    expect(r.stderr).toContain("'connection.pasword'='********'");
    expect(r.stdout).toMatch(/^ connection\.pasword +\| \*{8} +$/m);
    expect(r.stdout).toMatch(/^ x\.passwd +\| \*{8} +$/m);
    expectNoSecret([r]);
    const db = new Database(w.path('d/catalog.db'), { readonly: true });
    const stored = db.prepare('SELECT text FROM statements UNION ALL SELECT statement_text FROM config_versions').all() as { text: string }[];
    db.close();
    expect(stored.length).toBeGreaterThan(4);
    for (const { text } of stored) expect(text).not.toMatch(new RegExp(`${PW}|${PW2}`));
  });

  it("the source line under an error never tells a secret's length: a bare password, or one on the line after its key", async () => {
    const w = workspace();
    const bare = 'Bare9Password';
    w.write(
      'len.sql',
      `CREATE SOURCE CONNECTOR a WITH ('connector.class'='JdbcSource', 'connection.password'=${bare}, 'mode'='bulk');\n` +
        `DEFINE db_token =\n  '${PW}' x;\n` +
        `CREATE SOURCE CONNECTOR b WITH ('connector.class'='JdbcSource', 'connection.password' =\n  '${PW2}' 'mode'='bulk');\n`,
    );
    const r = await w.sluice(['run', 'len.sql', '--data-dir', 'd']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain(bare);
    expectNoSecret([r]);
    const shown = r.stderr.split('\n').filter((l) => /^ \d+ \| /.test(l));
    expect(shown).toEqual([
      " 1 | CREATE SOURCE CONNECTOR a WITH ('connector.class'='JdbcSource', 'connection.password'=********, 'mode'='bulk');",
      " 3 |   '********' ********;",
      " 5 |   '********' '********'='********');",
    ]);
    // The caret is still under the token at fault.
    expect(r.stderr).toContain(" 3 |   '********' ********;\n   |              ^");
  });

  it('a wrong --define shows no password it holds', async () => {
    const w = workspace();
    const spaced = await w.sluice(['shell', '--data-dir', 'data', '--define', `db password=${PW}`, '--execute', 'SHOW VARIABLES;']);
    const colon = await w.sluice(['shell', '--data-dir', 'data', '--define', `db_password:${PW2}`, '--execute', 'SHOW VARIABLES;']);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toContain("(got 'db password=********')");
    expect(colon.stderr).toContain("(got 'db_password********')");
    expectNoSecret([spaced, colon]);
  });

  it('--define of a secret-looking variable is masked in SHOW VARIABLES', async () => {
    const w = workspace();
    const r = await w.sluice(['shell', '--data-dir', 'data', '--output', 'json', '--define', `db_password=${PW}`, '--execute', 'SHOW VARIABLES;']);
    expectNoSecret([r]);
    expect(jsonLines(r.stdout)[0]!['variables']).toEqual([{ name: 'db_password', value: '********' }]);
  });
});
