import { K } from '../../grammar/tokens.js';
import { VERSION } from '../cli/version.js';
import type { Engine } from '../engine/engine.js';
import { isError, type Entity } from '../engine/results.js';
import { checkSessionProperty } from '../engine/session-properties.js';
import { Session } from '../engine/session.js';
import { SluiceError, toSluiceError } from '../errors/base.js';
import type { RuntimeView } from '../runtime/runtime.js';
import { genericError, httpStatus } from './errors.js';
import type { GroupCommit } from './group-commit.js';
import type { ServerMetrics } from './metrics.js';
import { queryEndpoint } from './query-endpoint.js';
import { applyProperties, applyVariables, isObject, readBody, type BodySource } from './request.js';
import { sendJson } from './send-json.js';
import { statementFirstTokens } from './statement-starts.js';

/** What the endpoints use of a request and a response: HTTP/1.1's and HTTP/2's compatibility objects alike. */
export interface ApiRequest extends BodySource {
  readonly url?: string | undefined;
  readonly method?: string | undefined;
}

export interface ApiResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers?: Record<string, string | number>): unknown;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
  /** Streams (PRINT on /query): false when the client is behind, and 'drain' says when it has caught up. */
  write(chunk: string, done?: (err?: Error | null) => void): boolean;
  flushHeaders(): void;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
}

export interface HttpApiOptions {
  engine: Engine;
  runtime: RuntimeView | undefined;
  metrics: ServerMetrics;
  maxBodyBytes: number;
  commits: GroupCommit;
  /** The streams (/query) the server is running: stop() ends them (`stopping`) and waits for them to finish. */
  streams: { stopping: AbortSignal; running: Set<Promise<void>> };
}

/**
 * ksqlDB's REST endpoints Sluice answers, with ksqlDB's bodies: POST /ksql, POST /query and POST /query-stream
 * (PRINT), GET /info, GET /healthcheck; and GET /metrics.
 */
export async function handleHttp(req: ApiRequest, res: ApiResponse, o: HttpApiOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  try {
    switch (path) {
      case '/ksql':
        allow(req, 'POST');
        return await ksql(req, res, o);
      case '/query':
      case '/query-stream':
        allow(req, 'POST');
        return await queryEndpoint(path, req, res, o);
      case '/info':
        allow(req, 'GET');
        return sendJson(res, 200, { KsqlServerInfo: { version: VERSION, kafkaClusterId: 'embedded', ksqlServiceId: 'sluice', serverStatus: 'RUNNING' } });
      case '/healthcheck':
        allow(req, 'GET');
        return await healthcheck(res, o);
      case '/metrics': {
        allow(req, 'GET');
        const text = await o.metrics.text();
        res.writeHead(200, { 'content-type': o.metrics.registry.contentType });
        res.end(text);
        return;
      }
      default:
        if (path.startsWith(VALID_PROPERTY)) {
          allow(req, 'GET');
          return isValidProperty(path.slice(VALID_PROPERTY.length), res);
        }
        throw new SluiceError('NOT_FOUND', `no endpoint ${path} (there are POST /ksql, POST /query and POST /query-stream for PRINT, GET /info, GET /healthcheck, GET /is_valid_property/NAME, GET /metrics and the WebSocket at /ws)`);
    }
  } catch (err) {
    const e = toSluiceError(err);
    if (e.code === 'METHOD_NOT_ALLOWED') res.setHeader('allow', (e as SluiceError & { allow?: string }).allow ?? '');
    sendJson(res, httpStatus(e.errorCode), genericError(e, o.engine.redactor));
  }
}

const VALID_PROPERTY = '/is_valid_property/';

/**
 * ksqlDB's GET /is_valid_property/NAME, which clients (ksqldb-js's isValidProperty) ask before a SET: `true` when
 * SET would take the name, else the reason as a generic_error (400).
 */
function isValidProperty(encoded: string, res: ApiResponse): void {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    throw new SluiceError('BAD_REQUEST', `the property name in the path is not valid percent-encoding: ${encoded}`);
  }
  try {
    checkSessionProperty(name, undefined, { line: 1, column: 1, offset: 0, length: name.length });
  } catch (err) {
    const e = toSluiceError(err);
    // Only a name is asked about: its reason is a request's error, without the line and column of a statement.
    throw new SluiceError(e.code, e.hint ? `${e.message} (${e.hint})` : e.message);
  }
  sendJson(res, 200, true);
}

function allow(req: ApiRequest, method: string): void {
  if (req.method === method) return;
  const err = new SluiceError('METHOD_NOT_ALLOWED', `${req.url} takes ${method}, not ${req.method}`);
  throw Object.assign(err, { allow: method });
}

/**
 * ksqlDB's statement endpoint: every statement is validated first (nothing runs if one fails), then they run in
 * order. The answer is the array of entities, or ksqlDB's statement_error with the HTTP status of its code and
 * the entities of the statements that ran before it.
 */
async function ksql(req: ApiRequest, res: ApiResponse, o: HttpApiOptions): Promise<void> {
  const text = await readBody(req, o.maxBodyBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new SluiceError('BAD_REQUEST', `the body is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(body) || typeof body['ksql'] !== 'string') throw new SluiceError('BAD_REQUEST', 'the body must be a JSON object with "ksql": "<statements>"');
  const session = new Session({ origin: 'rest' });
  applyVariables(session, body['sessionVariables'], 'sessionVariables');
  applyProperties(session, body['streamsProperties'], 'streamsProperties', true);
  const ksqlText = body['ksql'];
  // As ksqlDB: PRINT streams, so it is not answered here — refused before anything runs, pointing to /query.
  if (statementFirstTokens(ksqlText).some((t) => t.tokenType === K.PRINT)) {
    throw new SluiceError('BAD_REQUEST', 'PRINT streams records: send it to POST /query, or over the WebSocket at /ws');
  }
  // Reads need neither a commit nor a trial run on a copy of the catalog: answered at once.
  const outcome = o.engine.readOnly(ksqlText)
    ? { executed: true, entities: o.engine.execute(ksqlText, session, { stopOnError: true }) }
    : await new Promise<ReturnType<Engine['run']>>((resolve, reject) => {
    let result: ReturnType<Engine['run']> | undefined;
    o.commits.submit(
      () => {
        result = o.engine.run(ksqlText, session);
      },
      (failure) => (failure === undefined && result ? resolve(result) : reject(failure)),
    );
  });
  const entities: Entity[] = outcome.entities;
  const failed = entities.findIndex(isError);
  if (failed >= 0) {
    const error = entities[failed]!;
    // Entities from the engine are already masked.
    return sendJson(res, httpStatus((error as { error_code: number }).error_code), { ...error, entities: outcome.executed ? entities.slice(0, failed) : [] });
  }
  sendJson(res, 200, entities);
}

async function healthcheck(res: ApiResponse, o: HttpApiOptions): Promise<void> {
  const check = async (fn: () => unknown) => {
    try {
      await fn();
      return { isHealthy: true };
    } catch {
      return { isHealthy: false };
    }
  };
  const details = {
    metastore: await check(() => o.engine.catalog.listConnectors()),
    kafka: await check(() => o.runtime?.log.listTopics()),
  };
  const isHealthy = details.metastore.isHealthy && details.kafka.isHealthy;
  sendJson(res, isHealthy ? 200 : 503, { isHealthy, details });
}
