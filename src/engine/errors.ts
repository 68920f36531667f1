import { flattenErrors, SluiceError, toSluiceError } from '../errors/base.js';
import { BLANK, blankUnparsedText, sourceLineMasker } from '../sql/mask.js';
import type { SecretRedactor } from '../sql/secret-redactor.js';
import type { StatementErrorEntity } from './results.js';

/** More problems than this in one statement are summed up in a last error: nobody reads the 20 000th. */
export const MAX_ERRORS_PER_STATEMENT = 50;
/** Source lines longer than this are shown as an excerpt around the column. */
const MAX_SOURCE_LINE = 240;
const CONTEXT = 100;

/** The line the error is on, cut to a window around the column when long; `column` is the caret within it. */
function excerpt(line: string, column: number): { text: string; column: number } {
  if (line.length <= MAX_SOURCE_LINE) return { text: line, column };
  const start = Math.max(0, column - 1 - CONTEXT);
  const end = Math.min(line.length, column - 1 + CONTEXT);
  const head = start > 0 ? '…' : '';
  return { text: `${head}${line.slice(start, end)}${end < line.length ? '…' : ''}`, column: column - start + head.length };
}

type LineMasker = ReturnType<typeof sourceLineMasker>;

/**
 * The lines of the last script split, and their maskers: a script's statements each report errors against the
 * same source, and many statements may share a line ('SELECT 1;' 3000 times on one line tokenized that line
 * for each of them: 270 s for `sluice check`).
 */
let lastSplit: { source: string; lines: string[]; maskers: Map<number, LineMasker> } | undefined;

/**
 * Turn anything thrown while running a statement into one error entity per problem. `statementText` comes
 * masked; source lines are masked here from their tokens. Messages Sluice writes mask the values they quote
 * (maskValue) and are shown as written; only a foreign error's text (no SluiceError: a library's message) is
 * scrubbed of every known secret, since nobody decided what it quotes.
 */
export function errorEntities(err: unknown, statementText: string, source: string | undefined, redactor: SecretRedactor): StatementErrorEntity[] {
  const foreign = !(err instanceof SluiceError);
  let errors = flattenErrors(toSluiceError(err));
  if (errors.length > MAX_ERRORS_PER_STATEMENT) {
    const rest = errors.length - (MAX_ERRORS_PER_STATEMENT - 1);
    const last = errors[MAX_ERRORS_PER_STATEMENT - 1]!;
    errors = [
      ...errors.slice(0, MAX_ERRORS_PER_STATEMENT - 1),
      new SluiceError('TOO_MANY_ERRORS', `${rest} more errors in this statement (the first is shown here: ${last.message})`, { loc: last.loc }),
    ];
  }
  // Split and mask each source line once, however many errors point into it.
  const cached = lastSplit !== undefined && lastSplit.source === source ? lastSplit : undefined;
  let lines: string[] | undefined = cached?.lines;
  let maskers: Map<number, LineMasker> = cached?.maskers ?? new Map();
  const lineAt = (n: number): LineMasker | undefined => {
    if (source === undefined) return undefined;
    if (!lines) {
      lines = source.split(/\r\n?|\n/);
      maskers = new Map();
      lastSplit = { source, lines, maskers };
    }
    const raw = lines[n - 1];
    if (raw === undefined) return undefined;
    let m = maskers.get(n);
    if (m === undefined) maskers.set(n, (m = sourceLineMasker(blankUnparsedText(raw, BLANK))));
    return m;
  };
  return errors.map((e) => {
    const entity: StatementErrorEntity = {
      '@type': 'statement_error',
      error_code: e.errorCode,
      code: e.code,
      message: foreign ? redactor.redact(e.message) : e.hint ? `${e.message}; ${e.hint}` : e.message,
      statementText,
      warnings: [],
    };
    if (e.loc) {
      entity.line = e.loc.line;
      entity.column = e.loc.column;
      if (e.loc.file !== undefined) entity.file = e.loc.file;
      const maskLine = lineAt(e.loc.line);
      if (maskLine !== undefined) {
        const masked = maskLine(e.loc.column);
        const shown = excerpt(masked.text, masked.column);
        entity.sourceLine = shown.text;
        if (shown.column !== e.loc.column) entity.sourceColumn = shown.column;
      }
    }
    if (e.hint) entity.hint = e.hint;
    return entity;
  });
}
