import { WebSocket } from 'ws';
import { isReadOnlyScript } from '../engine/engine.js';
import type { Entity, PrintEntity, StatementErrorEntity } from '../engine/results.js';
import { SluiceError, UsageError, type SluiceErrorOptions } from '../errors/base.js';
import type { LogRecord } from '../platform/log.js';
import { Backoff } from '../runtime/backoff.js';
import { MASK, scrubSecrets } from '../connectors/secrets.js';
import { maskUrlSecrets, urlSecrets } from '../connectors/url-secrets.js';
import type { OutputFormat } from './options.js';
import { PrintFormats } from './print-formats.js';
import { printLines } from './print-stream.js';
import { SessionMirror } from './session-mirror.js';

type Frame = Record<string, unknown>;

/** ws://host:port/ws from what a user types: http(s)://…, ws(s)://…, or host:port. */
export function webSocketUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(server) ? server : `ws://${server}`);
  } catch {
    throw new UsageError('USAGE_ERROR', `--server must be a URL such as http://127.0.0.1:8088, got '${maskUrlSecrets(server, MASK)}'`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError('USAGE_ERROR', `--server must be an http(s) or ws(s) URL, got '${maskUrlSecrets(server, MASK)}'`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/ws';
  return url.toString();
}

/** How long a cancelled PRINT waits for the server's `done` before it ends anyway. */
const CANCEL_GRACE_MS = 2000;

/** The client stopped waiting for an answer (REQUEST_TIMEOUT, INTERRUPTED); the server may still be at work on it. */
export class UnansweredError extends SluiceError {
  constructor(
    code: 'REQUEST_TIMEOUT' | 'INTERRUPTED',
    message: string,
    /** The request could change something (not only read): the message says the server may still run it. */
    readonly mayStillRun: boolean,
    options?: SluiceErrorOptions,
  ) {
    super(code, mayStillRun ? `${message}; the server may still run it` : message, options);
  }
}

/** An answer whose results hold PRINTs: their rows follow it. */
function startsPrints(f: Frame): boolean {
  const results = f['results'];
  return Array.isArray(results) && results.some((e) => typeof e === 'object' && e !== null && (e as { '@type'?: unknown })['@type'] === 'print_topic');
}

/** The frame that ends what waits on a connection that is gone. */
function unreachable(message: string): Frame {
  return { error: { '@type': 'generic_error', error_code: 50000, code: 'SERVER_UNREACHABLE', message } };
}

/** The message of an error a server sent, if it gave one as text. */
function messageOf(error: unknown, otherwise: string): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : otherwise;
}

/** The server's URL as messages name it: a password in its userinfo (http://user:pw@host) is a secret like any. */
function shownUrl(url: string): string {
  return maskUrlSecrets(url, MASK);
}

/** Opens the socket; a server that refuses it or cannot be reached is SERVER_UNREACHABLE. */
function open(url: string, token: string | undefined, handshakeMs: number): Promise<WebSocket> {
  const shown = shownUrl(url);
  const ws = new WebSocket(url, {
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    ...(handshakeMs > 0 ? { handshakeTimeout: handshakeMs } : {}),
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      if (res.statusCode === 401) {
        const why = token ? 'the bearer token given is wrong' : 'it needs a bearer token (--auth-token-file, $SLUICE_AUTH_TOKEN or --auth-token)';
        reject(new SluiceError('UNAUTHORIZED', `the Sluice server at ${shown} refused the connection: ${why}`));
        return;
      }
      reject(new SluiceError('SERVER_UNREACHABLE', `cannot use the Sluice server at ${shown}: it answered HTTP ${res.statusCode}`));
    });
    ws.once('error', (err) => reject(new SluiceError('SERVER_UNREACHABLE', `cannot reach the Sluice server at ${shown}: ${scrubSecrets(err.message, urlSecrets(url))}`)));
  });
}

/** What a remote shell does when the connection drops: it connects again and says so. */
export interface ReconnectOptions {
  /** Status lines ('connection lost, reconnecting…', 'reconnected'), for stderr. */
  notice: (line: string) => void;
  /** Longest wait between two attempts, in ms. Default 5 s. */
  maxDelayMs?: number;
}

