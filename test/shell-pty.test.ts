import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentServer } from './helpers/silent-server.js';

/**
 * The interactive shell driven through a real pseudo-terminal: tmux runs the built `sluice shell`, we type with
 * send-keys and read the screen with capture-pane. Only a terminal exercises readline's raw mode, Tab, Up,
 * Ctrl-C and Ctrl-D, which is the point of these tests. The tests run in order and share one data directory.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'sluice.js');
const MAIN_JS = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const PROMPT_LINE = /^sluice>\s*$/m;
const WAIT_MS = 5000;

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** The built files lag behind the sources when someone ran vitest without `npm run build`. */
function staleBuild(): string | undefined {
  if (!fs.existsSync(MAIN_JS)) return `${path.relative(ROOT, MAIN_JS)} is missing: run \`npm run build\` first (npm test does it in pretest)`;
  const srcDir = path.join(ROOT, 'src', 'shell');
  for (const f of fs.readdirSync(srcDir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    const built = path.join(ROOT, 'dist', 'src', 'shell', f.replace(/\.ts$/, '.js'));
    if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(path.join(srcDir, f)).mtimeMs) {
      return `dist/ is older than src/shell/${f}: run \`npm run build\` first`;
    }
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One private tmux server, so nothing of the user's tmux is touched. Its socket is a path in the test's temp dir
 * (-S rather than -L, whose sockets under /tmp/tmux-UID outlive the server) and its config is ours alone.
 */
class Tmux {
  constructor(
    private readonly socket: string,
    private readonly conf: string,
  ) {}

  run(args: string[]): string {
    const env = { ...process.env };
    delete env['TMUX']; // the tests may themselves run inside tmux
    const r = spawnSync('tmux', ['-S', this.socket, '-f', this.conf, ...args], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr || r.error?.message}`);
    return r.stdout;
  }

  start(session: string, cwd: string, command: string): void {
    this.run(['new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-c', cwd, command]);
  }

  screen(session: string): string {
    return this.run(['capture-pane', '-p', '-J', '-t', session]);
  }

  /** Literal text. tmux reads an argument ending in ';' as a command separator unless it is escaped. */
  type(session: string, text: string): void {
    this.run(['send-keys', '-t', session, '-l', '--', text.replace(/;$/, '\\;')]);
  }

  keys(session: string, ...keys: string[]): void {
    this.run(['send-keys', '-t', session, ...keys]);
  }

  /** Polls the screen until it matches; on timeout the error shows the screen, which is what one needs to see. */
  async waitFor(session: string, expected: RegExp | ((screen: string) => boolean), what = String(expected)): Promise<string> {
    const test = typeof expected === 'function' ? expected : (s: string) => expected.test(s);
    const deadline = Date.now() + WAIT_MS;
    let screen = '';
    for (;;) {
      screen = this.screen(session);
      if (test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}; the screen was:\n${screen}`);
      await sleep(40);
    }
  }

  /** True once every process in the pane has gone and the terminal is closed. */
  paneDead(session: string): boolean {
    return this.run(['display-message', '-p', '-t', session, '#{pane_dead}']).trim() === '1';
  }

  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
  }
}

if (!hasTmux && process.env['CI']) {
  describe('interactive shell in a terminal', () => {
    it('needs tmux', () => {
      throw new Error('tmux is not installed, so the terminal tests cannot run; install tmux on the CI image');
    });
  });
} else if (!hasTmux) {
  console.warn('test/shell-pty.test.ts skipped: tmux is not installed (these tests fail instead when CI is set)');
}

