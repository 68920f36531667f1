/**
 * Error classification shared by the dialects. Retriable (RetriableTaskError): the database cannot be reached,
 * is starting or shutting down, or a lock/serialization conflict. Everything else (bad credentials, a missing
 * table or column, SQL errors in a custom query) is a plain Error: retrying cannot fix it. Messages name the
 * target through describeTarget only, and `withoutSecrets` removes any password a driver might echo.
 */

import { RetriableTaskError } from '../api.js';
import { scrubSecrets } from '../secrets.js';

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed (temporary)',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  PROTOCOL_CONNECTION_LOST: 'connection lost',
  PROTOCOL_SEQUENCE_TIMEOUT: 'connection timed out',
};

export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  if (typeof code === 'number') return String(code);
  // Node's happy-eyeballs connect reports an AggregateError whose parts carry the code.
  const parts = (err as { errors?: unknown }).errors;
  if (Array.isArray(parts)) for (const p of parts) if (errorCode(p)) return errorCode(p);
  return undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    if (err.message) return err.message;
    const parts = (err as { errors?: unknown }).errors;
    if (Array.isArray(parts) && parts[0] instanceof Error) return parts[0].message;
    return err.name;
  }
  return String(err);
}

/** The readable name of a network failure, or undefined when `err` is not one. */
export function networkFailure(err: unknown): string | undefined {
  const code = errorCode(err);
  if (code !== undefined && NETWORK[code]) return `${NETWORK[code]} (${code})`;
  const message = err instanceof Error ? err.message : '';
  if (/connection terminated|timeout expired|Connection terminated unexpectedly/i.test(message)) return message;
  return undefined;
}

/**
 * A driver's message with the connection's secrets (3+ characters) masked where they stand on their own — but
 * for one that stands on its own in `shown` (the target as describeTarget names it, before the message): with the
 * user and the password both 'app', 'role "app" does not exist' masked would only say that the password is the
 * user shown beside it.
 */
export function withoutSecrets(text: string, secrets: readonly (string | undefined)[], shown = ''): string {
  return scrubSecrets(text, secrets.filter((s): s is string => s !== undefined && s.length >= 3 && scrubSecrets(shown, [s]) === shown));
}

/** Errors already classified here: passed on unchanged, never wrapped twice. */
const classified = new WeakSet<Error>();

export function retriable(message: string): RetriableTaskError {
  const e = new RetriableTaskError(message);
  classified.add(e);
  return e;
}

export function fatal(message: string): Error {
  const e = new Error(message);
  classified.add(e);
  return e;
}

export function isClassified(err: unknown): err is Error {
  return err instanceof Error && classified.has(err);
}

export function isRetriable(err: unknown): boolean {
  return err instanceof RetriableTaskError || (typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true);
}
