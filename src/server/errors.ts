import type { SluiceError } from '../errors/base.js';
import type { SecretRedactor } from '../sql/secret-redactor.js';

/** ksqlDB's error body for a failure that is not a statement's: `{"@type": "generic_error", error_code, message}`. */
export interface GenericError {
  '@type': 'generic_error';
  error_code: number;
  code: string;
  message: string;
}

/**
 * A request's failure. A foreign error's text (INTERNAL_ERROR: nobody decided what it quotes) is scrubbed of every
 * known secret when a redactor is given. A message Sluice wrote is shown as written: what it quotes is the
 * request's own text (a JSON parser's excerpt of the body, an unknown field), and scrubbing that would answer
 * whether any text a client sends is a password (a frame 'Hunter2' came back as '"********" is not valid JSON').
 */
export function genericError(err: SluiceError, redactor?: SecretRedactor): GenericError {
  const foreign = err.code === 'INTERNAL_ERROR';
  return { '@type': 'generic_error', error_code: err.errorCode, code: err.code, message: redactor && foreign ? redactor.redact(err.message) : err.message };
}

/** The HTTP status of a ksqlDB error code: the code is the status × 100 plus a suffix. */
export function httpStatus(errorCode: number): number {
  const status = Math.floor(errorCode / 100);
  return status >= 400 && status <= 599 ? status : 500;
}