(hasTmux ? describe : describe.skip)('interactive shell in a terminal', () => {
  let dir: string;
  let tmux: Tmux;
  let historyFile: string;
  const A = 'a';

  // The exit status is echoed by the pane's shell: tmux's own #{pane_dead_status} is only set once tmux has
  // reaped the process, which was seen to lag by seconds.
  const shellCommand = () =>
    `env SLUICE_HISTORY_FILE='${historyFile}' '${process.execPath}' '${BIN}' shell --data-dir '${path.join(dir, 'data')}'; ` +
    `echo "[exit status $?]"`;

  /** Empties the screen (with the shell's own `clear`), so a wait cannot match output of an earlier test. */
  async function freshScreen(session = A): Promise<void> {
    tmux.keys(session, 'C-c');
    tmux.type(session, 'clear');
    tmux.keys(session, 'Enter');
    await tmux.waitFor(session, (s) => s.trim() === 'sluice>', 'an empty screen with a prompt');
  }

  /** Types text and waits for the terminal to echo it, so a following Tab arrives as a keypress of its own. */
  async function typeAndEcho(text: string, session = A): Promise<void> {
    tmux.type(session, text);
    await tmux.waitFor(session, (s) => s.includes(text), `the echo of ${JSON.stringify(text)}`);
  }

  beforeAll(() => {
    const problem = staleBuild();
    if (problem) throw new Error(problem);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-pty-'));
    historyFile = path.join(dir, 'history');
    // remain-on-exit keeps a finished pane readable, so the test can see the goodbye and the exit status.
    const conf = path.join(dir, 'tmux.conf');
    fs.writeFileSync(conf, 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 2000\n');
    tmux = new Tmux(path.join(dir, 'tmux.sock'), conf);
    tmux.start(A, dir, shellCommand());
  });

  afterAll(() => {
    tmux?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows a banner and the prompt', async () => {
    const screen = await tmux.waitFor(A, PROMPT_LINE);
    expect(screen).toMatch(/^Sluice \d+\.\d+\.\d+/m);
    expect(screen).toContain(path.join(dir, 'data'));
    expect(screen).toMatch(/help/);
  });

  it('reads a statement over several lines, with continuation prompts, then runs it', async () => {
    await freshScreen();
    tmux.type(A, 'CREATE SINK CONNECTOR my_sink WITH (');
    tmux.keys(A, 'Enter');
    await tmux.waitFor(A, /^ {6}> *$/m, 'the continuation prompt');
    tmux.type(A, "'connector.class' = 'FileStreamSink',");
    tmux.keys(A, 'Enter');
    tmux.type(A, `'topics' = 't1', 'file' = '${path.join(dir, 'out.txt')}');`);
    tmux.keys(A, 'Enter');
    const screen = await tmux.waitFor(A, /Created connector MY_SINK/);
    expect(screen).toMatch(/^sluice> CREATE SINK CONNECTOR my_sink WITH \($/m);
    expect(screen).toMatch(/^ {6}> 'connector\.class' = 'FileStreamSink',$/m);
    expect(screen).toMatch(/^ {6}> 'topics' = 't1'/m);
  });

  it('prints SHOW CONNECTORS as a table', async () => {
    await freshScreen();
    tmux.type(A, 'SHOW CONNECTORS;');
    tmux.keys(A, 'Enter');
    const screen = await tmux.waitFor(A, /MY_SINK/);
    expect(screen).toMatch(/Connector Name \| Type +\| Class +\| Status/);
    expect(screen).toMatch(/MY_SINK +\| SINK +\| org\.apache\.kafka\.connect\.file\.FileStreamSinkConnector/);
  });

  it('shows a syntax error with line:column and a caret under the column', async () => {
    await freshScreen();
    tmux.type(A, 'SHOW CONECTORS;');
    tmux.keys(A, 'Enter');
    let screen = await tmux.waitFor(A, /1:6 SYNTAX_ERROR/);
    const lines = screen.split('\n');
    const source = lines.findIndex((l) => /^ 1 \| SHOW CONECTORS;/.test(l));
    expect(source).toBeGreaterThan(0);
    expect(lines[source + 1]!.indexOf('^')).toBe(lines[source]!.indexOf('CONECTORS'));

    // Over two lines, the position is counted from the statement's first line.
    await freshScreen();
    tmux.type(A, 'SHOW');
    tmux.keys(A, 'Enter');
    tmux.type(A, 'CONECTORS;');
    tmux.keys(A, 'Enter');
    screen = await tmux.waitFor(A, /2:1 SYNTAX_ERROR/);
    expect(screen).toMatch(/^ 2 \| CONECTORS;\n {3}\| \^$/m);
  });

  it('completes keywords with Tab, and lists the choices on a second Tab', async () => {
    await freshScreen();
    await typeAndEcho('SHOW CONN');
    tmux.keys(A, 'Tab');
    await tmux.waitFor(A, /^sluice> SHOW CONNECTOR$/m, 'SHOW CONN completed to SHOW CONNECTOR');
    tmux.keys(A, 'Tab');
    await tmux.waitFor(A, /^CONNECTORS +CONNECTOR$/m, 'the list of choices');
  });

  it('completes the name of an existing connector', async () => {
    await freshScreen();
    await typeAndEcho('DESCRIBE CONNECTOR ');
    tmux.keys(A, 'Tab');
    await tmux.waitFor(A, /^sluice> DESCRIBE CONNECTOR MY_SINK ?$/m, 'the connector name completed');
    // A unique completion ends the word with a space (as in bash and psql), so the next word can follow at once.
    tmux.type(A, 'EXTENDED;');
    tmux.keys(A, 'Enter');
    await tmux.waitFor(A, /^Name +: MY_SINK$/m);
    await tmux.waitFor(A, /Config Key/, 'DESCRIBE … EXTENDED ran, so a space separated the name from EXTENDED');
  });

  it("completes the property keys of the class named by 'connector.class'", async () => {
    await freshScreen();
    await typeAndEcho("CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSource', 'fi");
    tmux.keys(A, 'Tab');
    await tmux.waitFor(A, /'FileStreamSource', 'file' ?$/m, "'fi completed to 'file'");

    // The class given on an earlier line of the same statement still counts.
    await freshScreen();
    tmux.type(A, 'CREATE SOURCE CONNECTOR y WITH (');
    tmux.keys(A, 'Enter');
    tmux.type(A, "'connector.class' = 'FileStreamSource',");
    tmux.keys(A, 'Enter');
    await typeAndEcho("'ba");
    tmux.keys(A, 'Tab');
    await tmux.waitFor(A, /^ {6}> 'batch\.size' ?$/m, "'ba completed to 'batch.size'");
  });

  it('Ctrl-C throws away the input typed so far, on one line or several, and does not exit', async () => {
    await freshScreen();
    await typeAndEcho('SHOW CONNEC');
    tmux.keys(A, 'C-c');
    await tmux.waitFor(A, /SHOW CONNEC\^C\nsluice>\s*$/, 'a fresh prompt after ^C');
    tmux.type(A, 'SHOW');
    tmux.keys(A, 'Enter');
    await tmux.waitFor(A, /^ {6}> *$/m, 'the continuation prompt');
    tmux.keys(A, 'C-c');
    await tmux.waitFor(A, /^ {6}> \^C\nsluice>\s*$/m, 'a primary prompt after ^C');
    tmux.type(A, 'SHOW VARIABLES;');
    tmux.keys(A, 'Enter');
    const screen = await tmux.waitFor(A, /Variable Name/);
    expect(screen).not.toMatch(/SYNTAX_ERROR/);
  });

  it("Tab after a key typed in full inserts ' = ', and the next Tab completes the value", async () => {
    await freshScreen();
    await typeAndEcho("CREATE SOURCE CONNECTOR x WITH ('connector.class'");
    tmux.keys(A, 'Tab');
    await tmux.waitFor(A, /^sluice> CREATE SOURCE CONNECTOR x WITH \('connector\.class' = $/m, "' = ' after the key");
    await typeAndEcho("'FileStreamSou");
    tmux.keys(A, 'Tab');
    await tmux.waitFor(A, /'connector\.class' = 'FileStreamSource/m, 'the class completed');
    tmux.keys(A, 'C-c');
    // A key prefix is left open, without a space, so the rest of the key follows it.
    await freshScreen();
    await typeAndEcho("CREATE SOURCE CONNECTOR x WITH ('connector.class' = 'FileStreamSource', 'producer.ov");
    tmux.keys(A, 'Tab');
    tmux.type(A, 'acks');
    await tmux.waitFor(A, /, 'producer\.override\.acks$/m, 'the prefix completed and the rest typed after it');
    tmux.keys(A, 'C-c');
  });

  it('Ctrl-L clears the screen and draws the prompt and the line being typed again, the cursor where it was', async () => {
    await freshScreen();
    tmux.type(A, 'SHOW VARIABLES');
    tmux.keys(A, 'Left', 'Left', 'Left', 'Left');
    await tmux.waitFor(A, /SHOW VARIABLES/);
    tmux.keys(A, 'C-l');
    tmux.type(A, 'X');
    await tmux.waitFor(A, (s) => s.trim() === 'sluice> SHOW VARIAXBLES', 'only the prompt and the line, X typed where the cursor was');
    tmux.keys(A, 'C-c');
    // While a PRINT waits for its topic there is no prompt: the screen is cleared and no stray prompt drawn.
    await freshScreen();
    tmux.type(A, 'PRINT not_yet;');
    tmux.keys(A, 'Enter');
    await tmux.waitFor(A, /PRINT not_yet;\n/);
    tmux.keys(A, 'C-l');
    await tmux.waitFor(A, (s) => s.trim() === '', 'an empty screen');
    await sleep(300);
    expect(tmux.screen(A).trim()).toBe('');
    tmux.keys(A, 'C-c');
    await tmux.waitFor(A, PROMPT_LINE, 'the prompt back after Ctrl-C');
  });

  it('prints a log line that comes while the prompt is shown above it, then the prompt and the input again', async () => {
    await freshScreen();
    const file = path.join(dir, 'logged.txt');
    fs.writeFileSync(file, 'one\ntwo\n');
    tmux.type(A, `CREATE SOURCE CONNECTOR logged WITH ('connector.class' = 'FileStreamSource', 'file' = '${file}', 'topic' = 'logged');`);
    tmux.keys(A, 'Enter');
    await tmux.waitFor(A, /Created connector LOGGED/);
    await freshScreen();
    // Read the file before it is truncated, so the truncation is noticed (a WARN line).
    tmux.type(A, 'PRINT logged FROM BEGINNING LIMIT 2;');
    tmux.keys(A, 'Enter');
    await tmux.waitFor(A, /value: two/);
    await tmux.waitFor(A, PROMPT_LINE);
    await freshScreen();
    await typeAndEcho('SHOW CONNECTORS');
    tmux.keys(A, 'Left', 'Left', 'Left');
    fs.writeFileSync(file, '');
    const screen = await tmux.waitFor(A, /was truncated/, 'the WARN line');
    expect(screen).toMatch(/^\S+ WARN \[LOGGED\/0\] .*logged\.txt was truncated[^]*\nsluice> SHOW CONNECTORS\n*$/);
    tmux.type(A, 'X');
    await tmux.waitFor(A, /\nsluice> SHOW CONNECTXORS\n*$/, 'the input redrawn, the cursor where it was');
    tmux.keys(A, 'C-c');
    tmux.type(A, 'DROP CONNECTOR logged;');
    tmux.keys(A, 'Enter');
    await tmux.waitFor(A, /Dropped connector/);
  });

  it('Ctrl-C while a SHOW waits for a connector that is still connecting shows it as it is, at once', async () => {
    // A database that takes the connection and never answers: the first attempt lasts until its timeout.
    const hung = net.createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as net.AddressInfo).port;
    const H = 'hung';
    try {
      tmux.start(H, dir, `env SLUICE_HISTORY_FILE='${historyFile}' '${process.execPath}' '${BIN}' shell --data-dir '${path.join(dir, 'hung')}'; echo "[exit status $?]"`);
      await tmux.waitFor(H, PROMPT_LINE);
      tmux.type(H, `CREATE SOURCE CONNECTOR db WITH ('connector.class' = 'JdbcSource', 'connection.url' = 'jdbc:postgresql://127.0.0.1:${port}/shop', 'connection.user' = 'app', 'mode' = 'bulk', 'topic.prefix' = 'db-');`);
      tmux.keys(H, 'Enter');
      await tmux.waitFor(H, /Created connector DB/, 'the connector');
      tmux.type(H, 'SHOW CONNECTORS;');
      tmux.keys(H, 'Enter');
      await tmux.waitFor(H, /^sluice> SHOW CONNECTORS;\n*$/m, 'the SHOW to wait');
      const interrupted = Date.now();
      tmux.keys(H, 'C-c');
      await tmux.waitFor(H, /DB +\| SOURCE .*\| UNASSIGNED — connecting to .*\(attempt 1\/3\)/, 'the state as it is');
      // It waited up to 5 s for the connector to start before, whatever was pressed.
      expect(Date.now() - interrupted).toBeLessThan(2_500);
      tmux.type(H, 'exit');
      tmux.keys(H, 'Enter');
      await tmux.waitFor(H, /Exiting Sluice\.\n\[exit status 0\]/, 'the goodbye and exit status 0');
    } finally {
      hung.close();
    }
  });

  it('Ctrl-D on an empty line exits with status 0, and the pane process ends', async () => {
    await freshScreen();
    // The last statement before leaving: the next test recalls it from the history file.
    tmux.type(A, 'DEFINE greeting =');
    tmux.keys(A, 'Enter');
    tmux.type(A, "'hello';");
    tmux.keys(A, 'Enter');
    await tmux.waitFor(A, /'hello';\nsluice>\s*$/, 'the DEFINE to run');
    tmux.keys(A, 'C-d');
    await tmux.waitFor(A, /Exiting Sluice\.\n\[exit status 0\]/, 'the goodbye and exit status 0');
    const deadline = Date.now() + WAIT_MS;
    while (!tmux.paneDead(A) && Date.now() < deadline) await sleep(40);
    expect(tmux.paneDead(A)).toBe(true);
  });

  it('keeps history in SLUICE_HISTORY_FILE: Up in a new shell recalls the last statement, as one line', async () => {
    expect(fs.statSync(historyFile).mode & 0o777).toBe(0o600);
    const B = 'b';
    tmux.start(B, dir, shellCommand());
    await tmux.waitFor(B, PROMPT_LINE);
    tmux.keys(B, 'Up');
    await tmux.waitFor(B, /^sluice> DEFINE greeting = 'hello';$/m, 'the recalled statement');
    tmux.keys(B, 'Up');
    await tmux.waitFor(B, /^sluice> clear$/m, 'the entry before it (the clear typed by freshScreen)');
    tmux.keys(B, 'C-c'); // drop the recalled line, or `exit` would be appended to it
    tmux.type(B, 'exit');
    tmux.keys(B, 'Enter');
    await tmux.waitFor(B, /Exiting Sluice\.\n\[exit status 0\]/, 'the goodbye and exit status 0');
  });

  it('works the same against a server (--server): statements, completion of its connectors, PRINT and Ctrl-C', async () => {
    const S = 'srv';
    const C = 'remote';
    fs.writeFileSync(path.join(dir, 'feed.txt'), 'one\ntwo\n');
    tmux.start(S, dir, `'${process.execPath}' '${BIN}' serve --data-dir '${path.join(dir, 'served')}' --port 0 --auth-token pty-token`);
    const served = await tmux.waitFor(S, /serving http:\/\/127\.0\.0\.1:\d+/, 'the server to listen');
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(served)![0];
    tmux.start(C, dir, `env SLUICE_HISTORY_FILE='${historyFile}' SLUICE_AUTH_TOKEN=pty-token '${process.execPath}' '${BIN}' shell --server ${url}; echo "[exit status $?]"`);
    const banner = await tmux.waitFor(C, PROMPT_LINE);
    expect(banner).toContain(`Server: ${url}`);
    tmux.type(C, "CREATE SOURCE CONNECTOR remote_feed WITH ('connector.class' = 'FileStreamSource', 'file' = 'feed.txt', 'topic' = 'feed');");
    tmux.keys(C, 'Enter');
    await tmux.waitFor(C, /Created connector REMOTE_FEED/);
    await freshScreen(C);
    await typeAndEcho('DESCRIBE CONNECTOR remote_f', C);
    tmux.keys(C, 'Tab');
    await tmux.waitFor(C, /DESCRIBE CONNECTOR REMOTE_FEED $/m, 'the connector name completed from the server');
    tmux.keys(C, 'C-c');
    await freshScreen(C);
    tmux.type(C, 'PRINT feed FROM BEGINNING;');
    tmux.keys(C, 'Enter');
    await tmux.waitFor(C, /value: two, partition: 0/);
    tmux.keys(C, 'C-c');
    await tmux.waitFor(C, /value: two, partition: 0\n(.*\n)*sluice>\s*$/, 'the prompt back after Ctrl-C');
    tmux.type(C, 'exit');
    tmux.keys(C, 'Enter');
    await tmux.waitFor(C, /Exiting Sluice\.\n\[exit status 0\]/, 'the goodbye and exit status 0');
    tmux.keys(S, 'C-c');
  });

  it('against a server that restarts: the notices print above the prompt, the line being typed is kept, and the session goes on', async () => {
    const served = path.join(dir, 'restarting');
    const serve = (port: number) => `'${process.execPath}' '${BIN}' serve --data-dir '${served}' --port ${port}`;
    tmux.start('srv1', dir, serve(0));
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(await tmux.waitFor('srv1', /serving http:\/\/127\.0\.0\.1:\d+/, 'the server to listen'))![0];
    const R = 'reconnecting';
    tmux.start(R, dir, `env SLUICE_HISTORY_FILE='${historyFile}' '${process.execPath}' '${BIN}' shell --server ${url}; echo "[exit status $?]"`);
    await tmux.waitFor(R, PROMPT_LINE);
    tmux.type(R, "DEFINE who = 'dave';");
    tmux.keys(R, 'Enter');
    await tmux.waitFor(R, /'dave';\nsluice>\s*$/, 'the DEFINE to run');
    await freshScreen(R);
    await typeAndEcho('SHOW VARIA', R);
    tmux.keys('srv1', 'C-c');
    await tmux.waitFor(R, /^sluice: the connection to the Sluice server at ws:.* was lost \(1001 the server is stopping\); reconnecting…\nsluice> SHOW VARIA\n*$/m, 'the notice above the prompt and the input');
    tmux.start('srv2', dir, serve(Number(new URL(url).port)));
    await tmux.waitFor(R, /^sluice: reconnected to the Sluice server at ws:.*\nsluice> SHOW VARIA\n*$/m, 'the reconnected notice above the prompt and the input');
    tmux.type(R, 'BLES;');
    tmux.keys(R, 'Enter');
    await tmux.waitFor(R, /who +\| dave/, 'the variable kept across the restart');
    tmux.type(R, 'exit');
    tmux.keys(R, 'Enter');
    await tmux.waitFor(R, /Exiting Sluice\.\n\[exit status 0\]/, 'the goodbye and exit status 0');
    tmux.keys('srv2', 'C-c');
  });

  it('against a server that is down: exits at once, also after a statement waited for it to come back', async () => {
    const served = path.join(dir, 'gone');
    tmux.start('srv3', dir, `'${process.execPath}' '${BIN}' serve --data-dir '${served}' --port 0`);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(await tmux.waitFor('srv3', /serving http:\/\/127\.0\.0\.1:\d+/, 'the server to listen'))![0];
    const G = 'gone';
    // The default request timeout (60 s): a request left waiting kept the shell alive that long after it said goodbye.
    tmux.start(G, dir, `env SLUICE_HISTORY_FILE='${historyFile}' '${process.execPath}' '${BIN}' shell --server ${url}; echo "[exit status $?]"`);
    await tmux.waitFor(G, PROMPT_LINE);
    tmux.keys('srv3', 'C-c');
    await tmux.waitFor(G, /reconnecting…\nsluice>\s*$/, 'the notice');
    tmux.type(G, 'SHOW CONNECTORS;');
    tmux.keys(G, 'Enter');
    await tmux.waitFor(G, /^sluice> SHOW CONNECTORS;\n*$/m, 'the statement to wait');
    tmux.keys(G, 'C-c');
    await tmux.waitFor(G, /^sluice> SHOW CONNECTORS;\nsluice>\s*$/m, 'the prompt back after Ctrl-C');
    tmux.keys(G, 'C-d');
    // The refresh of connector names that followed the statement still waited for the server.
    await tmux.waitFor(G, /Exiting Sluice\.\n\[exit status 0\]/, 'the goodbye and exit status 0');
  });

  it('against a server that does not answer: Ctrl-C stops the wait, --request-timeout ends it, and the session goes on', async () => {
    // Answers SHOW VARIABLES only, to show the session still works after the requests left unanswered.
    const silent = await silentServer((r) =>
      r['sql'] === 'SHOW VARIABLES;' ? { results: [{ '@type': 'variables', statementText: 'SHOW VARIABLES;', warnings: [], variables: [{ name: 'answered', value: 'yes' }] }] } : undefined,
    );
    const received = async (sql: string) => {
      const deadline = Date.now() + WAIT_MS;
      while (!silent.requests.some((r) => r['sql'] === sql)) {
        if (Date.now() > deadline) throw new Error(`${sql} did not reach the server`);
        await sleep(20);
      }
    };
    const Q = 'quiet';
    try {
      tmux.start(Q, dir, `env SLUICE_HISTORY_FILE='${historyFile}' '${process.execPath}' '${BIN}' shell --server ${silent.url} --request-timeout 2; echo "[exit status $?]"`);
      await tmux.waitFor(Q, PROMPT_LINE);

      // A read: as for a PRINT stopped with Ctrl-C, the prompt comes back and nothing else is said.
      tmux.type(Q, 'DESCRIBE CONNECTOR nothing;');
      tmux.keys(Q, 'Enter');
      await received('DESCRIBE CONNECTOR nothing;');
      tmux.keys(Q, 'C-c');
      await tmux.waitFor(Q, /^sluice> DESCRIBE CONNECTOR nothing;\nsluice>\s*$/m, 'the prompt back after Ctrl-C');

      // A write may still happen on the server: that is said.
      await freshScreen(Q);
      tmux.type(Q, 'DROP CONNECTOR nothing;');
      tmux.keys(Q, 'Enter');
      await received('DROP CONNECTOR nothing;');
      tmux.keys(Q, 'C-c');
      await tmux.waitFor(Q, /^sluice: INTERRUPTED stopped waiting for the answer of the Sluice server at ws:.*; the server may still run it\nsluice>\s*$/m, 'the note and the prompt');

      await freshScreen(Q);
      tmux.type(Q, 'SHOW TOPICS;');
      tmux.keys(Q, 'Enter');
      await tmux.waitFor(Q, /^sluice: REQUEST_TIMEOUT the Sluice server at ws:.* did not answer within 2 s \(.*\)\nsluice>\s*$/m, 'the timeout and the prompt');

      tmux.type(Q, 'SHOW VARIABLES;');
      tmux.keys(Q, 'Enter');
      await tmux.waitFor(Q, /answered +\| yes/, 'the answer to a later statement');
      tmux.type(Q, 'exit');
      tmux.keys(Q, 'Enter');
      await tmux.waitFor(Q, /Exiting Sluice\.\n\[exit status 0\]/, 'the goodbye and exit status 0');
    } finally {
      await silent.close();
    }
  });
});
