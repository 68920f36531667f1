import { topicNameProblem } from '../../platform/topic-name.js';
import { field, isSet, listValue, valueOf } from '../schema.js';
import type { ConfigField, ConfigMap, ConfigProblem, ConnectorDefinition, Guarantee } from '../schema.js';

/** Confluent JdbcSourceConnector keys (JdbcSourceConnectorConfig), as far as Sluice's polling runtime honours them. */

const DB = 'Database';
const MODE = 'Mode';
const CONN = 'Connector';

const MODES = ['bulk', 'incrementing', 'timestamp', 'timestamp+incrementing'] as const;
const [BULK, , TIMESTAMP, TIMESTAMP_INCREMENTING] = MODES;
/** URL prefixes of the databases Sluice has drivers for. */
const SUPPORTED_URLS = ['jdbc:sqlite:', 'jdbc:postgresql://', 'jdbc:mysql://', 'jdbc:mariadb://'] as const;

export const jdbcField = {
  url: field.string('connection.url', `JDBC connection URL. Supported: ${SUPPORTED_URLS.join(', ')}.`, {
    required: true,
    group: DB,
    importance: 'high',
  }),
  user: field.string('connection.user', "Database user (else the URL's; PostgreSQL then falls back to PGUSER and the operating-system user, as libpq).", { group: DB, importance: 'high' }),
  password: field.password('connection.password', 'Database password.', { group: DB, importance: 'high' }),
  attempts: field.int('connection.attempts', 'Attempts to open a connection before failing.', {
    default: '3',
    min: 1,
    group: DB,
    importance: 'low',
  }),
  backoff: field.long('connection.backoff.ms', 'Wait in ms between connection attempts.', {
    default: '10000',
    min: 0,
    group: DB,
    importance: 'low',
  }),
  mode: field.string('mode', 'How each poll finds new rows: whole table (bulk), a strictly increasing column, a timestamp column, or both.', {
    required: true,
    allowed: MODES,
    group: MODE,
    importance: 'high',
  }),
  incrementingColumn: field.string('incrementing.column.name', 'Strictly increasing column for incrementing modes; empty auto-detects an auto-increment column.', {
    default: '',
    group: MODE,
    importance: 'medium',
  }),
  timestampColumn: field.list('timestamp.column.name', 'Timestamp column(s) for timestamp modes; several are combined with COALESCE.', {
    default: '',
    group: MODE,
    importance: 'medium',
  }),
  timestampInitial: field.long('timestamp.initial', 'Epoch ms to start timestamp modes from; -1 means now; unset reads from epoch 0.', {
    default: null,
    min: -1,
    group: MODE,
    importance: 'low',
  }),
  timestampDelay: field.long('timestamp.delay.interval.ms', 'Only rows older than database now minus this delay are read, giving late transactions time to commit.', {
    default: '0',
    min: 0,
    group: MODE,
    importance: 'high',
  }),
  timestampGranularity: field.string('timestamp.granularity', 'How timestamp columns are represented in records.', {
    default: 'connect_logical',
    allowed: [
      'connect_logical',
      'micros_long',
      'micros_string',
      'micros_iso_datetime_string',
      'nanos_long',
      'nanos_string',
      'nanos_iso_datetime_string',
    ],
    group: MODE,
    importance: 'low',
  }),
  timezone: field.string('db.timezone', 'IANA time zone used to read and bind timestamp values.', {
    default: 'UTC',
    group: DB,
    importance: 'medium',
  }),
  whitelist: field.list('table.whitelist', 'Tables to copy; excludes table.blacklist and query.', { default: '', group: DB, importance: 'medium' }),
  blacklist: field.list('table.blacklist', 'Tables not to copy; excludes table.whitelist and query.', { default: '', group: DB, importance: 'medium' }),
  includeList: field.list('table.include.list', 'Regular expressions; tables whose name or fully qualified name (schema.table, database.table) one matches whole are copied. Excludes table.whitelist, table.blacklist and query.', {
    default: '',
    group: DB,
    importance: 'medium',
  }),
  excludeList: field.list('table.exclude.list', 'Regular expressions; of the tables table.include.list selects, those whose name or fully qualified name one matches whole are not copied. Needs table.include.list.', {
    default: '',
    group: DB,
    importance: 'medium',
  }),
  tableTypes: field.list('table.types', 'Table types to copy, e.g. TABLE, VIEW.', { default: 'TABLE', group: DB, importance: 'low' }),
  schemaPattern: field.string('schema.pattern', 'Schema filter for table metadata; unset means all schemas.', {
    default: null,
    group: DB,
    importance: 'medium',
  }),
  catalogPattern: field.string('catalog.pattern', 'Catalog filter for table metadata; unset means all catalogs.', {
    default: null,
    group: DB,
    importance: 'medium',
  }),
  query: field.string('query', 'Custom SELECT instead of copying tables; incremental modes read it as a sub-select (SELECT * FROM (query) AS q WHERE …), so it may have its own WHERE and ORDER BY.', {
    default: '',
    group: MODE,
    importance: 'medium',
  }),
  querySuffix: field.string('query.suffix', 'Text appended to the generated query.', { default: '', group: MODE, importance: 'low' }),
  topicPrefix: field.string('topic.prefix', 'Table mode: topic = prefix + table name (may be empty). Query mode: topic = prefix exactly.', {
    default: '',
    group: CONN,
    importance: 'high',
  }),
  pollInterval: field.int('poll.interval.ms', 'Wait in ms between polls of each table.', { default: '5000', min: 1, group: CONN, importance: 'high' }),
  batchMaxRows: field.int('batch.max.rows', 'Maximum rows per poll (also the fetch size).', { default: '1000', min: 1, group: CONN, importance: 'low' }),
  tablePollInterval: field.long('table.poll.interval.ms', 'Wait in ms between checks for new or removed tables; a change restarts the tasks on the new set of tables.', {
    default: '60000',
    min: 1,
    group: CONN,
    importance: 'low',
  }),
  validateNonNull: field.boolean('validate.non.null', 'Refuse to start when the incrementing or timestamp columns are nullable.', {
    default: 'true',
    group: CONN,
    importance: 'low',
  }),
  numericMapping: field.string('numeric.mapping', 'How NUMERIC/DECIMAL columns map to record types; unset means none.', {
    default: null,
    allowed: ['none', 'best_fit', 'best_fit_eager_double', 'precision_only'],
    caseInsensitive: true,
    group: DB,
    importance: 'low',
  }),
  quoteIdentifiers: field.string('quote.sql.identifiers', 'Whether generated SQL quotes table and column names.', {
    default: 'always',
    allowed: ['always', 'never'],
    caseInsensitive: true,
    group: DB,
    importance: 'medium',
  }),
  queryRetries: field.int('query.retry.attempts', 'Retries of a failed SQL query; -1 retries forever.', {
    default: '-1',
    min: -1,
    group: CONN,
    importance: 'low',
  }),
  dialect: field.string('dialect.name', 'Database dialect; empty detects it from connection.url.', {
    default: '',
    allowed: ['', 'SqliteDatabaseDialect', 'PostgreSqlDatabaseDialect', 'MySqlDatabaseDialect'],
    group: DB,
    importance: 'low',
  }),
  key: field.string('key', "ksqlDB's key property: the column whose value becomes the record key.", { group: CONN, importance: 'medium' }),
} as const satisfies Record<string, ConfigField>;

