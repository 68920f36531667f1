import type { WebSocket } from 'ws';
import { printRecord, printRecords } from '../cli/print-stream.js';
import type { Engine } from '../engine/engine.js';
import { isError, type Entity, type PrintEntity } from '../engine/results.js';
import { Session } from '../engine/session.js';
import { SluiceError, toSluiceError } from '../errors/base.js';
import type { Log } from '../platform/log.js';
import type { Logger } from '../runtime/logger.js';
import type { SecretRedactor } from '../sql/secret-redactor.js';
import { genericError, type GenericError } from './errors.js';
import type { GroupCommit } from './group-commit.js';
import { applyProperties, applyVariables, isObject } from './request.js';
import type { FeedEvent, StatusFeed } from './status-feed.js';
import { abortQuietly } from '../runtime/abort-quietly.js';

export interface WsSessionOptions {
  engine: Engine;
  /** Statements of all sockets are committed in groups. */
  commits: GroupCommit;
  /** The log PRINT reads; without one PRINT ends at once. */
  log: Log | undefined;
  feed: StatusFeed;
  logger: Logger;
  /** Above this many bytes waiting to go out, streams wait and metrics are skipped. */
  highWaterBytes: number;
  /** Beyond this, the client is not reading at all: the socket is closed (1008). */
  maxBufferedBytes: number;
  /** With this many requests of a socket unanswered, the server reads no more of its frames until half are. Default 256. */
  maxOpenRequests?: number;
}

const RECHECK_MS = 10;
/** Close codes ws gives when it cannot read a frame (RFC 6455 §7.4.1): protocol error, bad UTF-8, too big. */
const READER_FAILURES = new Set([1002, 1007, 1009]);
/** How long a failed socket waits for the answers it owes. */
const FAILED_READ_GRACE_MS = 30_000;
/** A close frame's reason fits in 123 bytes. */
const MAX_REASON_BYTES = 120;

type RequestId = string | number;

/**
 * One WebSocket connection: a session (DEFINE and SET last as long as the socket), its requests answered in
 * order, PRINT streams running beside them until LIMIT or cancel, and status pushes when subscribed. Every frame
 * is JSON text; a frame that is not understood gets an error frame and the socket stays open.
 */
