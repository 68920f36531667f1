import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type ServerHttp2Session } from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { Duplex as DuplexStream, Readable, type Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Engine } from '../engine/engine.js';
import { SluiceError } from '../errors/base.js';
import type { Logger } from '../runtime/logger.js';
import type { RuntimeView } from '../runtime/runtime.js';
import { hasToken } from './auth.js';
import { genericError, httpStatus } from './errors.js';
import { GroupCommit } from './group-commit.js';
import { handleHttp, type ApiRequest, type ApiResponse } from './http-api.js';
import { ServerMetrics } from './metrics.js';
import { StatusFeed } from './status-feed.js';
import { WsSession } from './ws-session.js';
import { abortQuietly } from '../runtime/abort-quietly.js';

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
const FIRST_BYTES_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 2_000;
/** How every HTTP/2 connection without TLS begins (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * `sluice serve`: HTTP (ksqlDB's REST endpoints and /metrics) and the WebSocket statement endpoint at /ws, on
 * one port. Every response goes through the same engine as the shell, so it carries the same entities.
 */
export class SluiceServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly feed: StatusFeed;
  private readonly historyTimer: NodeJS.Timeout;
  private readonly http2: Http2Server;
  private readonly sessions = new Set<ServerHttp2Session>();
  private readonly listener: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly stopping = new AbortController();
  private readonly streams = { stopping: this.stopping.signal, running: new Set<Promise<void>>() };
  private readonly serve: (req: ApiRequest, res: ApiResponse) => void;

  constructor(private readonly o: ServerOptions) {
    const maxBytes = o.maxRequestBytes ?? MiB;
    this.feed = new StatusFeed(o.engine.catalog, o.runtime, o.engine.redactor, o.feed);
    const metrics = new ServerMetrics(this.feed);
    o.engine.deferReadHistory();
    const commits = new GroupCommit(o.engine.catalog, () => o.engine.flushHistory());
    // Reads keep their history entries back until the next group commit; when writes are rare, this writes them.
    this.historyTimer = setInterval(() => o.engine.flushHistory(), 1000);
    this.historyTimer.unref();
    const serve = (this.serve = (req: ApiRequest, res: ApiResponse) => {
      if (!this.authorised(req)) {
        const body = JSON.stringify(genericError(unauthorised()));
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
        res.end(body);
        return;
      }
      handleHttp(req, res, { engine: o.engine, runtime: o.runtime, metrics, maxBodyBytes: maxBytes, commits, streams: this.streams }).catch((err: unknown) => {
        o.logger.error(`http: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.http = createServer(serve);
    // ksqlDB clients that speak HTTP/2 without TLS (prior knowledge, as ksqlDB's own Java client) are served on the
    // same port: a connection that opens with HTTP/2's preface goes to the HTTP/2 server.
    this.http2 = createHttp2Server((req, res) => serve(req, res as unknown as ApiResponse));
    this.http2.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    this.listener = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      // The HTTP/1.1 server turns Nagle off on its sockets, but HTTP/2 only ever sees a stream over this one: without
      // this, its small frames wait for delayed ACKs (~40 ms each) and a streamed PRINT crawls at about 1 MB/s.
      socket.setNoDelay(true);
      // A connection that never says anything is not kept for ever (HTTP's own timeouts start after this).
      socket.setTimeout(FIRST_BYTES_TIMEOUT_MS, () => socket.destroy());
      let head: Buffer = Buffer.alloc(0);
      const decide = (chunk: Buffer) => {
        head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
        const n = Math.min(head.length, H2_PREFACE.length);
        const preface = head.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
        // 'P' (or 'PRI * HTTP/2.0' cut short) may begin either protocol: the next bytes tell.
        if (preface && head.length < H2_PREFACE.length) {
          socket.once('data', decide);
          return;
        }
        socket.setTimeout(0);
        socket.pause();
        if (preface) {
          // HTTP/2 reads a net.Socket's native handle, past what was read here already: it gets a stream over it.
          this.http2.emit('connection', streamOver(socket, head));
        } else {
          socket.unshift(head);
          this.http.emit('connection', socket);
          socket.resume();
        }
      };
      socket.once('data', decide);
    });
    // One frame per socket per turn of the event loop (not every frame of a chunk at once): a client that
    // pipelines thousands of requests takes turns with the others instead of holding the loop.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: maxBytes, allowSynchronousEvents: false });
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
      this.listener.once('error', reject);
      this.listener.listen(this.o.port, this.o.host, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    return this.listener.address() as AddressInfo;
  }

  /** Closes every WebSocket (1001 going away) and stops listening. */
  async stop(): Promise<void> {
    this.feed.stop();
    clearInterval(this.historyTimer);
    this.o.engine.flushHistory();
    for (const ws of this.wss.clients) ws.close(1001, 'the server is stopping');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // Open /query streams end as a LIMIT would end them (the last chunk written) before their sockets are closed.
    abortQuietly(this.stopping);
    await Promise.race([Promise.all(this.streams.running), new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    for (const session of this.sessions) session.close();
    // Idle keep-alive connections would hold the port open until they time out: end them (after what is queued).
    for (const socket of this.sockets) socket.end();
    // A client that does not read would hold the stop for the 30 s close handshake: after a short grace, cut it.
    const grace = setTimeout(() => {
      for (const ws of this.wss.clients) ws.terminate();
      for (const socket of this.sockets) socket.destroy();
    }, STOP_GRACE_MS);
    await closed;
    clearTimeout(grace);
  }

  private authorised(req: Pick<IncomingMessage, 'headers'>): boolean {
    return this.o.token === undefined || hasToken(req.headers, this.o.token);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Any other upgrade (curl --http2 asks for h2c) may be ignored (RFC 9110 §7.8): answered as HTTP/1.1.
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') return this.ignoreUpgrade(req, socket, head);
    const path = (req.url ?? '/').split('?')[0];
    const refuse = (err: SluiceError) => {
      const body = JSON.stringify(genericError(err));
      const status = httpStatus(err.errorCode);
      socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${status === 401 ? 'www-authenticate: Bearer\r\n' : ''}\r\n${body}`);
    };
    if (!this.authorised(req)) return refuse(unauthorised());
    if (path !== '/ws') return refuse(new SluiceError('NOT_FOUND', `no WebSocket endpoint at ${path}; it is /ws`));
    // Checked here so a broken handshake gets the same JSON error as everything else (ws would answer plain text).
    const problem = handshakeProblem(req);
    if (problem) return refuse(new SluiceError('BAD_REQUEST', `not a WebSocket handshake: ${problem}`));
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Serves a request that asked to upgrade to something else as a plain HTTP/1.1 request, then closes. */
  private ignoreUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as net.Socket);
    res.once('finish', () => {
      res.detachSocket(socket as net.Socket);
      socket.end();
    });
    if (req.headers['transfer-encoding'] !== undefined) {
      const body = JSON.stringify(genericError(new SluiceError('BAD_REQUEST', 'a request that asks to upgrade must give its body with content-length')));
      res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    // The HTTP parser stopped at the headers: the body is what it read past them, then the rest of the socket.
    const length = Number(req.headers['content-length'] ?? 0);
    const body = async function* (): AsyncGenerator<Buffer> {
      let left = Number.isFinite(length) ? length : 0;
      if (left > 0 && head.length > 0) {
        yield head.subarray(0, left);
        left -= Math.min(left, head.length);
      }
      if (left <= 0) return;
      for await (const chunk of socket as AsyncIterable<Buffer>) {
        yield chunk.subarray(0, left);
        left -= Math.min(left, chunk.length);
        if (left <= 0) return;
      }
    };
    this.serve(Object.assign(Readable.from(body()), { url: req.url, method: req.method, headers: req.headers }), res);
  }
}

/** A plain stream over a socket whose first bytes were already read. */
function streamOver(socket: net.Socket, first: Buffer): Duplex {
  const stream = new DuplexStream({
    read: () => socket.resume(),
    write: (chunk: Buffer, _encoding, done) => socket.write(chunk, done),
    final: (done) => socket.end(done),
    destroy: (err, done) => {
      socket.destroy(err ?? undefined);
      done(err);
    },
  });
  stream.push(first);
  socket.on('data', (d: Buffer) => {
    if (!stream.push(d)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.resume();
  return stream;
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found' };

/** What makes an upgrade request not a WebSocket handshake (RFC 6455 §4.2.1), or undefined. */
function handshakeProblem(req: IncomingMessage): string | undefined {
  if (req.method !== 'GET') return `the method must be GET, not ${req.method}`;
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !/^[+/0-9A-Za-z]{22}==$/.test(key)) return 'Sec-WebSocket-Key must be 16 bytes in base64';
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'Sec-WebSocket-Version must be 13';
  return undefined;
}

function unauthorised(): SluiceError {
  return new SluiceError('UNAUTHORIZED', 'this server needs a bearer token: Authorization: Bearer <token>');
}