const F = jdbcField;

function problem(f: ConfigField, code: ConfigProblem['code'], message: string): ConfigProblem {
  return { key: f.key, code, message };
}

/** Names the scheme only: a JDBC URL may carry credentials that must not reach an error message. */
function urlScheme(url: string): string {
  const m = /^jdbc:[^:/]*/i.exec(url);
  return m ? m[0] : url.split(/[:/]/, 1)[0] ?? '';
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function validate(config: ConfigMap): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const url = valueOf(config, F.url) ?? '';
  if (url.trim() !== '' && !SUPPORTED_URLS.some((p) => url.startsWith(p))) {
    const supported = SUPPORTED_URLS.map((p) => `'${p}'`).join(', ');
    const message = `'${F.url.key}' names an unsupported database ('${urlScheme(url)}'); supported URLs start with ${supported}`;
    problems.push(problem(F.url, 'INVALID_CONFIG_VALUE', message));
  }
  const mode = valueOf(config, F.mode);
  if ((mode === TIMESTAMP || mode === TIMESTAMP_INCREMENTING) && !isSet(config, F.timestampColumn)) {
    problems.push(problem(F.timestampColumn, 'MISSING_REQUIRED_CONFIG', `mode '${mode}' needs '${F.timestampColumn.key}'`));
  }
  const hasQuery = isSet(config, F.query);
  const hasWhite = isSet(config, F.whitelist);
  const hasBlack = isSet(config, F.blacklist);
  if (hasWhite && hasBlack) {
    problems.push(problem(F.blacklist, 'INVALID_CONFIG_VALUE', `'${F.whitelist.key}' and '${F.blacklist.key}' are mutually exclusive`));
  }
  for (const f of [F.whitelist, F.blacklist, F.includeList, F.excludeList]) {
    if (hasQuery && isSet(config, f)) {
      const message = `'${f.key}' cannot be combined with '${F.query.key}', which replaces table copying`;
      problems.push(problem(f, 'INVALID_CONFIG_VALUE', message));
    }
  }
  problems.push(...tableListProblems(config, hasWhite || hasBlack));
  // Table mode names topics prefix + table, so an empty prefix is fine; a query's topic is the prefix itself.
  // The prefix starts every topic name: its characters must be ones a topic name allows ('x' stands for the table).
  const prefix = valueOf(config, F.topicPrefix) ?? '';
  const prefixProblem = prefix === '' ? undefined : topicNameProblem(hasQuery ? prefix : `${prefix}x`);
  if (prefixProblem) problems.push(problem(F.topicPrefix, 'INVALID_CONFIG_VALUE', `'${F.topicPrefix.key}' ${prefixProblem.replace(/^'[^']*' is/, 'is')}`));
  if (hasQuery && !isSet(config, F.topicPrefix)) {
    const message = `with '${F.query.key}', '${F.topicPrefix.key}' is the whole topic name and must not be empty`;
    problems.push(problem(F.topicPrefix, 'MISSING_REQUIRED_CONFIG', message));
  }
  const zone = valueOf(config, F.timezone) ?? '';
  if (!isValidTimeZone(zone)) {
    problems.push(problem(F.timezone, 'INVALID_CONFIG_VALUE', `'${F.timezone.key}' is not a known time zone: '${zone}'`));
  }
  return problems;
}

