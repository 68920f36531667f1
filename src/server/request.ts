import type { IncomingHttpHeaders } from 'node:http';
import type { Session } from '../engine/session.js';
import { checkSessionProperty } from '../engine/session-properties.js';
import { SluiceError } from '../errors/base.js';
import { VARIABLE_NAME } from '../sql/variables.js';

const NO_LOC = { line: 1, column: 1, offset: 0, length: 0 };

/** A JSON object (not null, not an array). */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** What readBody needs of a request: HTTP/1.1's and HTTP/2's alike. */
export interface BodySource {
  readonly headers: IncomingHttpHeaders;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  once(event: 'end' | 'close', listener: () => void): unknown;
  once(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * A request body as text, refused (413) beyond `max` bytes — declared or actually sent. Past the limit the rest is
 * still read, and dropped, until the client has sent it: a request left half read would hold an HTTP/2 client's
 * upload on flow control for ever.
 */
export function readBody(req: BodySource, max: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(new SluiceError('REQUEST_TOO_LARGE', `the body is ${declared} bytes; the limit is ${max}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      over = true;
      chunks.length = 0;
      reject(new SluiceError('REQUEST_TOO_LARGE', `the body is over the limit of ${max} bytes`));
    });
    // A UTF-8 byte order mark (what Windows tools write at the start of a file sent as the body) is no part of the
    // JSON; ksqlDB's parser skips it too.
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '')));
    req.once('error', reject);
    req.once('close', () => reject(new SluiceError('BAD_REQUEST', 'the client went away before it sent the whole body')));
  });
}

function badRequest(message: string): SluiceError {
  return new SluiceError('BAD_REQUEST', message);
}

/**
 * Variables sent with a request (`variables` on the WebSocket, `sessionVariables` on /ksql), checked and put in
 * the session as DEFINE would.
 */
export function applyVariables(session: Session, given: unknown, field: string): void {
  if (given === undefined || given === null) return;
  if (!isObject(given)) throw badRequest(`'${field}' must be an object of variable names to values`);
  for (const [name, value] of Object.entries(given)) {
    if (!VARIABLE_NAME.test(name)) throw badRequest(`'${field}': '${name}' is not a variable name (letters, digits, _ and @, not starting with a digit)`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw badRequest(`'${field}': the value of '${name}' must be a string, number or boolean`);
    }
    session.variables.set(name, String(value));
  }
}

/**
 * Properties sent with a request (`properties` on the WebSocket, `streamsProperties` on /ksql), put in the session
 * as SET would. ksqlDB clients send Kafka Streams settings here that mean nothing to connectors: with
 * `ignoreUnknown` those are passed over (and named in the returned list), otherwise they are errors.
 */
export function applyProperties(session: Session, given: unknown, field: string, ignoreUnknown: boolean): string[] {
  if (given === undefined || given === null) return [];
  if (!isObject(given)) throw badRequest(`'${field}' must be an object of property names to values`);
  const ignored: string[] = [];
  for (const [name, raw] of Object.entries(given)) {
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') throw badRequest(`'${field}': the value of '${name}' must be a string, number or boolean`);
    let checked: ReturnType<typeof checkSessionProperty>;
    try {
      checked = checkSessionProperty(name, String(raw), NO_LOC, NO_LOC);
    } catch (err) {
      if (ignoreUnknown && err instanceof SluiceError && err.code === 'INVALID_PROPERTY' && err.message.startsWith('unknown')) {
        ignored.push(name);
        continue;
      }
      throw badRequest(`'${field}': ${err instanceof Error ? err.message : String(err)}`);
    }
    if (checked.value !== undefined) session.properties.set(checked.key, checked.value);
  }
  return ignored;
}
