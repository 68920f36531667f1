import { randomUUID } from 'node:crypto';
import { PrintFormats } from '../cli/print-formats.js';
import { printLines, printRecords, printText } from '../cli/print-stream.js';
import type { Engine } from '../engine/engine.js';
import { errorEntities } from '../engine/errors.js';
import { isError, type PrintEntity, type StatementErrorEntity } from '../engine/results.js';
import { Session } from '../engine/session.js';
import { SluiceError, toSluiceError } from '../errors/base.js';
import type { Log, LogRecord } from '../platform/log.js';
import { abortQuietly } from '../runtime/abort-quietly.js';
import { maskUnparsedText } from '../sql/mask.js';
import { parseScript, tokenLoc } from '../sql/parse.js';
import type { SecretRedactor } from '../sql/secret-redactor.js';
import { genericError, httpStatus } from './errors.js';
import type { ApiRequest, ApiResponse, HttpApiOptions } from './http-api.js';
import { applyProperties, applyVariables, isObject, readBody } from './request.js';
import { sendJson } from './send-json.js';
import { statementFirstTokens } from './statement-starts.js';

export type QueryPath = '/query' | '/query-stream';

const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';
const JSON_TYPES = ['application/vnd.ksql.v1+json', 'application/json'];
/** ksqlDB's `query.stream.disconnect.check` default: how long a /query stream stays silent before an empty line. */
const HEARTBEAT_MS = 1000;

/**
 * ksqlDB's /query text: the shell's lines, format lines first, and an empty line whenever the topic has been quiet
 * for HEARTBEAT_MS (a proxy does not time the stream out, and a client that vanished is found by the write).
 * 'delimited': ksqlDB's JSON lines, a header object then one array per record. 'json': the same objects as one
 * JSON array, streamed (ksqlDB's /query-stream for a client that takes JSON).
 */
type Form = 'text' | 'delimited' | 'json';

interface Output {
  contentType: string;
  form: Form;
}

const TEXT: Output = { contentType: 'text/plain; charset=utf-8', form: 'text' };
const DELIMITED_LINES: Output = { contentType: DELIMITED, form: 'delimited' };
const JSON_ARRAY: Output = { contentType: 'application/json', form: 'json' };

/**
 * The columns of a PRINT row in the delimited and JSON forms: what the PRINT line shows (key and value as its
 * text, null as null), the record's time in epoch ms, and its offset.
 */
const PRINT_COLUMNS = { columnNames: ['ROWTIME', 'KEY', 'VALUE', 'PARTITION', 'OFFSET'], columnTypes: ['BIGINT', 'STRING', 'STRING', 'INTEGER', 'BIGINT'] };

function printRow(r: LogRecord): unknown[] {
  return [r.timestamp, printText(r.key), printText(r.value), r.partition, r.offset];
}

type Prepared = { ok: true; print: PrintEntity; log: Log } | { ok: false; error: StatementErrorEntity };

/**
 * ksqlDB's streaming endpoints for what Sluice streams: PRINT, one statement per request. POST /query
 * (`{"ksql", "streamsProperties", "sessionVariables"}`) answers the shell's PRINT lines; POST /query-stream
 * (`{"sql", "properties", "sessionVariables"}`) answers ksqlDB's delimited form (JSON lines: a header, then an
 * array per record) or, to a client that prefers JSON, the same as one JSON array. Both run on
 * HTTP/1.1 (chunked) and HTTP/2, until LIMIT or until the client goes. Anything refused is refused before the
 * status line, with the error body and status /ksql would give.
 */
export async function queryEndpoint(path: QueryPath, req: ApiRequest, res: ApiResponse, o: HttpApiOptions): Promise<void> {
  // Listening before the first await: a client that leaves while its request is read or checked must not leave a
  // stream reading the log for nobody.
  const gone = new AbortController();
  const leave = () => abortQuietly(gone);
  res.once('close', leave);
  try {
    const request = parseRequest(path, await readBody(req, o.maxBodyBytes));
    const session = new Session({ origin: 'rest' });
    applyVariables(session, request.variables, 'sessionVariables');
    applyProperties(session, request.properties, request.propertiesField, true);
    const prepared = await preparePrint(request.sql, session, o.engine, o.runtime?.log);
    if (!prepared.ok) return sendJson(res, httpStatus(prepared.error.error_code), { ...prepared.error, entities: [] });
    const output = outputFor(path, req.headers.accept);
    const running = stream(res, prepared.print, prepared.log, output, o.engine.redactor, gone.signal, o.streams.stopping);
    o.streams.running.add(running);
    try {
      await running;
    } finally {
      o.streams.running.delete(running);
    }
  } finally {
    res.off('close', leave);
  }
}

