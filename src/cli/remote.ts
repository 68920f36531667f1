import { WebSocket } from 'ws';
import { Catalog } from '../catalog/catalog.js';
import { Engine } from '../engine/engine.js';
import type { Entity, PrintEntity, StatementErrorEntity } from '../engine/results.js';
import { SluiceError, UsageError, type SluiceErrorOptions } from '../errors/base.js';
import type { LogRecord } from '../platform/log.js';
import type { OutputFormat } from './options.js';
import { printLine } from './print-stream.js';

type Frame = Record<string, unknown>;

/** ws://host:port/ws from what a user types: http(s)://…, ws(s)://…, or host:port. */
export function webSocketUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(server) ? server : `ws://${server}`);
  } catch {
    throw new UsageError('USAGE_ERROR', `--server must be a URL such as http://127.0.0.1:8088, got '${server}'`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError('USAGE_ERROR', `--server must be an http(s) or ws(s) URL, got '${server}'`);
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

/** The message of an error a server sent, if it gave one as text. */
function messageOf(error: unknown, otherwise: string): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : otherwise;
}

/** The server's own test (it answers reads at once, writes with the next commit). */
function onlyReads(sql: string): boolean {
  const catalog = Catalog.inMemory();
  try {
    return new Engine({ catalog }).readOnly(sql);
  } finally {
    catalog.close();
  }
}

/**
 * The shell's and run's side of `sluice serve`'s WebSocket: statements go to the server, the entities that come
 * back are printed by the same printer as in embedded mode, and PRINT rows are read from the socket.
 */
export class RemoteSession {
  private next = 0;
  private readonly answers = new Map<number, (f: Frame) => void>();
  private readonly rows = new Map<number, (f: Frame) => void>();
  private readonly early = new Map<number, Frame[]>();
  /** Which request each PRINT entity came from, so its rows can be found. */
  private readonly printIds = new WeakMap<PrintEntity, number>();
  private closedWith: string | undefined;
  /** Requests this client stopped waiting for (timeout, signal): whatever still comes for them is dropped. */
  private readonly abandoned = new Set<number>();
  /** Requests answered with PRINTs whose streams have not ended: an error frame for one ends its stream. */
  private readonly streaming = new Set<number>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly url: string,
    /** How long to wait for each answer, in ms; 0: no limit. */
    private readonly timeoutMs: number,
  ) {
    ws.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return;
      }
      // Not a frame of the protocol (null, a number, an array…): nothing can be answered by it.
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
      const f = parsed as Frame;
      const id = f['id'] as number;
      // The server ends a PRINT that fails mid-stream with an error frame instead of `done`.
      if ('row' in f || 'done' in f || ('error' in f && !this.answers.has(id) && this.streaming.has(id))) {
        if (this.abandoned.has(id)) return;
        const handler = this.rows.get(id);
        if (handler) handler(f);
        // Rows can arrive before the PRINT's results are printed and its stream is read: kept until then.
        else this.early.set(id, [...(this.early.get(id) ?? []), f]);
      } else {
        // Now, not when the answer is read: its rows and an error ending them may follow in the same chunk.
        if (startsPrints(f)) this.streaming.add(id);
        const handler = this.answers.get(id);
        if (handler) handler(f);
        else if (this.abandoned.has(id)) this.lateAnswer(id, f);
      }
    });
    ws.on('close', (code, reason) => {
      this.closedWith = `the server closed the connection (${code}${reason.length ? ` ${reason.toString()}` : ''})`;
      const lost: Frame = { error: { '@type': 'generic_error', error_code: 50000, code: 'SERVER_UNREACHABLE', message: this.closedWith } };
      for (const f of [...this.answers.values(), ...this.rows.values()]) f({ ...lost, done: true });
    });
  }

  /** requestTimeoutMs (0: none) also bounds the opening handshake, so a server that never upgrades is no hang either. */
  static connect(server: string, token: string | undefined, requestTimeoutMs = 0): Promise<RemoteSession> {
    const url = webSocketUrl(server);
    const ws = new WebSocket(url, {
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      ...(requestTimeoutMs > 0 ? { handshakeTimeout: requestTimeoutMs } : {}),
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RemoteSession(ws, url, requestTimeoutMs)));
      ws.once('unexpected-response', (_req, res) => {
        ws.terminate();
        if (res.statusCode === 401) {
          const why = token ? 'the bearer token given is wrong' : 'it needs a bearer token (--auth-token-file, $SLUICE_AUTH_TOKEN or --auth-token)';
          reject(new SluiceError('UNAUTHORIZED', `the Sluice server at ${url} refused the connection: ${why}`));
          return;
        }
        reject(new SluiceError('SERVER_UNREACHABLE', `cannot use the Sluice server at ${url}: it answered HTTP ${res.statusCode}`));
      });
      ws.once('error', (err) => reject(new SluiceError('SERVER_UNREACHABLE', `cannot reach the Sluice server at ${url}: ${err.message}`)));
    });
  }

  /**
   * Runs statements on the server. As a script (`run`): all validated first, executed only if all pass. With
   * continueOnError (the shell): each in turn, errors among the results. Otherwise in order until one fails; its
   * error comes last among the entities.
   *
   * Waits for the answer no longer than the request timeout (REQUEST_TIMEOUT), and only until `signal` fires
   * (INTERRUPTED). A signal that fired before the request does not count: it ended something earlier, such as
   * a PRINT, after which the shell goes on as the local one does. The server is not told to stop — a statement
   * cannot be cancelled once sent — so a write may still happen; the error says so.
   */
  async execute(
    sql: string,
    opts: { script?: { file?: string }; variables?: Record<string, string>; continueOnError?: boolean; signal?: AbortSignal } = {},
  ): Promise<{ entities: Entity[]; executed: boolean }> {
    const id = this.next++;
    const answer = await new Promise<Frame>((resolve, reject) => {
      if (this.closedWith) return resolve({ error: { '@type': 'generic_error', error_code: 50000, code: 'SERVER_UNREACHABLE', message: this.closedWith } });
      const signal = opts.signal?.aborted ? undefined : opts.signal;
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', interrupt);
        this.answers.delete(id);
      };
      const giveUp = (err: SluiceError) => {
        settle();
        this.abandoned.add(id);
        reject(err);
      };
      const interrupt = () => giveUp(new UnansweredError('INTERRUPTED', `stopped waiting for the answer of the Sluice server at ${this.url}`, !onlyReads(sql)));
      this.answers.set(id, (f) => {
        settle();
        resolve(f);
      });
      if (this.timeoutMs > 0) {
        timer = setTimeout(
          () =>
            giveUp(
              new UnansweredError('REQUEST_TIMEOUT', `the Sluice server at ${this.url} did not answer within ${this.timeoutMs / 1000} s`, !onlyReads(sql), {
                hint: '--request-timeout sets how long to wait; 0 waits without limit',
              }),
            ),
          this.timeoutMs,
        );
      }
      signal?.addEventListener('abort', interrupt, { once: true });
      const request: Frame = { id, sql };
      if (opts.script) request['script'] = opts.script;
      if (opts.continueOnError) request['onError'] = 'continue';
      if (opts.variables && Object.keys(opts.variables).length > 0) request['variables'] = opts.variables;
      this.ws.send(JSON.stringify(request));
    });
    if ('error' in answer) {
      const error = answer['error'] as StatementErrorEntity & { entities?: Entity[] };
      if (typeof error !== 'object' || error === null || error['@type'] !== 'statement_error') {
        throw new SluiceError('SERVER_UNREACHABLE', messageOf(error, 'the server answered with an error it did not explain'));
      }
      if (typeof error.code !== 'string' || typeof error.message !== 'string' || (error.entities !== undefined && !Array.isArray(error.entities))) {
        throw new SluiceError('SERVER_UNREACHABLE', 'the server answered with something that is not a Sluice result');
      }
      const { entities = [], ...rest } = error;
      this.remember(id, entities);
      return { entities: [...entities, rest as StatementErrorEntity], executed: true };
    }
    const results = answer['results'];
    if (!Array.isArray(results) || !results.every((e) => typeof e === 'object' && e !== null && typeof (e as { '@type'?: unknown })['@type'] === 'string')) {
      throw new SluiceError('SERVER_UNREACHABLE', 'the server answered with something that is not a Sluice result');
    }
    const entities = results as Entity[];
    this.remember(id, entities);
    return { entities, executed: answer['executed'] !== false };
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
    if (format === 'table') write('Key format: JSON\nValue format: JSON');
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
            write(format === 'json' ? JSON.stringify(r) : printLine(r));
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
    // A server that left a request unanswered may not answer the closing handshake either, which ws would wait
    // 30 s for.
    if (this.abandoned.size > 0) this.ws.terminate();
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
