import { flattenErrors, toSluiceError } from '../errors/base.js';
import { maskUnparsedText, type SecretRedactor } from '../sql/mask.js';
import type { StatementErrorEntity } from './results.js';

/** Turn anything thrown while running a statement into one error entity per problem, secrets scrubbed. */
export function errorEntities(err: unknown, statementText: string, source: string | undefined, redactor: SecretRedactor): StatementErrorEntity[] {
  return flattenErrors(toSluiceError(err)).map((e) => {
    const entity: StatementErrorEntity = {
      '@type': 'statement_error',
      error_code: e.errorCode,
      code: e.code,
      message: e.hint ? `${e.message}; ${e.hint}` : e.message,
      statementText,
      warnings: [],
    };
    if (e.loc) {
      entity.line = e.loc.line;
      entity.column = e.loc.column;
      if (e.loc.file !== undefined) entity.file = e.loc.file;
      const line = source?.split(/\r\n?|\n/)[e.loc.line - 1];
      if (line !== undefined) entity.sourceLine = maskUnparsedText(line);
    }
    if (e.hint) entity.hint = e.hint;
    return redactor.redactDeep(entity);
  });
}
