import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { Catalog } from '../catalog/catalog.js';
import { Engine } from '../engine/engine.js';
import { isError } from '../engine/results.js';
import { Session } from '../engine/session.js';
import { SluiceError, toSluiceError, UsageError } from '../errors/base.js';
import { fileReason, isMissing } from '../errors/file-reason.js';
import { renderCommandError, renderErrorLine } from '../render/error.js';
import { connectorStatus } from '../engine/connector-lookup.js';
import { errorEntities } from '../engine/errors.js';
import { SecretRedactor } from '../sql/secret-redactor.js';
import { formatIdentifier } from '../sql/format.js';
import { parseScript } from '../sql/parse.js';
import { completionContext, runInteractive } from '../shell/interactive.js';
import { runPiped } from '../shell/piped.js';
import { collectDefine, DEFAULT_REQUEST_TIMEOUT, definesToVariables, parseOutput, resolveDataDir, type OutputFormat } from './options.js';
import { Printer, type PrintStreamer, type Streams } from './printer.js';
import { streamPrint } from './print-stream.js';
import { hostRuntime, stopRuntime, untilSignal } from './runtime-host.js';
import type { Runtime } from '../runtime/runtime.js';
import type { PrintEntity } from '../engine/results.js';
import { remoteRun, remoteShell } from './remote-commands.js';
import { serveCommand, type ServeOptions } from './serve.js';
import { VERSION } from './version.js';

/** Exit codes: 0 success; 1 a statement failed or the data dir is unusable; 2 the command line is wrong. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

interface CommonOptions {
  dataDir?: string;
  define: string[];
  output: string;
  /** run and shell: use a running `sluice serve` instead of this directory. */
  server?: string;
  authToken?: string;
  authTokenFile?: string;
  /** With --server: seconds to wait for each answer ('0': no limit). */
  requestTimeout?: string;
}

function readScript(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(isMissing(err) ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `cannot read ${file}: ${fileReason(err)}`);
  }
}

function sessionFor(opts: CommonOptions, origin: string): Session {
  return new Session({ variables: definesToVariables(opts.define), origin });
}

function withCatalog<T>(catalog: Catalog, fn: (engine: Engine) => T): T {
  try {
    return fn(new Engine({ catalog }));
  } finally {
    catalog.close();
  }
}

interface RunOptions extends CommonOptions {
  untilIdle?: boolean;
}

/**
 * `sluice run`: validate the whole script, start the runtime (connectors already in the catalog resume from
 * their offsets), execute the script, then keep connectors running until SIGINT/SIGTERM — or, with
 * --until-idle, until every source found nothing new and every sink committed everything.
 */
