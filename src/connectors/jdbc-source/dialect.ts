/**
 * What a database dialect provides to the JDBC source. Dialects own connections, quoting, catalog queries,
 * decoding of driver values into exact cells, parameter binding and error classification; the querier builds
 * the SQL of each mode from these pieces.
 */

import type { SqlTimestamp } from './time.js';
import type { Target } from './url.js';
import type { Cell, FieldInfo } from './values.js';

/** SQL text with positional parameters between the pieces: text.length === params.length + 1. */
export interface Statement {
  readonly text: readonly string[];
  readonly params: readonly unknown[];
}

export interface TableRef {
  /** MySQL database. */
  catalog?: string;
  /** PostgreSQL schema. */
  schema?: string;
  name: string;
}

export interface ColumnMeta {
  name: string;
  nullable: boolean;
  autoIncrement: boolean;
}

/** A streaming result: rows are fetched `fetchSize` at a time and never held whole. */
export interface RowCursor {
  /** Up to n rows; fewer than n means the result is exhausted. */
  read(n: number): Promise<Cell[][]>;
  /** Fields of the result; complete once the first read returned. */
  fields(): readonly FieldInfo[];
  close(): Promise<void>;
}

export interface TableFilter {
  /** 'TABLE', 'VIEW' (upper case). */
  types: readonly string[];
  schemaPattern: string | undefined;
  catalogPattern: string | undefined;
}

export interface DialectOptions {
  target: Target;
  /** connection.user / connection.password (take precedence over the URL's). */
  user: string | undefined;
  password: string | undefined;
  /** db.timezone. */
  zone: string;
  /** The task's or connector's stop: it ends a connection attempt under way (its socket is closed). */
  signal?: AbortSignal;
}

export interface Dialect {
  /** 'SQLite', 'PostgreSQL', 'MySQL' or 'MariaDB'. */
  readonly product: string;
  /** Where it is connected, for messages (never a password). */
  readonly description: string;
  /** Fraction digits the database keeps and compares timestamps on. */
  readonly timestampDigits: number;
  quote(identifier: string): string;
  /** The quoted, qualified name for FROM. */
  qualify(t: TableRef): string;
  /** Confluent's unquoted fully qualified name (catalog.schema.table, missing parts left out). */
  fqn(t: TableRef): string;
  listTables(filter: TableFilter): Promise<TableRef[]>;
  /** Catalog metadata of a table's columns in order; undefined when the table does not exist. */
  columns(t: TableRef): Promise<ColumnMeta[] | undefined>;
  /** Fields of a query without fetching rows (the query is run with LIMIT 0 or only prepared). */
  describe(sql: string): Promise<FieldInfo[]>;
  open(stmt: Statement, fetchSize: number): Promise<RowCursor>;
  /** The database's current time (Confluent's currentTimeOnDB). */
  now(): Promise<SqlTimestamp>;
  /** The compared timestamp expression of quoted columns: the column, or COALESCE of several. */
  timestampExpression(quotedColumns: readonly string[]): string;
  /**
   * Set when the database compares a normalised form of the timestamp (SQLite's text): the querier selects it as
   * an extra last column under `alias` and takes offsets from it instead of from the row's cells.
   */
  readonly normalisedTimestamp?: { alias: string; parse(cell: Cell): SqlTimestamp | undefined };
  /** A timestamp parameter; `utc` for a MySQL TIMESTAMP column. */
  bindTimestamp(ts: SqlTimestamp, utc: boolean): unknown;
  bindInteger(n: bigint): unknown;
  /** A driver error as a RetriableTaskError or a plain Error with a clear message. */
  classify(err: unknown, doing: string): Error;
  close(): Promise<void>;
}