interface QueryRequest {
  sql: string;
  variables: unknown;
  properties: unknown;
  propertiesField: string;
}

function parseRequest(path: QueryPath, text: string): QueryRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new SluiceError('BAD_REQUEST', `the body is not JSON: ${(err as Error).message}`);
  }
  const field = path === '/query' ? 'ksql' : 'sql';
  const sql = isObject(body) ? body[field] : undefined;
  if (!isObject(body) || typeof sql !== 'string') throw new SluiceError('BAD_REQUEST', `the body must be a JSON object with "${field}": "PRINT <topic> …;"`);
  const propertiesField = path === '/query' ? 'streamsProperties' : 'properties';
  return { sql, variables: body['sessionVariables'], properties: body[propertiesField], propertiesField };
}

/**
 * The request's one PRINT, run through the engine as the shell runs it, and its topic. Nothing else is run: a
 * statement that is not PRINT is refused before the engine sees it.
 */
async function preparePrint(text: string, session: Session, engine: Engine, log: Log | undefined): Promise<Prepared> {
  const items = parseScript(text);
  const first = items[0];
  if (!first) throw new SluiceError('BAD_REQUEST', 'there is no statement: send one PRINT statement');
  const source = first.ok ? first.statement.source : first.source;
  const refuse = (err: SluiceError, statementText: string): Prepared => ({
    ok: false,
    error: errorEntities(err, maskUnparsedText(statementText), source, engine.redactor)[0]!,
  });
  // Where each statement of the text begins, for errors that point at a whole statement.
  const starts = statementFirstTokens(text).map((t) => tokenLoc(t));
  if (items.length > 1) {
    return refuse(new SluiceError('MULTIPLE_STATEMENTS', `expected exactly one statement, found ${items.length}: a stream answers one PRINT`, { loc: starts[1] }), text.trim());
  }
  const statementText = first.ok ? first.statement.text : first.text;
  const word = (/^[A-Za-z_][A-Za-z0-9_]*/.exec(statementText)?.[0] ?? '').toUpperCase();
  // A SELECT, INSERT, CREATE STREAM… does not parse: its UNSUPPORTED_STATEMENT comes from the engine below, as on
  // every other path.
  if (first.ok && word !== 'PRINT') {
    return refuse(new SluiceError('UNSUPPORTED_STATEMENT', `${word} does not stream: /query and /query-stream take PRINT`, { loc: starts[0], hint: `send ${word} statements to POST /ksql` }), statementText);
  }
  const [entity] = engine.execute(text, session, { stopOnError: true });
  if (entity && isError(entity)) return { ok: false, error: entity };
  if (!first.ok || entity?.['@type'] !== 'print_topic') throw new SluiceError('INTERNAL_ERROR', `PRINT gave ${entity?.['@type'] ?? 'nothing'}`);
  const topic = entity.topic;
  // As ksqlDB's /query: a topic that does not exist is an error, not a wait (the shell and /ws wait for it).
  const topicToken = first.statement.tokens[1];
  const topicLoc = topicToken ? tokenLoc(topicToken) : first.statement.loc;
  if (!log) return refuse(new SluiceError('TOPIC_NOT_FOUND', `topic '${entity.topic}' does not exist: this server runs no connectors`, { loc: topicLoc }), statementText);
  let exists: boolean;
  try {
    exists = (await log.describeTopic(topic)) !== undefined;
  } catch (err) {
    return refuse(toSluiceError(err).withLoc(topicLoc), statementText);
  }
  if (!exists) {
    const alike = (await log.listTopics()).map((t) => t.name).filter((n) => n.toLowerCase() === topic.toLowerCase());
    const hint = alike.length > 0 ? `did you mean ${alike.map((n) => `\`${n}\``).join(' or ')}?` : undefined;
    return refuse(new SluiceError('TOPIC_NOT_FOUND', `topic '${entity.topic}' does not exist (topic names are case-sensitive)`, { loc: topicLoc, hint }), statementText);
  }
  return { ok: true, print: entity, log };
}

/**
 * ksqlDB's choice of answer. /query is its text stream whenever the client takes JSON (its route for the JSON
 * types comes first), and the delimited form only when asked for that alone. /query-stream answers delimited
 * unless the client prefers JSON, which it then gets as one array; one that takes neither gets 406.
 */
function outputFor(path: QueryPath, accept: string | undefined): Output {
  const given = accept?.trim() ? accept : undefined;
  if (path === '/query') {
    return given !== undefined && negotiate(given, JSON_TYPES) === undefined && negotiate(given, [DELIMITED]) !== undefined ? DELIMITED_LINES : TEXT;
  }
  if (given === undefined) return DELIMITED_LINES;
  // The delimited form first among equals: '*/*' gets it, as ksqlDB's own clients expect.
  const chosen = negotiate(given, [DELIMITED, 'application/json']);
  if (chosen === DELIMITED) return DELIMITED_LINES;
  if (chosen === 'application/json') return JSON_ARRAY;
  throw new SluiceError('NOT_ACCEPTABLE', `PRINT on /query-stream answers ${DELIMITED} (JSON lines) or application/json, which Accept: ${given} does not allow`);
}

/** The first of `offered` the Accept header takes, in the client's order of preference (q, then position). */
function negotiate(accept: string, offered: readonly string[]): string | undefined {
  const ranges = accept
    .split(',')
    .map((part, i) => {
      const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
      return { range, q: Number.isNaN(q) ? 1 : q, i };
    })
    .filter((r) => r.range !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { range } of ranges) {
    const hit = offered.find((t) => range === t || range === '*/*' || (range.endsWith('/*') && t.startsWith(range.slice(0, -1))));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The records, as they come, until LIMIT or until the client goes (the signal): then the log is not read again.
 * A client that does not read holds the stream back: nothing more is read from the log until what was written
 * has drained, so the server buffers one response's worth, not the topic.
 */
async function stream(res: ApiResponse, print: PrintEntity, log: Log, output: Output, redactor: SecretRedactor, gone: AbortSignal, stopping: AbortSignal): Promise<void> {
  // The records stop when the client goes or the server stops; only in the second case is there a client to end
  // the response for.
  const signal = AbortSignal.any([gone, stopping]);
  res.writeHead(200, { 'content-type': output.contentType });
  // At once, before any record: on a quiet topic the client still learns that the stream began.
  res.flushHeaders();
  let quiet = true;
  let blocked = false;
  const send = async (text: string): Promise<void> => {
    if (signal.aborted) return;
    quiet = false;
    // Clients of the delimited form (ksqldb-js) parse each chunk that arrives as one JSON document: each line goes
    // out on its own (its own HTTP/2 DATA frame) before the next is written, rather than batched with it.
    if (output.form === 'delimited') return written(res, text, signal);
    if (res.write(text)) return;
    blocked = true;
    await drained(res, signal);
    blocked = false;
  };
  const heartbeat =
    output.form === 'text'
      ? setInterval(() => {
          if (quiet && !blocked && !signal.aborted) res.write('\n');
          quiet = true;
        }, HEARTBEAT_MS)
      : undefined;
  const header = { queryId: `print-${randomUUID()}`, ...PRINT_COLUMNS };
  // What goes before each element of the JSON array, and what closes it.
  let separator = '[';
  const element = (value: unknown): string => {
    const text = `${separator}${JSON.stringify(value)}`;
    separator = ',\n';
    return text;
  };
  // The shell's lines, the format lines among them as the records show the formats (none before the first).
  const formats = new PrintFormats();
  // Records are the user's data: shown as they are.
  const line = (r: LogRecord): string => {
    if (output.form === 'text') return `${printLines(r, formats)}\n`;
    if (output.form === 'delimited') return `${JSON.stringify(printRow(r))}\n`;
    return element(printRow(r));
  };
  try {
    if (output.form !== 'text') await send(output.form === 'delimited' ? `${JSON.stringify(header)}\n` : element(header));
    await printRecords(print, log, (r) => send(line(r)), signal);
    if (!gone.aborted) res.end(output.form === 'json' ? ']\n' : undefined);
  } catch (err) {
    // The status line is gone: as ksqlDB ends a failing PRINT, the error is the last line (the array's last element).
    const error = genericError(toSluiceError(err), redactor);
    if (!gone.aborted) res.end(output.form === 'json' ? `${element(error)}]\n` : `${JSON.stringify(error)}\n`);
  } finally {
    clearInterval(heartbeat);
  }
}

function written(res: ApiResponse, text: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    res.write(text, done);
  });
}

function drained(res: ApiResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
