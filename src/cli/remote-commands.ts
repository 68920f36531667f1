import { constants } from 'node:os';
import { Catalog } from '../catalog/catalog.js';
import { Engine } from '../engine/engine.js';
import { isError } from '../engine/results.js';
import { SluiceError, UsageError } from '../errors/base.js';
import { completionContext, runInteractive } from '../shell/interactive.js';
import { runPiped } from '../shell/piped.js';
import { DEFAULT_REQUEST_TIMEOUT, definesToVariables, parseOutput, parseRequestTimeout, type OutputFormat } from './options.js';
import { renderCommandError } from '../render/error.js';
import { Printer, type Streams } from './printer.js';
import { RemoteSession, UnansweredError, type ReconnectOptions } from './remote.js';
import { writeStderrLine } from '../runtime/logger.js';
import { untilSignal } from './runtime-host.js';
import { authToken, type AuthTokenOptions } from './auth-token.js';

export interface RemoteOptions extends AuthTokenOptions {
  server: string;
  define: string[];
  output: string;
  /** Seconds to wait for each answer; '0': no limit. */
  requestTimeout?: string;
}

function variables(opts: RemoteOptions): Record<string, string> {
  return Object.fromEntries(definesToVariables(opts.define).list().map((v) => [v.name, v.value]));
}

function printerFor(remote: RemoteSession, format: OutputFormat, streams: Streams): Printer {
  return new Printer(format, streams, (p, signal) => remote.streamPrint(p, streams.stdout, format, signal));
}

/**
 * `sluice run FILE --server URL`: the script goes to the server whole, validated there first and executed only if
 * every statement passes, as `run` does locally; the results print as locally. The connectors run on the server,
 * so this returns once the script (and any PRINT) is done.
 */
export async function remoteRun(file: string, text: string, opts: RemoteOptions & { untilIdle?: boolean }, streams: Streams): Promise<number> {
  if (opts.untilIdle) throw new UsageError('USAGE_ERROR', '--until-idle waits for connectors in this process; with --server they run on the server');
  const format = parseOutput(opts.output);
  return withRemote(opts, streams, async (remote, interrupted) => {
    const printer = printerFor(remote, format, streams);
    const outcome = await remote.execute(text, { script: { file }, variables: variables(opts), signal: interrupted });
    if (!outcome.executed) {
      const errors = outcome.entities.filter(isError);
      printer.print(errors, { file });
      streams.stderr.write(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was executed\n`);
      return 1;
    }
    await printer.emit(outcome.entities, { file, signal: interrupted });
    return outcome.entities.some(isError) ? 1 : 0;
  });
}

/**
 * Connects, runs fn with a signal for SIGINT/SIGTERM (and a way to stop listening for them), and disconnects.
 * A signal that ends the wait for an answer ends the command as the signal would: exit status 128 + its number.
 */
async function withRemote(
  opts: RemoteOptions,
  streams: Streams,
  fn: (remote: RemoteSession, interrupted: AbortSignal, stopListening: () => void) => Promise<number>,
  reconnect?: ReconnectOptions,
): Promise<number> {
  const remote = await RemoteSession.connect(opts.server, authToken(opts), parseRequestTimeout(opts.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT), reconnect);
  const signals = untilSignal();
  const interrupted = new AbortController();
  let caught: NodeJS.Signals = 'SIGINT';
  void signals.promise.then((signal) => {
    caught = signal;
    interrupted.abort();
  });
  try {
    return await fn(remote, interrupted.signal, () => signals.cancel());
  } catch (err) {
    if (!(err instanceof SluiceError && err.code === 'INTERRUPTED')) throw err;
    streams.stderr.write(renderCommandError(err));
    return 128 + constants.signals[caught];
  } finally {
    signals.cancel();
    remote.close();
  }
}

/**
 * `sluice shell --server URL`: at a terminal the interactive shell, otherwise -f / -e or statements piped on
 * stdin; statements run on the server and print as locally. A connection that drops is made again, keeping the
 * session's DEFINEs and SETs.
 */
export async function remoteShell(opts: RemoteOptions & { file?: string; execute?: string; historyFile: string }, streams: Streams, readScript: (file: string) => string): Promise<number> {
  const format = parseOutput(opts.output);
  return withRemote(opts, streams, async (remote, interrupted, stopListening) => {
    const printer = printerFor(remote, format, streams);
    // --define variables go with the first request; the server's session keeps them.
    let vars: Record<string, string> | undefined = variables(opts);
    const send = async (text: string, signal: AbortSignal) => {
      const { entities } = await remote.execute(text, { continueOnError: true, signal, ...(vars ? { variables: vars } : {}) });
      vars = undefined;
      return entities;
    };
    const run = async (text: string, file?: string) => {
      const entities = await send(text, interrupted);
      await printer.emit(entities, file === undefined ? { signal: interrupted } : { file, signal: interrupted });
      return entities.some(isError);
    };
    if (opts.file !== undefined || opts.execute !== undefined) {
      let failed = false;
      if (opts.file !== undefined) failed = (await run(readScript(opts.file), opts.file)) || failed;
      if (opts.execute !== undefined) failed = (await run(opts.execute)) || failed;
      return failed ? 1 : 0;
    }
    if (process.stdin.isTTY && process.stdout.isTTY) {
      // At a terminal readline owns Ctrl-C (clear the line / stop a PRINT), so no process-level handler.
      stopListening();
      // Completion of connector names from the server's list, refreshed after each statement.
      let connectors: { name: string; className: string }[] = [];
      // In the background, so that a server slow to answer delays completion, never the prompt or the results.
      const refresh = () => {
        remote.execute('SHOW CONNECTORS;').then(
          ({ entities }) => {
            const list = entities.find((e) => e['@type'] === 'connector_list') as { connectors?: { name: string; className?: string }[] } | undefined;
            connectors = (list?.connectors ?? []).map((c) => ({ name: c.name, className: c.className ?? '' }));
          },
          () => undefined,
        );
      };
      refresh();
      const local = completionContext(new Engine({ catalog: Catalog.inMemory() }));
      return await runInteractive({
        execute: async (text, signal) => {
          try {
            return await send(text, signal);
          } catch (err) {
            // Ctrl-C while a read was waiting: as for a PRINT it stopped, the prompt is all there is to show.
            if (err instanceof UnansweredError && err.code === 'INTERRUPTED' && !err.mayStillRun) return [];
            throw err;
          } finally {
            refresh();
          }
        },
        completion: {
          ...local,
          connectorNames: () => connectors.map((c) => c.name),
          classOfConnector: (name) => connectors.find((c) => c.name.toLowerCase() === name.toLowerCase())?.className,
        },
        format,
        historyFile: opts.historyFile,
        input: process.stdin,
        output: process.stdout,
        where: `Server: ${opts.server}`,
        streamer: (p, signal) => remote.streamPrint(p, process.stdout, format, signal),
      });
    }
    return await runPiped({ execute: (text) => send(text, interrupted), printer, input: process.stdin, stdout: streams.stdout, signal: interrupted });
  }, { notice: writeStderrLine });
}
