// End-to-end tests of the `sluice` command: real child processes running bin/sluice.js (which runs dist/, built
// by `npm run build`; rebuilt here when src/ is newer), each in a temp working directory with a temp data dir.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Tests run concurrently (each in its own workspace); on a busy 2-core machine a test of several processes can
// take a while, so allow more than the default.
vi.setConfig({ testTimeout: 90_000 });

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'sluice.js');
const BUILT_MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const PKG_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A Node stack frame: no output of the command may ever contain one. */
const STACK_FRAME = /^\s{4}at /m;

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  cwd?: string;
  /** Written to stdin, which is then closed. Without it stdin is closed at once (not a terminal either way). */
  input?: string;
  env?: Record<string, string | undefined>;
}

let tmpRoot: string;

function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_HISTORY_FILE: path.join(tmpRoot, 'history'), NO_COLOR: '1' };
  delete env['SLUICE_DATA_DIR'];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function collect(child: ChildProcessWithoutNullStreams): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
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

/** Waits for a child to write something matching re on stdout. */
function waitForOutput(child: ChildProcessWithoutNullStreams, re: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (re.test(seen)) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing ${re}: ${seen}`)));
  });
}

/** A test's own working directory (data dirs live inside it), and the commands run in it. */
interface Workspace {
  dir: string;
  write(name: string, text: string): string;
  start(args: readonly string[], opts?: RunOptions): ChildProcessWithoutNullStreams;
  sluice(args: readonly string[], opts?: RunOptions): Promise<Result>;
  /** The connector names of a JSON `SHOW CONNECTORS` on that data dir (one more process). */
  names(dataDir: string): Promise<string[]>;
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
    // node itself, not a wrapper: the child's pid is the process that holds the data dir lock.
    start: (args, opts = {}) => spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? dir, env: baseEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] }),
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
  };
  return w;
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

beforeAll(() => {
  // `npm test` builds first (pretest); running this file alone after editing src/ must not test an old build.
  if (isStale()) execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cli-'));
});

afterAll(() => {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

const FILE_SRC = (name: string, topic = "'lines'") =>
  `CREATE SOURCE CONNECTOR IF NOT EXISTS ${name} WITH ('connector.class' = 'FileStreamSource', 'file' = 'in.txt', 'topic' = ${topic});`;
const FILE_SNK = (name: string) => `CREATE SINK CONNECTOR IF NOT EXISTS ${name} WITH ('connector.class' = 'FileStreamSink', 'file' = 'out.txt', 'topics' = 'lines');`;

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
    w.write('ok.sql', `-- quick\n${FILE_SRC('src', "'${topic}'")}\n${FILE_SNK('snk')}\nSHOW CONNECTORS;\n`);
    const first = await w.sluice(['run', 'ok.sql', '--data-dir', 'data', '--define', 'topic=orders_qa']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('Created connector SRC');
    expect(first.stdout).toContain('Created connector SNK');
    expect(first.stdout).toMatch(/^ Connector Name \| Type +\| Class +\| Status/m);
    expect(first.stdout).toMatch(/^ SNK +\| SINK +\| org\.apache\.kafka\.connect\.file\.FileStreamSinkConnector +\| UNASSIGNED/m);
    expect(first.stdout).toMatch(/^ SRC +\| SOURCE +\| org\.apache\.kafka\.connect\.file\.FileStreamSourceConnector +\| UNASSIGNED/m);
    expect(fs.existsSync(path.join(w.dir, 'data', 'catalog.db'))).toBe(true);

    const again = await w.sluice(['run', 'ok.sql', '--data-dir', 'data', '--define', 'topic=orders_qa', '--output', 'json']);
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
    expect(heads.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'errs.sql:2:1 MISSING_REQUIRED_CONFIG',
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
    expect(r.stderr).toMatch(/errs\.sql: 5 errors; nothing was executed/);
    expect(await w.names('data')).toEqual([]);

    const json = await w.sluice(['run', 'errs.sql', '--data-dir', 'data', '--output', 'json']);
    expect(json.code).toBe(1);
    const errors = jsonLines(json.stdout);
    expect(errors.map((e) => [e['@type'], e['code'], e['line'], e['column'], e['file']])).toEqual([
      ['statement_error', 'MISSING_REQUIRED_CONFIG', 2, 1, 'errs.sql'],
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
    w.write('five.sql', `DEFINE t = 'x';\n${FILE_SRC('a')}\n${FILE_SNK('b')}\nSHOW SOURCE CONNECTORS;\nPAUSE CONNECTOR a;\n`);
    const r = await w.sluice(['run', 'five.sql', '--data-dir', 'data', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(types(r.stdout)).toEqual(['variable', 'connector_info', 'connector_info', 'connector_list', 'connector_state']);
    expect((jsonLines(r.stdout)[3]!['connectors'] as { name: string }[]).map((c) => c.name)).toEqual(['A']);
  });

  it('the README quick start works from the repo root and lists both connectors, then re-runs cleanly', async () => {
    const w = workspace();
    const data = path.join(w.dir, 'data');
    const script = path.join(ROOT, 'examples', 'quickstart.sql');
    const first = await w.sluice(['run', script, '--data-dir', data], { cwd: ROOT });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('Created connector jdbc-users');
    expect(first.stdout).toContain('Created connector USERS_FILE');
    expect(first.stdout).toMatch(/^ USERS_FILE +\| SINK +\|/m);
    expect(first.stdout).toMatch(/^ jdbc-users +\| SOURCE +\| io\.confluent\.connect\.jdbc\.JdbcSourceConnector/m);
    expect(first.stdout).toMatch(/^Guarantee +: EFFECTIVELY_ONCE$/m);
    const again = await w.sluice(['run', script, '--data-dir', data, '--output', 'json'], { cwd: ROOT });
    expect(again.code, again.stderr).toBe(0);
    expect(jsonLines(again.stdout).filter((e) => e['@type'] === 'warning_entity').map((e) => e['message'])).toEqual([
      'Connector jdbc-users already exists',
      'Connector USERS_FILE already exists',
    ]);
    expect((await w.names(data)).sort()).toEqual(['USERS_FILE', 'jdbc-users']);
  });

  it('does not crash when the reader of its output goes away', async () => {
    const w = workspace();
    w.write('ok.sql', `${FILE_SRC('a')}\n${FILE_SNK('b')}\nSHOW CONNECTORS;\nSHOW CONNECTOR PLUGINS;\n`.repeat(1));
    const child = w.start(['run', 'ok.sql', '--data-dir', 'data']);
    child.stdout.destroy(); // like `sluice run ok.sql | head -0`
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).not.toMatch(/EPIPE/);
    expect(code).toBe(0);
    expect(await w.names('data')).toEqual(['A', 'B']);
  });
});

describe.concurrent('sluice check', () => {
  it('prints FILE:LINE:COL CODE message per error, exits 1, and changes nothing', async () => {
    const w = workspace();
    w.write('errs.sql', `${FILE_SRC('a')}\nDROP CONNECTOR nope;\n\n  SHOW TOPICS;\n`);
    w.write('good.sql', `${FILE_SRC('a')}\nDESCRIBE CONNECTOR a;\n`);
    const [bad, good, badJson] = await Promise.all([
      w.sluice(['check', 'errs.sql', '--data-dir', 'data']),
      w.sluice(['check', 'good.sql', '--data-dir', 'data']),
      w.sluice(['check', 'errs.sql', '--data-dir', 'data', '--output', 'json']),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout.split('\n').filter((l) => l !== '')).toEqual([
      'errs.sql:2:16 CONNECTOR_NOT_FOUND connector NOPE does not exist',
      expect.stringMatching(/^errs\.sql:4:3 UNSUPPORTED_STATEMENT SHOW TOPICS /),
    ]);
    expect(bad.stderr).toBe('errs.sql: 2 errors\n');
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toBe('');
    expect(good.stderr).toMatch(/^good\.sql: OK/);
    expect(badJson.code).toBe(1);
    expect(jsonLines(badJson.stdout).map((e) => [e['code'], e['line'], e['column']])).toEqual([
      ['CONNECTOR_NOT_FOUND', 2, 16],
      ['UNSUPPORTED_STATEMENT', 4, 3],
    ]);
    // check only reads: it did not even create the data dir.
    expect(fs.existsSync(path.join(w.dir, 'data'))).toBe(false);
  });

  it('validates against the existing catalog without modifying it', async () => {
    const w = workspace();
    w.write('setup.sql', `${FILE_SRC('a')}\n`);
    expect((await w.sluice(['run', 'setup.sql', '--data-dir', 'data'])).code).toBe(0);
    w.write('change.sql', `DROP CONNECTOR a;\n${FILE_SNK('b')}\nPAUSE CONNECTOR b;\nDESCRIBE CONNECTOR gone;\n`);
    const r = await w.sluice(['check', 'change.sql', '--data-dir', 'data']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('change.sql:4:20 CONNECTOR_NOT_FOUND connector GONE does not exist\n');
    const list = await w.sluice(['shell', '--data-dir', 'data', '--output', 'json', '--execute', 'SHOW CONNECTORS;']);
    expect(jsonLines(list.stdout)[0]!['connectors']).toEqual([
      { name: 'A', type: 'source', className: 'org.apache.kafka.connect.file.FileStreamSourceConnector', state: 'UNASSIGNED' },
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
      'MISSING_REQUIRED_CONFIG@5:1',
      'UNKNOWN_CONFIG_KEY@7:3',
      'connector_info',
      'connector_description',
    ]);
    expect(out[1]!['statementText']).toBe('SHOW\n  CONNECTORS;');
    expect(out[6]!['statementText']).toBe('DESCRIBE CONNECTOR c');

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
    w.write('a.sql', `${FILE_SRC('a')}\n`);
    const fromEnv = await w.sluice(['run', 'a.sql'], { env: { SLUICE_DATA_DIR: path.join(w.dir, 'env-dir') } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fs.existsSync(path.join(w.dir, 'env-dir', 'catalog.db'))).toBe(true);
    expect(fs.existsSync(path.join(w.dir, '.sluice'))).toBe(false);

    const flagWins = await w.sluice(['run', 'a.sql', '--data-dir', 'flag-dir'], { env: { SLUICE_DATA_DIR: path.join(w.dir, 'env-dir') } });
    expect(flagWins.code, flagWins.stderr).toBe(0);
    expect(flagWins.stdout).toContain('Created connector A'); // a fresh catalog, not env-dir's
    expect(fs.existsSync(path.join(w.dir, 'flag-dir', 'catalog.db'))).toBe(true);

    const byDefault = await w.sluice(['run', 'a.sql']);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(fs.existsSync(path.join(w.dir, '.sluice', 'catalog.db'))).toBe(true);

    const envAgain = await w.sluice(['shell', '--output', 'json'], { input: 'SHOW CONNECTORS;', env: { SLUICE_DATA_DIR: 'env-dir' } });
    expect((jsonLines(envAgain.stdout)[0]!['connectors'] as unknown[]).length).toBe(1);
  });

  it('a second writer gets DATA_DIR_LOCKED with the holder pid; check still works; after SIGKILL the dir is free', async () => {
    const w = workspace();
    w.write('a.sql', `${FILE_SRC('a')}\n`);
    const holder = w.start(['shell', '--data-dir', 'data', '--output', 'json']);
    const holderDone = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
    try {
      holder.stdin.write('SHOW CONNECTORS;\n'); // stdin stays open: the shell keeps the data dir
      await waitForOutput(holder, /connector_list/);

      const [run, check, shell] = await Promise.all([
        w.sluice(['run', 'a.sql', '--data-dir', 'data']),
        w.sluice(['check', 'a.sql', '--data-dir', 'data']),
        w.sluice(['shell', '--data-dir', 'data', '--execute', 'SHOW CONNECTORS;']),
      ]);
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
    const after = await w.sluice(['run', 'a.sql', '--data-dir', 'data']);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('Created connector A');
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
    // Errors on the very line that holds the password: an unknown key, and a guarantee the mode cannot give.
    w.write('bad.sql', `${JDBC('j', ", 'tpoic' = 'x'")}\n${JDBC('k', ", 'mode' = 'bulk', 'processing.guarantees' = 'EFFECTIVELY_ONCE'").replace("'mode'='incrementing', ", '')}\n`);
    w.write('good.sql', `${JDBC('j')}\nDESCRIBE CONNECTOR j EXTENDED;\nALTER CONNECTOR j SET ('connection.password' = '${PW2}', 'poll.interval.ms' = 10);\nSHOW CONNECTORS;\nDESCRIBE CONNECTOR j EXTENDED;\n`);
    const results = await Promise.all([
      w.sluice(['run', 'bad.sql', '--data-dir', 'd1']),
      w.sluice(['run', 'bad.sql', '--data-dir', 'd1', '--output', 'json']),
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
    expect(results[0]!.stderr).toContain("'connection.password'='********'");

    const good = await Promise.all([
      w.sluice(['run', 'good.sql', '--data-dir', 'd4']),
      w.sluice(['run', 'good.sql', '--data-dir', 'd5', '--output', 'json']),
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
    // A known secret is scrubbed even where it shows up under a key that is not secret.
    later.push(await w.sluice(['shell', '--data-dir', 'd4'], { input: `ALTER CONNECTOR j SET ('connection.url' = '${PW2}');\nDESCRIBE CONNECTOR j EXTENDED;\n` }));
    expectNoSecret(later);
    expect(later[1]!.code).toBe(1); // good.sql re-creates j, which now exists
    expect(later[2]!.stderr).toMatch(/INVALID_CONFIG_VALUE/);
  });

  it('--define of a secret-looking variable is masked in SHOW VARIABLES', async () => {
    const w = workspace();
    const r = await w.sluice(['shell', '--data-dir', 'data', '--output', 'json', '--define', `db_password=${PW}`, '--execute', 'SHOW VARIABLES;']);
    expectNoSecret([r]);
    expect(jsonLines(r.stdout)[0]!['variables']).toEqual([{ name: 'db_password', value: '********' }]);
  });
});
