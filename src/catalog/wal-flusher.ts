import fs from 'node:fs/promises';

/**
 * Makes a WAL database's commits durable without blocking the event loop. The connection runs with
 * synchronous=NORMAL, so a commit returns once its frames are in the WAL file (safe against a crash or kill -9);
 * `flush()` then fsyncs that file on libuv's thread pool. That is what synchronous=FULL does at every commit, moved
 * off the thread that answers requests: a server acknowledges a statement only after its flush.
 *
 * Flushes are shared: a caller joins the next flush to start, never one already under way (which may have begun
 * before its commit). Promises resolve in the order flushes were asked for.
 */
export class WalFlusher {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private flushes = 0;

  constructor(private readonly walFile: string) {}

  /** Resolves when everything committed before the call is on disk. */
  flush(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    this.queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  /** How many fsyncs ran: group commits share them. */
  get count(): number {
    return this.flushes;
  }

  private start(): Promise<void> {
    this.flushes += 1;
    const p: Promise<void> = syncFile(this.walFile).finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }
}

/**
 * Opened for each flush rather than kept open: SQLite may delete and recreate the WAL (when the last connection
 * closes), and a kept descriptor would then sync a file no one reads.
 */
async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
