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
 * A request's failure: its message may quote what the request carried (a JSON parser's excerpt of the body) or a
 * foreign error's text, so it is scrubbed of every known secret when a redactor is given.
 */
export function genericError(err: SluiceError, redactor?: SecretRedactor): GenericError {
  return { '@type': 'generic_error', error_code: err.errorCode, code: err.code, message: redactor ? redactor.redact(err.message) : err.message };
}

/** The HTTP status of a ksqlDB error code: the code is the status × 100 plus a suffix. */
export function httpStatus(errorCode: number): number {
  const status = Math.floor(errorCode / 100);
  return status >= 400 && status <= 599 ? status : 500;
}