/** The newer table lists (Confluent JDBC 10.x): regular expressions, not names, and never beside the older lists. */
function tableListProblems(config: ConfigMap, legacy: boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const hasInclude = isSet(config, F.includeList);
  const hasExclude = isSet(config, F.excludeList);
  for (const f of [F.includeList, F.excludeList]) {
    if (legacy && isSet(config, f)) {
      const message = `'${f.key}' cannot be combined with '${F.whitelist.key}' or '${F.blacklist.key}'; use '${F.includeList.key}' and '${F.excludeList.key}' alone`;
      problems.push(problem(f, 'INVALID_CONFIG_VALUE', message));
    }
    for (const pattern of listValue(config, f)) {
      const bad = regexProblem(pattern);
      if (bad) problems.push(problem(f, 'INVALID_CONFIG_VALUE', `'${f.key}' has an invalid regular expression '${pattern}': ${bad}`));
    }
  }
  if (hasExclude && !hasInclude) {
    problems.push(problem(F.excludeList, 'INVALID_CONFIG_VALUE', `'${F.excludeList.key}' needs '${F.includeList.key}' (use '.*' there to start from every table)`));
  }
  return problems;
}

/** A pattern of a table list, as Java's Pattern.matches reads it: it must match the whole name. */
export function wholeMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/** Why a pattern of a table list does not compile, if it does not. */
function regexProblem(pattern: string): string | undefined {
  try {
    wholeMatch(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: \/.*\/u?: /, '');
  }
}

function guaranteeProblem(config: ConfigMap, g: Guarantee): string | undefined {
  if (g !== 'EFFECTIVELY_ONCE') return undefined;
  const mode = valueOf(config, F.mode);
  if (mode === BULK) {
    const incremental = MODES.filter((m) => m !== BULK).map((m) => `'${m}'`).join(', ');
    return (
      `mode '${BULK}' re-reads the whole table on every poll and stores no offset, so each pass repeats rows already ` +
      `delivered: at-least-once per pass is the most it can promise. Use ATLEAST_ONCE, or mode ${incremental} for EFFECTIVELY_ONCE`
    );
  }
  if (mode === 'timestamp') {
    return (
      `mode 'timestamp' stores only the last complete timestamp: after a crash in the middle of rows that share a ` +
      `timestamp, those rows are read again, so some are delivered twice. Use mode 'timestamp+incrementing' ` +
      `(the id breaks ties) for EFFECTIVELY_ONCE, or ATLEAST_ONCE`
    );
  }
  return undefined;
}

export const jdbcSource: ConnectorDefinition = {
  name: 'jdbc-source',
  kind: 'source',
  className: 'io.confluent.connect.jdbc.JdbcSourceConnector',
  aliases: ['JdbcSourceConnector', 'JdbcSource'],
  version: '0.1.0',
  summary: 'Polls SQLite, PostgreSQL, MySQL or MariaDB tables or a query: bulk copies or incremental by id and/or timestamp.',
  fields: Object.values(jdbcField),
  guarantees: ['ATMOST_ONCE', 'ATLEAST_ONCE', 'EFFECTIVELY_ONCE'],
  guaranteeProblem,
  validate,
  load: () => import('./runtime.js').then((m) => m.runtime),
};
