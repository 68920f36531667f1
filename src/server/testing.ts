import { WebSocket } from 'ws';
import { Catalog } from '../catalog/catalog.js';
import { defaultRegistry } from '../connectors/registry.js';
import { Engine } from '../engine/engine.js';
import { EmbeddedLog } from '../platform/embedded/index.js';
import { Runtime } from '../runtime/runtime.js';
import { captureLogger, tempDir } from '../runtime/testing.js';
import { SluiceServer, type ServerOptions } from './server.js';

/** A real server on a free port over an in-memory catalog and log, with the runtime running connectors. */
export interface ServerRig {
  url: string;
  wsUrl: string;
  engine: Engine;
  runtime: Runtime;
  dir: string;
  /** What the runtime and server logged. */
  logs: string[];
  stop: () => Promise<void>;
}

export async function startServer(opts: Partial<Pick<ServerOptions, 'token' | 'maxRequestBytes' | 'feed'>> = {}): Promise<ServerRig> {
  const tmp = tempDir('sluice-server-');
  const catalog = Catalog.inMemory();
  const log = EmbeddedLog.inMemory();
  const { logger, lines } = captureLogger();
  const runtime = new Runtime({ catalog, log, registry: defaultRegistry, logger, tickMs: 50 });
  await runtime.start();
  const engine = new Engine({ catalog, runtime });
  const server = new SluiceServer({ engine, runtime, logger, host: '127.0.0.1', port: 0, feed: { pollMs: 20, metricsMs: 200 }, ...opts });
  const address = await server.start();
  return {
    url: `http://127.0.0.1:${address.port}`,
    wsUrl: `ws://127.0.0.1:${address.port}/ws`,
    engine,
    runtime,
    dir: tmp.dir,
    logs: lines,
    stop: async () => {
      await server.stop();
      await runtime.stop();
      await log.close();
      catalog.close();
      tmp.cleanup();
    },
  };
}

/** A WebSocket client that keeps every frame it gets, parsed, and can wait for one. */
export class TestClient {
  readonly frames: Record<string, unknown>[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { headers });
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (from the start) that matches, waiting up to `ms` for it. */
  async next(match: (f: Record<string, unknown>) => boolean, ms = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) before a matching frame; got ${JSON.stringify(this.frames)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame in ${ms} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a request and waits for its answer (results or error). */
  async request(id: string | number, sql: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    this.send({ id, sql, ...extra });
    return this.next((f) => f['id'] === id && ('results' in f || 'error' in f));
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