export class WsSession {
  private readonly session = new Session({ origin: 'ws' });
  private readonly streams = new Map<RequestId, AbortController>();
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  /** Requests of this socket waiting for the group commit. */
  private waiting = 0;
  /** Ids of requests not answered yet: an id names one request at a time. */
  private readonly open = new Set<RequestId>();
  /** Not reading the socket's frames: its answers back up, or too many of its requests wait. */
  private held = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly o: WsSessionOptions,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.close());
    socket.on('error', (err) => {
      o.logger.debug(`websocket: ${err.message}`);
      if (this.failedRead) this.failedRead.reason = err.message;
    });
    this.answerBeforeFailing();
  }

  /** Set when ws's reader failed (a frame over the limit…) and its close waits for the answers still owed. */
  private failedRead: { code: number; reason: string; close: () => void } | undefined;

  /**
   * ws closes the socket the moment its reader fails — 1009 for a frame over maxPayload (found from the frame's
   * header, before it is read), 1002 or 1007 for a broken frame — and what is sent after that is dropped. A request
   * taken before the bad frame would then run (a CREATE creates its connector) and its answer be lost. ws stops
   * reading before it closes, so nothing new is taken; the close waits until the answers owed have gone out.
   */
  private answerBeforeFailing(): void {
    const close = this.socket.close.bind(this.socket);
    this.socket.close = (code?: number, reason?: string | Buffer) => {
      if (this.failedRead || !READER_FAILURES.has(code ?? 0) || this.open.size === 0) return close(code, reason);
      const failed = {
        code: code!,
        reason: reason === undefined ? '' : reason.toString(),
        close: () => {
          clearTimeout(timer);
          close(failed.code, failed.reason.slice(0, MAX_REASON_BYTES));
        },
      };
      // A commit that never ends must not keep the socket open for ever.
      const timer = setTimeout(failed.close, FAILED_READ_GRACE_MS);
      timer.unref();
      this.failedRead = failed;
    };
  }

  /** A request was answered: if ws's reader failed and this was the last answer owed, the socket closes now. */
  private answered(id: RequestId): void {
    this.open.delete(id);
    if (this.failedRead && this.open.size === 0) this.failedRead.close();
  }

  private close(): void {
    this.closed = true;
    for (const s of this.streams.values()) abortQuietly(s);
    this.streams.clear();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private receive(data: unknown, isBinary: boolean): void {
    let frame: unknown;
    try {
      if (isBinary) throw new SluiceError('BAD_REQUEST', 'frames must be JSON text, not binary');
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data as Buffer[]).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      try {
        frame = JSON.parse(text) as unknown;
      } catch (err) {
        throw new SluiceError('BAD_REQUEST', `the frame is not JSON: ${(err as Error).message}`);
      }
      this.handle(frame);
    } catch (err) {
      const id = isObject(frame) && isId(frame['id']) ? frame['id'] : undefined;
      this.send(id === undefined ? { error: errorOf(err, this.o.engine.redactor) } : { id, error: errorOf(err, this.o.engine.redactor) });
    }
    this.holdIfBehind();
  }

  /**
   * Input flow control. A client that pipelines requests without reading the answers would otherwise make the
   * server buffer answers (and queue requests) without bound while every other client waits: its frames are not
   * read — TCP then stops the client — until its answers have gone out and most of its requests are answered.
   * (Fairness between sockets comes from the WebSocket server handing over one frame per socket per turn.)
   */
  private holdIfBehind(): void {
    const maxOpen = this.o.maxOpenRequests ?? 256;
    const behind = () => this.socket.bufferedAmount > this.o.highWaterBytes || this.open.size >= maxOpen;
    if (this.held || this.closed || !behind()) return;
    this.held = true;
    this.socket.pause();
    const check = () => {
      if (this.closed) return;
      if (this.socket.bufferedAmount > this.o.highWaterBytes || this.open.size > maxOpen / 2) {
        setTimeout(check, RECHECK_MS).unref();
        return;
      }
      this.held = false;
      this.socket.resume();
    };
    setTimeout(check, RECHECK_MS).unref();
  }

  private handle(frame: unknown): void {
    if (!isObject(frame)) throw new SluiceError('BAD_REQUEST', 'a frame must be a JSON object');
    const id = frame['id'];
    if (id !== undefined && !isId(id)) throw new SluiceError('BAD_REQUEST', "'id' must be a string or a number");
    if ('subscribe' in frame || 'unsubscribe' in frame) return this.subscription(frame, id);
    if (frame['cancel'] !== undefined) {
      if (frame['cancel'] !== true) throw new SluiceError('BAD_REQUEST', "'cancel' must be true");
      if (id === undefined) throw new SluiceError('BAD_REQUEST', "a cancel names the request: give its 'id'");
      const stream = this.streams.get(id);
      if (!stream) throw new SluiceError('BAD_REQUEST', `no stream with id ${JSON.stringify(id)} is running`);
      abortQuietly(stream);
      return;
    }
    if ('sql' in frame) {
      if (id === undefined) throw new SluiceError('BAD_REQUEST', "a request needs an 'id' (a string or a number) to answer it by");
      if (typeof frame['sql'] !== 'string') throw new SluiceError('BAD_REQUEST', "'sql' must be a string of statements");
      const unknown = Object.keys(frame).filter((k) => !['id', 'sql', 'variables', 'properties', 'script', 'onError'].includes(k));
      if (unknown.length > 0) {
        throw new SluiceError('BAD_REQUEST', `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} (a request has id, sql, variables, properties, onError, script)`);
      }
      const onError = frame['onError'] ?? 'stop';
      if (onError !== 'stop' && onError !== 'continue') throw new SluiceError('BAD_REQUEST', "'onError' is \"stop\" (the default) or \"continue\"");
      const script = frame['script'];
      if (script !== undefined && (!isObject(script) || (script['file'] !== undefined && typeof script['file'] !== 'string'))) {
        throw new SluiceError('BAD_REQUEST', "'script' must be an object, with an optional 'file' name for error locations");
      }
      return this.execute(id, frame['sql'], frame['variables'], frame['properties'], script as { file?: string } | undefined, onError === 'continue');
    }
    throw new SluiceError('UNKNOWN_REQUEST', 'a frame is a request {"id", "sql"}, a cancel {"id", "cancel": true} or {"subscribe": "status"}');
  }

  private subscription(frame: Record<string, unknown>, id: RequestId | undefined): void {
    const extra = Object.keys(frame).filter((k) => !['id', 'subscribe', 'unsubscribe'].includes(k));
    if (extra.length > 0 || ('subscribe' in frame && 'unsubscribe' in frame)) {
      throw new SluiceError('BAD_REQUEST', 'a subscription is {"subscribe": "status"} or {"unsubscribe": "status"}, with an optional "id", and nothing else');
    }
    const what = frame['subscribe'] ?? frame['unsubscribe'];
    if (what !== 'status') throw new SluiceError('BAD_REQUEST', `only "status" can be subscribed to, not ${JSON.stringify(what)}`);
    const reply = (m: Record<string, unknown>) => this.send(id === undefined ? m : { id, ...m });
    if ('unsubscribe' in frame) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      reply({ unsubscribed: 'status' });
      return;
    }
    if (!this.unsubscribe) this.unsubscribe = this.o.feed.subscribe((e) => this.push(e));
    reply({ subscribed: 'status' });
    // Where things stand, so a client does not have to ask first.
    for (const e of this.o.feed.current()) this.send(e);
  }

  private push(e: FeedEvent): void {
    // Metrics come again in a few seconds: a client that is behind skips them rather than buffering them.
    if (e.event === 'metrics' && this.socket.bufferedAmount > this.o.highWaterBytes) return;
    this.send(e);
  }

  private execute(id: RequestId, sql: string, variables: unknown, properties: unknown, script: { file?: string } | undefined, goOn: boolean): void {
    if (this.streams.has(id) || this.open.has(id)) throw new SluiceError('BAD_REQUEST', `a request or stream with id ${JSON.stringify(id)} is still running`);
    // Checked now (a bad one is refused at once), applied when the request runs, after those queued before it.
    applyVariables(this.session.clone(), variables, 'variables');
    applyProperties(this.session.clone(), properties, 'properties', false);
    const prepare = () => {
      applyVariables(this.session, variables, 'variables');
      applyProperties(this.session, properties, 'properties', false);
    };
    this.open.add(id);
    if (script) return this.runScript(id, sql, script.file, prepare);
    // Reads are answered at once — unless this socket has statements waiting for the group commit, which must
    // come first (a DESCRIBE after an ALTER sees the ALTER).
    if (this.waiting === 0 && this.o.engine.readOnly(sql)) {
      prepare();
      this.answer(id, this.o.engine.execute(sql, this.session, { stopOnError: !goOn }), undefined, goOn);
      return;
    }
    let entities: Entity[] = [];
    this.waiting += 1;
    this.o.commits.submit(
      () => {
        prepare();
        entities = this.o.engine.execute(sql, this.session, { stopOnError: !goOn });
      },
      (failure) => {
        this.waiting -= 1;
        this.answer(id, failure === undefined ? entities : undefined, failure, goOn);
      },
    );
  }

  /**
   * `sluice run --server`: the whole text validated first and executed only if every statement passed, as `run`
   * does; the answer holds every entity, errors included, and whether anything was executed.
   */
  private runScript(id: RequestId, sql: string, file: string | undefined, prepare: () => void): void {
    let outcome: ReturnType<Engine['run']> | undefined;
    this.waiting += 1;
    this.o.commits.submit(
      () => {
        prepare();
        outcome = this.o.engine.run(sql, this.session, file === undefined ? {} : { file });
      },
      (failure) => {
        this.waiting -= 1;
        if (failure !== undefined || !outcome) this.send({ id, error: errorOf(failure, this.o.engine.redactor) });
        else {
          this.send({ id, results: outcome.entities, executed: outcome.executed });
          this.streamPrints(id, outcome.entities);
        }
        this.answered(id);
      },
    );
  }

  private answer(id: RequestId, entities: Entity[] | undefined, failure: unknown, goOn: boolean): void {
    const frame = this.answerFrame(id, entities, failure, goOn);
    this.send(frame);
    if (entities && 'results' in frame) this.streamPrints(id, entities);
    this.answered(id);
  }

  private answerFrame(id: RequestId, entities: Entity[] | undefined, failure: unknown, goOn: boolean): Record<string, unknown> {
    if (!entities) return { id, error: errorOf(failure, this.o.engine.redactor) };
    const failed = entities.findIndex(isError);
    // onError "continue" (the shell's way): every statement ran; errors are among the results.
    if (failed >= 0 && !goOn) return { id, error: { ...entities[failed], entities: entities.slice(0, failed) } };
    return { id, results: entities };
  }

  /**
   * PRINT: one frame per record until LIMIT or cancel, then a frame saying it is done. Several PRINTs in one
   * request stream one after the other, as `sluice run` prints them; a cancel ends the current one and skips the
   * rest (each still gets its done frame, so a client waiting for it is not left hanging).
   */
  private streamPrints(id: RequestId, entities: readonly Entity[]): void {
    const prints = entities.filter((e): e is PrintEntity => e['@type'] === 'print_topic');
    if (prints.length === 0) return;
    const ac = new AbortController();
    this.streams.set(id, ac);
    void (async () => {
      try {
        for (const p of prints) {
          let printed = 0;
          if (this.o.log && !ac.signal.aborted) {
            printed = await printRecords(p, this.o.log, async (r) => {
              this.send({ id, row: printRecord(r) });
              await this.drained(ac.signal);
            }, ac.signal);
          }
          this.send({ id, done: true, printed, cancelled: ac.signal.aborted });
        }
      } catch (err) {
        this.send({ id, error: errorOf(err, this.o.engine.redactor) });
      } finally {
        this.streams.delete(id);
      }
    })();
  }

  /** Waits while the client is behind; closes the socket if it stops reading altogether. */
  private async drained(signal: AbortSignal): Promise<void> {
    while (!this.closed && !signal.aborted && this.socket.bufferedAmount > this.o.highWaterBytes) {
      if (this.socket.bufferedAmount > this.o.maxBufferedBytes) {
        this.socket.close(1008, 'the client does not read what it asked for');
        return;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private send(message: Record<string, unknown> | Entity | FeedEvent): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.o.maxBufferedBytes) {
      this.socket.close(1008, 'the client does not read what it asked for');
      return;
    }
    this.socket.send(JSON.stringify(message));
  }
}

function isId(x: unknown): x is RequestId {
  return typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
}

function errorOf(err: unknown, redactor: SecretRedactor): GenericError {
  return genericError(err instanceof SluiceError ? err : toSluiceError(err), redactor);
}
