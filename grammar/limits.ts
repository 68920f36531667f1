/**
 * Size limits of the statement language. Far above anything written by hand, low enough that no input can make
 * parsing, error reporting or the catalog's history run out of stack or memory: past them a statement is refused
 * with INPUT_TOO_LARGE at the position of what is too large. A script as a whole has no limit.
 */
export const LIMITS = {
  /** A '…' string or a number, in characters (1 MiB: the server's default request size). */
  literalChars: 1024 * 1024,
  /** A name: bare, "quoted" or `back-quoted`, or a ${variable}. */
  nameChars: 1024,
  /** One statement, from its first token to its ';'. */
  statementChars: 4 * 1024 * 1024,
} as const;
