import type { StatementErrorEntity } from '../engine/results.js';
import type { SluiceError } from '../errors/base.js';

/** `file:line:col` (or `line:col`) for an error, the prefix every error line starts with. */
export function errorLocation(e: StatementErrorEntity, defaultFile?: string): string {
  const file = e.file ?? defaultFile;
  if (e.line === undefined) return file ?? '';
  return `${file ? `${file}:` : ''}${e.line}:${e.column ?? 1}`;
}

/** One line per error: `FILE:LINE:COL CODE message` (the `sluice check` format). */
export function renderErrorLine(e: StatementErrorEntity, defaultFile?: string): string {
  const where = errorLocation(e, defaultFile);
  return `${where ? `${where} ` : ''}${e.code} ${e.message}`;
}

/** A failure of the command itself (not of a statement): `sluice: CODE message (hint)`, a line for stderr. */
export function renderCommandError(e: SluiceError): string {
  return `sluice: ${e.code} ${e.message}${e.hint ? ` (${e.hint})` : ''}\n`;
}

/** The error line, then the source line with a caret under the column. */
export function renderError(e: StatementErrorEntity, defaultFile?: string): string {
  const head = `${renderErrorLine(e, defaultFile)}`;
  if (e.sourceLine === undefined || e.line === undefined) return head;
  const gutter = String(e.line);
  const column = Math.max(1, e.sourceColumn ?? e.column ?? 1);
  // Tabs before the caret are kept so the caret lines up however the terminal renders them.
  const pad = e.sourceLine.slice(0, column - 1).replace(/[^\t]/g, ' ');
  return `${head}\n ${gutter} | ${e.sourceLine}\n ${' '.repeat(gutter.length)} | ${pad}^`;
}