/** A request waiting for its answer. */
interface Pending {
  frame: Frame;
  /** Only reads: after a lost connection it is sent again rather than reported as failed. */
  readOnly: boolean;
  /** Handed to a socket (a request never sent did not run). */
  sent: boolean;
  answer: (f: Frame) => void;
}

/** Waits between reconnection attempts: jittered, doubling from 300 ms, never longer than the cap. */
function reconnectBackoff(maxDelayMs: number): Backoff {
  return new Backoff({ timeoutMs: -1, maxDelayMs, jitter: 0.5 });
}

/** How long one reconnection attempt may take without a request timeout to bound it. */
const RECONNECT_HANDSHAKE_MS = 10_000;

/**
 * The shell's and run's side of `sluice serve`'s WebSocket: statements go to the server, the entities that come
 * back are printed by the same printer as in embedded mode, and PRINT rows are read from the socket.
 *
 * With reconnect (the shell), a connection that drops — the server restarted (1001), or the socket was cut — is
 * opened again in the background, with backoff, and the session's DEFINEs and SETs are sent again with the first
 * request on it. A read that was waiting for its answer is sent again; any other statement is reported as failed
 * with a warning that it may or may not have run, never sent twice.
 */
export class RemoteSession {
  private next = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly rows = new Map<number, (f: Frame) => void>();
  private readonly early = new Map<number, Frame[]>();
  /** Which request each PRINT entity came from, so its rows can be found. */
  private readonly printIds = new WeakMap<PrintEntity, number>();
  /** Why the connection is gone for good (no reconnect), for every later request. */
  private closedWith: string | undefined;
  /** Why reconnecting stopped for good (the server refuses the token): every later request fails with it. */
  private refused: SluiceError | undefined;
  /** Requests this client stopped waiting for (timeout, signal): whatever still comes for them is dropped. */
  private readonly abandoned = new Set<number>();
  /** Requests answered with PRINTs whose streams have not ended: an error frame for one ends its stream. */
  private readonly streaming = new Set<number>();
  private readonly mirror = new SessionMirror();
  /** While the connection is down and a new one is sought: requests wait to be sent. */
  private reconnecting = false;
  /** The next request sent carries the session's state (a new connection has an empty session). */
  private replay = false;
  private closing = false;
  private retryTimer: NodeJS.Timeout | undefined;

  private constructor(
    private ws: WebSocket,
    private readonly url: string,
    private readonly token: string | undefined,
    /** How long to wait for each answer, in ms; 0: no limit. */
    private readonly timeoutMs: number,
    private readonly reconnect: ReconnectOptions | undefined,
  ) {
    this.attach(ws);
  }

  /** requestTimeoutMs (0: none) also bounds the opening handshake, so a server that never upgrades is no hang either. */
  static async connect(server: string, token: string | undefined, requestTimeoutMs = 0, reconnect?: ReconnectOptions): Promise<RemoteSession> {
    const url = webSocketUrl(server);
    return new RemoteSession(await open(url, token, requestTimeoutMs), url, token, requestTimeoutMs, reconnect);
  }

  private attach(ws: WebSocket): void {
    ws.on('message', (data) => this.receive(data.toString()));
    ws.on('close', (code, reason) => {
      if (ws !== this.ws) return;
      const why = `${code}${reason.length ? ` ${reason.toString()}` : ''}`;
      if (this.reconnect && !this.closing) return this.lost(why, code);
      this.closedWith = `the server closed the connection (${why})`;
      const lost: Frame = unreachable(this.closedWith);
      for (const p of [...this.pending.values()]) p.answer({ ...lost, done: true });
      for (const f of [...this.rows.values()]) f({ ...lost, done: true });
    });
    // A refused or cut connection also closes: that is where it is handled.
    ws.on('error', () => undefined);
  }

