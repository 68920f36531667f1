import type { SluiceError } from '../errors/base.js';

/** ksqlDB's error body for a failure that is not a statement's: `{"@type": "generic_error", error_code, message}`. */
export interface GenericError {
  '@type': 'generic_error';
  error_code: number;
  code: string;
  message: string;
}

export function genericError(err: SluiceError): GenericError {
  return { '@type': 'generic_error', error_code: err.errorCode, code: err.code, message: err.message };
}

/** The HTTP status of a ksqlDB error code: the code is the status × 100 plus a suffix. */
export function httpStatus(errorCode: number): number {
  const status = Math.floor(errorCode / 100);
  return status >= 400 && status <= 599 ? status : 500;
}