async function runCommand(file: string, opts: RunOptions, streams: Streams): Promise<number> {
  const format = parseOutput(opts.output);
  const text = readScript(file);
  if (opts.server !== undefined) return remoteRun(file, text, { ...opts, server: opts.server }, streams);
  const session = sessionFor(opts, 'run');
  const dataDir = resolveDataDir(opts.dataDir);
  const catalog = Catalog.open(dataDir, { owner: 'sluice run' });
  const signals = untilSignal();
  const interrupted = new AbortController();
  void signals.promise.then(() => interrupted.abort());
  let runtime: Runtime | undefined;
  try {
    const engine = new Engine({ catalog });
    const errors = engine.validate(text, session, { file }).filter(isError);
    const printer = new Printer(format, streams, (p, signal) => stream(p, runtime, streams, format, signal));
    if (errors.length > 0) {
      printer.print(errors, { file });
      streams.stderr.write(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was executed\n`);
      return EXIT_FAILED;
    }
    // `run` reads its script from a file, so standard input is free for a file source without a file.
    runtime = await hostRuntime(catalog, engine, dataDir, { lendStdin: true });
    // Results print as each statement finishes; PRINT statements stream their records after the script ran.
    const entities = await engine.executeSettled(text, session, { file, onResult: (e) => printer.print(e.filter((x) => x['@type'] !== 'print_topic'), { file }) });
    await printer.emit(
      entities.filter((x) => x['@type'] === 'print_topic'),
      { file, signal: interrupted.signal },
    );
    let failed = entities.some(isError);
    if (opts.untilIdle) {
      const outcome = await runtime.untilIdle(interrupted.signal);
      if (outcome === 'failed') {
        failed = true;
        // Each by name and with its error, as a command error (also on stdout with --output json): exit code 1
        // alone told a script nothing it could act on.
        for (const e of failedConnectors(catalog, runtime, engine)) {
          streams.stderr.write(`${file}: ${renderCommandError(e).replace(/^sluice: /, '')}`);
          if (format === 'json') writeJsonError(streams, e);
        }
      }
    } else if (!interrupted.signal.aborted) {
      streams.stderr.write(`Connectors are running; press Ctrl-C to stop.\n`);
      // Signal listeners do not keep Node's event loop alive, and the runtime's own timers are unref'd: with no
      // connector doing I/O (none created, all paused or FAILED) the process would otherwise end here at once,
      // exit 0 and skip the graceful stop below.
      const keepAlive = setInterval(() => undefined, 2 ** 30);
      try {
        await signals.promise;
      } finally {
        clearInterval(keepAlive);
      }
    }
    return failed ? EXIT_FAILED : 0;
  } finally {
    signals.cancel();
    await stopRuntime(runtime);
    catalog.close();
  }
}

function stream(p: PrintEntity, runtime: Runtime | undefined, streams: Streams, format: OutputFormat, signal: AbortSignal): Promise<void> {
  if (!runtime) return Promise.resolve();
  return streamPrint(p, runtime.log, (line) => streams.stdout.write(`${line}\n`), format, signal).then(() => undefined);
}

function checkCommand(file: string, opts: CommonOptions, streams: Streams): number {
  const format = parseOutput(opts.output);
  const text = readScript(file);
  const session = sessionFor(opts, 'check');
  // Read-only and unlocked: checking never blocks, or is blocked by, a running Sluice.
  const catalog = Catalog.open(resolveDataDir(opts.dataDir), { readonly: true });
  return withCatalog(catalog, (engine) => {
    const entities = engine.validate(text, session, { file });
    const errors = entities.filter(isError);
    for (const e of errors) {
      streams.stdout.write(format === 'json' ? `${JSON.stringify(e)}\n` : `${renderErrorLine(e, file)}\n`);
    }
    if (format === 'table') {
      const statements = parseScript(text, file).length;
      streams.stderr.write(errors.length === 0 ? `${file}: OK (${statements} statement${statements === 1 ? '' : 's'})\n` : `${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}\n`);
    }
    return errors.length > 0 ? EXIT_FAILED : 0;
  });
}

interface ShellOptions extends CommonOptions {
  file?: string;
  execute?: string;
}

function historyFile(): string {
  return process.env['SLUICE_HISTORY_FILE'] ?? path.join(os.homedir(), '.sluice_history');
}

async function shellCommand(opts: ShellOptions, streams: Streams): Promise<number> {
  if (opts.server !== undefined) return remoteShell({ ...opts, server: opts.server, historyFile: historyFile() }, streams, readScript);
  const format: OutputFormat = parseOutput(opts.output);
  const session = sessionFor(opts, 'shell');
  const dataDir = resolveDataDir(opts.dataDir);
  const catalog = Catalog.open(dataDir, { owner: 'sluice shell' });
  const engine = new Engine({ catalog });
  let runtime: Runtime | undefined;
  const streamer: PrintStreamer = (p, signal) => stream(p, runtime, streams, format, signal);
  const printer = new Printer(format, streams, streamer);
  const signals = untilSignal();
  const interrupted = new AbortController();
  void signals.promise.then(() => interrupted.abort());
  try {
    // The shell runs connectors too: it holds the data dir, so nothing else could.
    runtime = await hostRuntime(catalog, engine, dataDir);
    if (opts.file !== undefined || opts.execute !== undefined) {
      let failed = false;
      if (opts.file !== undefined) {
        const entities = await engine.executeSettled(readScript(opts.file), session, { file: opts.file });
        await printer.emit(entities, { file: opts.file, signal: interrupted.signal });
        failed ||= entities.some(isError);
      }
      if (opts.execute !== undefined) {
        const entities = await engine.executeSettled(opts.execute, session);
        await printer.emit(entities, { signal: interrupted.signal });
        failed ||= entities.some(isError);
      }
      return failed ? EXIT_FAILED : 0;
    }
    if (process.stdin.isTTY && process.stdout.isTTY) {
      // At a terminal readline owns Ctrl-C (clear the line / stop a PRINT), so no process-level handler.
      signals.cancel();
      return await runInteractive({
        // Ctrl-C during a SHOW's wait for starting connectors shows them as they are.
        execute: (text, signal) => engine.executeSettled(text, session, { signal }),
        completion: completionContext(engine),
        format,
        historyFile: historyFile(),
        input: process.stdin,
        output: process.stdout,
        where: `Data directory: ${dataDir}`,
        streamer,
      });
    }
    const execute = (text: string, file: string | undefined) => engine.executeSettled(text, session, file === undefined ? {} : { file });
    return await runPiped({ execute, printer, input: process.stdin, stdout: streams.stdout, signal: interrupted.signal });
  } finally {
    signals.cancel();
    await stopRuntime(runtime);
    catalog.close();
  }
}

function program(streams: Streams, exit: { code: number }): Command {
  const cmd = new Command('sluice')
    .description('SQL-driven connector manager: CREATE SOURCE/SINK CONNECTOR statements, run on an embedded runtime.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) })
    .exitOverride();

  const common = (c: Command) =>
    c
      .option('-d, --data-dir <dir>', 'catalog directory (default: $SLUICE_DATA_DIR, else ./.sluice)')
      .option('--define <name=value>', 'define a variable for ${name}; repeatable', collectDefine, [])
      .addOption(new Option('-o, --output <format>', 'table or json (one entity per line)').default('table'));

  common(cmd.command('run').argument('<file>', 'a .sql script').description('validate a whole script, execute it, then keep its connectors running until Ctrl-C'))
    .option('--until-idle', 'exit once every source found nothing new and every sink committed everything (non-zero if a connector failed)')
    .option('--server <url>', 'run the script on a running sluice serve (e.g. http://127.0.0.1:8088)')
    .option('--auth-token <token>', 'bearer token for --server (visible in ps: prefer --auth-token-file or $SLUICE_AUTH_TOKEN)')
    .option('--auth-token-file <file>', 'read the bearer token for --server from a file')
    .option('--request-timeout <seconds>', 'with --server: how long to wait for each answer (0: no limit)', DEFAULT_REQUEST_TIMEOUT)
    .action(async (file: string, opts: RunOptions) => {
      exit.code = await runCommand(file, opts, streams);
    });
  common(cmd.command('check').argument('<file>', 'a .sql script').description('parse and validate a script against a copy of the catalog; execute nothing')).action(
    (file: string, opts: CommonOptions) => {
      exit.code = checkCommand(file, opts, streams);
    },
  );
  common(cmd.command('shell').description('interactive SQL shell; reads statements from stdin when it is not a terminal'))
    .option('-f, --file <file>', 'execute the statements of a file, then exit')
    .option('-e, --execute <sql>', 'execute the given statements, then exit')
    .option('--server <url>', 'talk to a running sluice serve (e.g. http://127.0.0.1:8088)')
    .option('--auth-token <token>', 'bearer token for --server (visible in ps: prefer --auth-token-file or $SLUICE_AUTH_TOKEN)')
    .option('--auth-token-file <file>', 'read the bearer token for --server from a file')
    .option('--request-timeout <seconds>', 'with --server: how long to wait for each answer (0: no limit)', DEFAULT_REQUEST_TIMEOUT)
    .action(async (opts: ShellOptions) => {
      exit.code = await shellCommand(opts, streams);
    });
  common(cmd.command('serve').description('serve statements over HTTP (ksqlDB REST) and WebSocket (/ws) until Ctrl-C'))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', '8088')
    .option('-f, --file <file>', 'a .sql script to run before serving')
    .option('--auth-token <token>', 'require Authorization: Bearer <token> (visible in ps: prefer --auth-token-file or $SLUICE_AUTH_TOKEN)')
    .option('--auth-token-file <file>', 'read the required bearer token from a file')
    .action(async (opts: ServeOptions & CommonOptions) => {
      exit.code = await serveCommand(opts, streams, readScript, () => sessionFor(opts, 'serve'));
    });
  return cmd;
}

const guardedStreams = new WeakSet<NodeJS.WritableStream>();

/**
 * A reader that goes away early (`sluice run x.sql | head`) makes writes fail with EPIPE, emitted as an 'error'
 * event; unhandled, Node prints a stack trace. The statements still run to the end (their effect must not depend
 * on who reads the output); what cannot be written is dropped.
 */
function tolerateClosedOutput(streams: Streams): void {
  for (const stream of [streams.stdout, streams.stderr]) {
    if (guardedStreams.has(stream)) continue;
    guardedStreams.add(stream);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      process.exitCode = EXIT_FAILED;
    });
  }
}

/** Entry point; returns the exit code instead of exiting so tests can call it in-process. */
export async function main(argv: readonly string[], streams: Streams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const exit = { code: 0 };
  tolerateClosedOutput(streams);
  try {
    await program(streams, exit).parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      // Commander wrote its own text to stderr already.
      if (asksForJson(argv)) writeJsonError(streams, new UsageError('USAGE_ERROR', err.message.replace(/^error: /, '')));
      return EXIT_USAGE;
    }
    const e: SluiceError = toSluiceError(err);
    streams.stderr.write(renderCommandError(e));
    if (asksForJson(argv)) writeJsonError(streams, e);
    return e instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
  }
}

/**
 * Whether the command line asks for JSON output, read from the words themselves: a command that fails (the data dir
 * is locked, an option is unknown) may never have got as far as parsing its options.
 */
function asksForJson(argv: readonly string[]): boolean {
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    let value: string | undefined;
    if (a === '-o' || a === '--output') value = argv[++i];
    else if (a.startsWith('--output=')) value = a.slice('--output='.length);
    else if (/^-o[^-]/.test(a)) value = a.slice(2);
    if (value !== undefined) json = value.toLowerCase() === 'json';
  }
  return json;
}

/** The connectors that FAILED (or have a FAILED task), each as a CONNECTOR_FAILED error with its trace's first line. */
function failedConnectors(catalog: Catalog, runtime: Runtime, engine: Engine): SluiceError[] {
  const out: SluiceError[] = [];
  for (const record of catalog.listConnectors()) {
    // Traces are scrubbed of known secrets there, as every output that shows a status reads them.
    const status = connectorStatus({ runtime, catalog, redactor: engine.redactor }, record);
    if (!status) continue;
    const task = status.tasks.find((t) => t.state === 'FAILED');
    if (status.state !== 'FAILED' && !task) continue;
    const trace = (status.state === 'FAILED' ? (status.trace ?? task?.trace) : task?.trace) ?? '';
    const why = trace.split('\n')[0] ?? '';
    const what = status.state === 'FAILED' ? `connector ${record.name} FAILED` : `task ${task!.id} of connector ${record.name} FAILED`;
    out.push(new SluiceError('CONNECTOR_FAILED', why === '' ? what : `${what}: ${why}`, { hint: `DESCRIBE CONNECTOR ${formatIdentifier({ value: record.name, quoting: 'none' })} shows why` }));
  }
  return out;
}

/** A program reading --output json reads one stream: the command's failure is there too, as a statement's is. */
function writeJsonError(streams: Streams, e: SluiceError): void {
  for (const entity of errorEntities(e, '', undefined, new SecretRedactor())) streams.stdout.write(`${JSON.stringify(entity)}\n`);
}
