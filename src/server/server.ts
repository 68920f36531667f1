import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Engine } from '../engine/engine.js';
import { SluiceError } from '../errors/base.js';
import type { Logger } from '../runtime/logger.js';
import type { RuntimeView } from '../runtime/runtime.js';
import { hasToken } from './auth.js';
import { genericError, httpStatus } from './errors.js';
import { GroupCommit } from './group-commit.js';
import { handleHttp } from './http-api.js';
import { ServerMetrics } from './metrics.js';
import { StatusFeed } from './status-feed.js';
import { WsSession } from './ws-session.js';

export interface ServerOptions {
  engine: Engine;
  runtime: RuntimeView | undefined;
  logger: Logger;
  host: string;
  port: number;
  /** With a token, every request and WebSocket upgrade must carry `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Largest /ksql body and WebSocket frame, in bytes. Default 1 MiB. */
  maxRequestBytes?: number;
  /** Status feed timing (tests make it quick). */
  feed?: { pollMs?: number; metricsMs?: number };
}

const MiB = 1024 * 1024;

/**
 * `sluice serve`: HTTP (ksqlDB's REST endpoints and /metrics) and the WebSocket statement endpoint at /ws, on
 * one port. Every response goes through the same engine as the shell, so it carries the same entities.
 */
export class SluiceServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly feed: StatusFeed;
  private readonly historyTimer: NodeJS.Timeout;

  constructor(private readonly o: ServerOptions) {
    const maxBytes = o.maxRequestBytes ?? MiB;
    this.feed = new StatusFeed(o.engine.catalog, o.runtime, o.feed);
    const metrics = new ServerMetrics(this.feed);
    o.engine.deferReadHistory();
    const commits = new GroupCommit(o.engine.catalog, () => o.engine.flushHistory());
    // Reads keep their history entries back until the next group commit; when writes are rare, this writes them.
    this.historyTimer = setInterval(() => o.engine.flushHistory(), 1000);
    this.historyTimer.unref();
    this.http = createServer((req, res) => {
      if (!this.authorised(req)) {
        const body = JSON.stringify(genericError(unauthorised()));
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
        res.end(body);
        return;
      }
      handleHttp(req, res, { engine: o.engine, runtime: o.runtime, metrics, maxBodyBytes: maxBytes, commits }).catch((err: unknown) => {
        o.logger.error(`http: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: maxBytes });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.wss.on('connection', (ws) => {
      new WsSession(ws, {
        engine: o.engine,
        commits,
        log: o.runtime?.log,
        feed: this.feed,
        logger: o.logger,
        highWaterBytes: MiB,
        maxBufferedBytes: 64 * MiB,
      });
    });
  }

  /** Listens; resolves with the address actually bound (port 0 picks a free one). */
  async start(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.o.port, this.o.host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    return this.http.address() as AddressInfo;
  }

  /** Closes every WebSocket (1001 going away) and stops listening. */
  async stop(): Promise<void> {
    this.feed.stop();
    clearInterval(this.historyTimer);
    this.o.engine.flushHistory();
    for (const ws of this.wss.clients) ws.close(1001, 'the server is stopping');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeIdleConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private authorised(req: IncomingMessage): boolean {
    return this.o.token === undefined || hasToken(req.headers, this.o.token);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    const refuse = (err: SluiceError) => {
      const body = JSON.stringify(genericError(err));
      const status = httpStatus(err.errorCode);
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Not Found'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${status === 401 ? 'www-authenticate: Bearer\r\n' : ''}\r\n${body}`);
    };
    if (!this.authorised(req)) return refuse(unauthorised());
    if (path !== '/ws') return refuse(new SluiceError('NOT_FOUND', `no WebSocket endpoint at ${path}; it is /ws`));
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }
}

function unauthorised(): SluiceError {
  return new SluiceError('UNAUTHORIZED', 'this server needs a bearer token: Authorization: Bearer <token>');
}