  private receive(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    // Not a frame of the protocol (null, a number, an array…): nothing can be answered by it.
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
    const f = parsed as Frame;
    const id = f['id'] as number;
    // The server ends a PRINT that fails mid-stream with an error frame instead of `done`.
    if ('row' in f || 'done' in f || ('error' in f && !this.pending.has(id) && this.streaming.has(id))) {
      if (this.abandoned.has(id)) return;
      const handler = this.rows.get(id);
      if (handler) handler(f);
      // Rows can arrive before the PRINT's results are printed and its stream is read: kept until then.
      else this.early.set(id, [...(this.early.get(id) ?? []), f]);
    } else {
      // Now, not when the answer is read: its rows and an error ending them may follow in the same chunk.
      if (startsPrints(f)) this.streaming.add(id);
      const p = this.pending.get(id);
      if (p) p.answer(f);
      else if (this.abandoned.has(id)) this.lateAnswer(id, f);
    }
  }

  /**
   * The connection dropped. What was waiting on it is settled — reads wait to be sent again, other statements
   * fail (they may have run), PRINTs end — and a new connection is sought in the background.
   */
  private lost(why: string, code: number): void {
    this.reconnect!.notice(`sluice: the connection to the Sluice server at ${shownUrl(this.url)} was lost (${why}); reconnecting…`);
    for (const [id, p] of [...this.pending]) {
      // The server answers what it took before it closes for a frame over its limit: what is left unanswered is
      // that frame, which did not run and would only be refused again.
      if (code === 1009 && p.sent) {
        p.answer({ id, lost: `the request is over the Sluice server's size limit (${why}); it was not run`, code: 'REQUEST_TOO_LARGE' });
        continue;
      }
      if (p.readOnly) {
        p.sent = false;
        continue;
      }
      if (!p.sent) continue;
      p.answer({
        id,
        lost: `the connection to the Sluice server at ${shownUrl(this.url)} was lost (${why}) before it answered: the statement may or may not have run`,
      });
    }
    const ended: Frame = unreachable(`the connection to the Sluice server was lost (${why})`);
    for (const f of [...this.rows.values()]) f({ ...ended, done: true });
    this.streaming.clear();
    this.early.clear();
    this.abandoned.clear();
    this.replay = true;
    this.reconnecting = true;
    const backoff = reconnectBackoff(this.reconnect!.maxDelayMs ?? 5000);
    const attempt = async () => {
      this.retryTimer = undefined;
      if (this.closing) return;
      try {
        const ws = await open(this.url, this.token, this.timeoutMs > 0 ? Math.min(this.timeoutMs, RECONNECT_HANDSHAKE_MS) : RECONNECT_HANDSHAKE_MS);
        if (this.closing) return void ws.terminate();
        this.ws = ws;
        this.attach(ws);
        this.reconnecting = false;
        this.reconnect!.notice(`sluice: reconnected to the Sluice server at ${shownUrl(this.url)}`);
        // What waited for the connection goes now, in the order it was asked (the map's order: ids are set as they are taken).
        for (const p of [...this.pending.values()]) this.send(p);
      } catch (err) {
        // A server that is back but refuses the token will refuse it on every attempt: trying for ever would hide that.
        if (err instanceof SluiceError && err.code === 'UNAUTHORIZED') return this.giveUp(err);
        this.retryTimer = setTimeout(() => void attempt(), backoff.next() ?? 0);
      }
    };
    this.retryTimer = setTimeout(() => void attempt(), backoff.next() ?? 0);
  }

  /** No more reconnecting: what waits and whatever is asked later fails with why. */
  private giveUp(err: SluiceError): void {
    this.reconnecting = false;
    this.refused = err;
    this.reconnect!.notice(`sluice: ${err.message}; not reconnecting`);
    for (const p of [...this.pending.values()]) p.answer({ id: p.frame['id'], lost: `${err.message}; the statement was not sent`, code: err.code });
  }

  /** Hands a request to the socket, with the session's state first if this connection has not had it yet. */
  private send(p: Pending): void {
    if (this.reconnecting || this.ws.readyState !== WebSocket.OPEN) return;
    const frame = { ...p.frame };
    if (this.replay) {
      const state = this.mirror.snapshot();
      if (state.variables) frame['variables'] = { ...state.variables, ...((frame['variables'] as Record<string, string> | undefined) ?? {}) };
      if (state.properties) frame['properties'] = state.properties;
      this.replay = false;
    }
    p.sent = true;
    this.ws.send(JSON.stringify(frame));
  }

