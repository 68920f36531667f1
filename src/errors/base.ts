import { ERROR_CODES, type ErrorCode } from './codes.js';

/** A 1-based position in a source text, optionally naming the file it came from. */
export interface SourceLocation {
  line: number;
  column: number;
  /** 0-based character offset into the text, for carets and slicing. */
  offset?: number;
  /** Length of the offending span, when known. */
  length?: number;
  file?: string;
}

export interface SluiceErrorOptions {
  loc?: SourceLocation | undefined;
  cause?: unknown;
  retriable?: boolean;
  /** A short suggestion shown after the message, e.g. "did you mean 'connection.url'?". */
  hint?: string | undefined;
}

/**
 * The one error base class. Every error a user can see carries a stable `code`; statement errors carry a
 * position. Layers branch on `code` or `instanceof`, never on message text.
 */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly loc: SourceLocation | undefined;
  readonly retriable: boolean;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.loc = options.loc;
    this.retriable = options.retriable ?? false;
    this.hint = options.hint;
  }

  /** ksqlDB's numeric REST error code for this error. */
  get errorCode(): number {
    return ERROR_CODES[this.code].errorCode;
  }

  /** The same error at another position (used when an error found inside a value is re-anchored). */
  withLoc(loc: SourceLocation | undefined): SluiceError {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as SluiceError;
    Object.assign(copy, this, { loc });
    copy.message = this.message;
    copy.stack = this.stack;
    return copy;
  }
}

export class SqlSyntaxError extends SluiceError {}
export class SqlSemanticError extends SluiceError {}
export class ConnectorConfigError extends SluiceError {}
export class CatalogError extends SluiceError {}
export class UsageError extends SluiceError {}

/** Wrap anything thrown into a SluiceError so nothing unexpected ever reaches a user as a stack trace. */
export function toSluiceError(err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SluiceError('INTERNAL_ERROR', `internal error: ${message}`, { cause: err });
}

/** Several independent problems in one statement (e.g. three bad WITH properties): all are reported at once. */
export class SluiceErrors extends SluiceError {
  readonly errors: readonly SluiceError[];

  constructor(errors: readonly SluiceError[]) {
    const first = errors[0]!;
    super(first.code, first.message, { loc: first.loc, hint: first.hint });
    this.errors = errors;
  }
}

/** Every error inside err, flattened. */
export function flattenErrors(err: SluiceError): readonly SluiceError[] {
  return err instanceof SluiceErrors ? err.errors.flatMap(flattenErrors) : [err];
}
