import type { Catalog } from '../catalog/catalog.js';
import type { Engine } from '../engine/engine.js';
import { EmbeddedLog } from '../platform/embedded/index.js';
import { createLogger, parseLogLevel } from '../runtime/logger.js';
import { Runtime } from '../runtime/runtime.js';

/**
 * Runs connectors in this process on the embedded log in the data dir, and attaches the runtime to the engine
 * so statements act at once. The catalog lock already makes this process the only one running them.
 */
export async function hostRuntime(catalog: Catalog, engine: Engine, dataDir: string, opts: { lendStdin?: boolean } = {}): Promise<Runtime> {
  const log = EmbeddedLog.open(dataDir);
  const level = parseLogLevel(process.env['SLUICE_LOG_LEVEL']);
  const logger = createLogger({ level, redact: (s) => engine.redactor.redact(s) });
  const runtime = new Runtime({
    catalog,
    log,
    registry: engine.registry,
    logger,
    ...(opts.lendStdin ? { stdin: process.stdin } : {}),
    // Tasks on worker threads, so reading, writing the log and sinks use every core (SLUICE_TASK_THREADS=0: one thread).
    ...(process.env['SLUICE_TASK_THREADS'] === '0' ? {} : { taskThreads: { dataDir, logLevel: level, secrets: () => engine.redactor.values() } }),
  });
  await runtime.start();
  engine.runtime = runtime;
  return runtime;
}

/** Stop connectors (flush, commit), then the log. */
export async function stopRuntime(runtime: Runtime | undefined): Promise<void> {
  if (!runtime) return;
  await runtime.stop();
  await runtime.log.close();
}

/** Resolves on the first SIGINT or SIGTERM (and stops listening). */
export function untilSignal(): { promise: Promise<NodeJS.Signals>; cancel: () => void } {
  let cancel = () => undefined as void;
  const promise = new Promise<NodeJS.Signals>((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      cancel();
      resolve(sig);
    };
    const onInt = () => on('SIGINT');
    const onTerm = () => on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    cancel = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  });
  return { promise, cancel };
}