  /**
   * Runs statements on the server. As a script (`run`): all validated first, executed only if all pass. With
   * continueOnError (the shell): each in turn, errors among the results. Otherwise in order until one fails; its
   * error comes last among the entities.
   *
   * Waits for the answer no longer than the request timeout (REQUEST_TIMEOUT), and only until `signal` fires
   * (INTERRUPTED). A signal that fired before the request does not count: it ended something earlier, such as
   * a PRINT, after which the shell goes on as the local one does. The server is not told to stop — a statement
   * cannot be cancelled once sent — so a write may still happen; the error says so. While the connection is being
   * made again the request waits for it, within the same limits.
   */
  async execute(
    sql: string,
    opts: { script?: { file?: string }; variables?: Record<string, string>; continueOnError?: boolean; signal?: AbortSignal } = {},
  ): Promise<{ entities: Entity[]; executed: boolean }> {
    const id = this.next++;
    // The server's own test (it answers reads at once, writes with the next commit).
    const readOnly = isReadOnlyScript(sql);
    const answer = await new Promise<Frame>((resolve, reject) => {
      if (this.refused) return reject(this.refused);
      if (this.closedWith) return resolve(unreachable(this.closedWith));
      const signal = opts.signal?.aborted ? undefined : opts.signal;
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', interrupt);
        this.pending.delete(id);
      };
      // A request that never left this process cannot have run.
      const mayRun = () => !readOnly && pending.sent;
      const giveUp = (err: SluiceError) => {
        if (pending.sent) this.abandoned.add(id);
        settle();
        reject(err);
      };
      const interrupt = () => giveUp(new UnansweredError('INTERRUPTED', `stopped waiting for the answer of the Sluice server at ${shownUrl(this.url)}`, mayRun()));
      const request: Frame = { id, sql };
      if (opts.script) request['script'] = opts.script;
      if (opts.continueOnError) request['onError'] = 'continue';
      if (opts.variables && Object.keys(opts.variables).length > 0) request['variables'] = opts.variables;
      const pending: Pending = {
        frame: request,
        readOnly,
        sent: false,
        answer: (f) => {
          settle();
          resolve(f);
        },
      };
      this.pending.set(id, pending);
      if (this.timeoutMs > 0) {
        timer = setTimeout(
          () =>
            giveUp(
              new UnansweredError(
                'REQUEST_TIMEOUT',
                pending.sent ? `the Sluice server at ${shownUrl(this.url)} did not answer within ${this.timeoutMs / 1000} s` : `could not reconnect to the Sluice server at ${shownUrl(this.url)} within ${this.timeoutMs / 1000} s; the statement was not sent`,
                mayRun(),
                { hint: '--request-timeout sets how long to wait; 0 waits without limit' },
              ),
            ),
          this.timeoutMs,
        );
      }
      signal?.addEventListener('abort', interrupt, { once: true });
      this.send(pending);
    });
    if ('lost' in answer) {
      if (answer['code'] === 'REQUEST_TOO_LARGE' || answer['code'] === 'UNAUTHORIZED') throw new SluiceError(answer['code'], String(answer['lost']));
      throw new SluiceError('CONNECTION_LOST', String(answer['lost']), { hint: 'SHOW CONNECTORS or DESCRIBE CONNECTOR tells what the server has now' });
    }
    if ('error' in answer) {
      const error = answer['error'] as StatementErrorEntity & { entities?: Entity[] };
      if (typeof error !== 'object' || error === null || error['@type'] !== 'statement_error') {
        throw new SluiceError('SERVER_UNREACHABLE', messageOf(error, 'the server answered with an error it did not explain'));
      }
      if (typeof error.code !== 'string' || typeof error.message !== 'string' || (error.entities !== undefined && !Array.isArray(error.entities))) {
        throw new SluiceError('SERVER_UNREACHABLE', 'the server answered with something that is not a Sluice result');
      }
      const { entities = [], ...rest } = error;
      this.answered(id, sql, opts.variables, entities);
      return { entities: [...entities, rest as StatementErrorEntity], executed: true };
    }
    const results = answer['results'];
    if (!Array.isArray(results) || !results.every((e) => typeof e === 'object' && e !== null && typeof (e as { '@type'?: unknown })['@type'] === 'string')) {
      throw new SluiceError('SERVER_UNREACHABLE', 'the server answered with something that is not a Sluice result');
    }
    const entities = results as Entity[];
    this.answered(id, sql, opts.variables, entities);
    return { entities, executed: answer['executed'] !== false };
  }

  /** An answer came: its PRINTs can be streamed, and what it changed in the session is remembered. */
  private answered(id: number, sql: string, variables: Record<string, string> | undefined, entities: readonly Entity[]): void {
    if (variables) this.mirror.define(variables);
    this.mirror.record(sql, entities);
    this.remember(id, entities);
  }

  /**
   * The rows of a PRINT that came back from `execute`, written to `out` as embedded mode writes them, until done
   * or the signal (which cancels it on the server; a server that does not confirm within CANCEL_GRACE_MS is not
   * waited for). While `out` is backed up (a pipe nobody reads) the socket is not read, so the server holds the
   * rows back instead of this process buffering them.
   */
  streamPrint(p: PrintEntity, out: NodeJS.WritableStream, format: OutputFormat, signal: AbortSignal): Promise<void> {
    const id = this.printIds.get(p);
    if (id === undefined) return Promise.resolve();
    const write = (line: string) => {
      if (out.write(`${line}\n`) || this.ws.isPaused) return;
      this.ws.pause();
      out.once('drain', () => this.ws.resume());
    };
    const formats = new PrintFormats();
    return new Promise<void>((resolve, reject) => {
      let grace: NodeJS.Timeout | undefined;
      const end = () => {
        clearTimeout(grace);
        this.rows.delete(id);
        this.streaming.delete(id);
        signal.removeEventListener('abort', cancel);
      };
      const cancel = () => {
        this.ws.send(JSON.stringify({ id, cancel: true }));
        grace = setTimeout(() => {
          end();
          this.abandoned.add(id);
          resolve();
        }, CANCEL_GRACE_MS);
      };
      signal.addEventListener('abort', cancel, { once: true });
      const handle = (f: Frame) => {
        const row = f['row'];
        if (typeof row === 'object' && row !== null && !Array.isArray(row)) {
          const r = row as LogRecord & Record<string, unknown>;
          try {
            write(format === 'json' ? JSON.stringify(r) : printLines(r, formats));
          } catch {
            // A row this client cannot show (a timestamp out of range…): skipped, as one it does not understand.
          }
          return;
        }
        if ('row' in f && !('done' in f)) return; // not a row this client understands
        end();
        // The stream ended because the connection did, or the server said why it could not go on.
        const error = f['error'];
        if (error) reject(new SluiceError('SERVER_UNREACHABLE', messageOf(error, 'the server ended the PRINT with an error')));
        else resolve();
      };
      this.rows.set(id, handle);
      const waiting = this.early.get(id) ?? [];
      this.early.delete(id);
      for (const f of waiting) handle(f);
    });
  }

  close(): void {
    this.closing = true;
    clearTimeout(this.retryTimer);
    this.mirror.close();
    // Nothing is waited for any more (the shell's background refresh of connector names may still be): each
    // request's timer would keep the process alive, after its goodbye, until the request timeout.
    this.closedWith = 'the connection to the Sluice server was closed';
    const closed: Frame = unreachable(this.closedWith);
    for (const p of [...this.pending.values()]) p.answer({ ...closed, id: p.frame['id'] });
    // A server that left a request unanswered may not answer the closing handshake either, which ws would wait
    // 30 s for.
    if (this.abandoned.size > 0 || this.reconnecting) this.ws.terminate();
    else this.ws.close();
  }

  /** An answer nobody waits for any more. Its PRINTs would stream to nobody (without a LIMIT, for ever): cancelled. */
  private lateAnswer(id: number, f: Frame): void {
    if (startsPrints(f)) this.ws.send(JSON.stringify({ id, cancel: true }));
    else this.abandoned.delete(id);
  }

  private remember(id: number, entities: readonly Entity[]): void {
    for (const e of entities) if (e['@type'] === 'print_topic') this.printIds.set(e, id);
  }
}
