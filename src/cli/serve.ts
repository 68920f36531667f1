import { Catalog } from '../catalog/catalog.js';
import { Engine } from '../engine/engine.js';
import { isError } from '../engine/results.js';
import { UsageError } from '../errors/base.js';
import type { Runtime } from '../runtime/runtime.js';
import { createLogger, parseLogLevel } from '../runtime/logger.js';
import { SluiceServer } from '../server/server.js';
import { parseOutput, resolveDataDir } from './options.js';
import { Printer, type Streams } from './printer.js';
import { hostRuntime, stopRuntime, untilSignal } from './runtime-host.js';
import { authToken, type AuthTokenOptions } from './auth-token.js';

export interface ServeOptions extends AuthTokenOptions {
  dataDir?: string;
  host: string;
  port: string;
  file?: string;
  output: string;
}

function portOf(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) throw new UsageError('USAGE_ERROR', `--port must be a number from 0 to 65535, got '${text}'`);
  return port;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * `sluice serve`: the runtime and the engine behind HTTP and WebSocket until SIGINT/SIGTERM. `--file` runs a
 * script first, validated whole as `sluice run` does; if it fails nothing is served.
 */
export async function serveCommand(opts: ServeOptions, streams: Streams, readScript: (file: string) => string, session: () => import('../engine/session.js').Session): Promise<number> {
  const port = portOf(opts.port);
  const token = authToken(opts);
  const format = parseOutput(opts.output);
  const script = opts.file === undefined ? undefined : readScript(opts.file);
  const dataDir = resolveDataDir(opts.dataDir);
  // The server acknowledges statements after flushing the catalog off its event loop (see GroupCommit).
  const catalog = Catalog.open(dataDir, { owner: 'sluice serve', durability: 'flush' });
  const engine = new Engine({ catalog });
  if (token) engine.redactor.add(token);
  const signals = untilSignal();
  let runtime: Runtime | undefined;
  let server: SluiceServer | undefined;
  try {
    runtime = await hostRuntime(catalog, engine, dataDir);
    if (script !== undefined) {
      const outcome = engine.run(script, session(), { file: opts.file });
      await catalog.flush();
      await new Printer(format, streams).emit(outcome.entities.filter((e) => e['@type'] !== 'print_topic'), { file: opts.file });
      if (!outcome.executed || outcome.entities.some(isError)) {
        streams.stderr.write(`${opts.file}: failed; not serving\n`);
        return 1;
      }
    }
    const level = parseLogLevel(process.env['SLUICE_LOG_LEVEL']);
    const logger = createLogger({ level, redact: (s) => engine.redactor.redact(s) });
    server = new SluiceServer({ engine, runtime, logger, host: opts.host, port, token });
    const address = await server.start();
    const where = address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
    streams.stderr.write(`Sluice serving http://${where} (WebSocket ws://${where}/ws)${token ? ', bearer token required' : ''}; Ctrl-C stops it.\n`);
    if (!token && !LOOPBACK.has(opts.host)) streams.stderr.write(`warning: listening on ${opts.host} without --auth-token: anyone who can reach it may run statements\n`);
    await signals.promise;
    return 0;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError('USAGE_ERROR', `port ${port} on ${opts.host} is in use (choose another with --port)`);
    if (code === 'EACCES') throw new UsageError('USAGE_ERROR', `not allowed to listen on ${opts.host}:${port}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError('USAGE_ERROR', `cannot listen on ${opts.host}: no such local address`);
    throw err;
  } finally {
    signals.cancel();
    await server?.stop();
    await stopRuntime(runtime);
    catalog.close();
  }
}
