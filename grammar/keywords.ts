/**
 * Keywords as data: the single source of truth for tokens, completion and docs.
 * Reserved words can never be identifiers; non-reserved ones can (as in ksqlDB, where SOURCE, SINK, IF, SET,
 * DEFINE… are non-reserved), so `CREATE SOURCE CONNECTOR source WITH (…)` works.
 */
export const RESERVED_KEYWORDS = [
  'CREATE',
  'DROP',
  'CONNECTOR',
  'CONNECTORS',
  'WITH',
  'NOT',
  'EXISTS',
  'LIST',
  'DESCRIBE',
  'PRINT',
  'FROM',
  'LIMIT',
  'TOPICS',
  'ALL',
  'RUN',
  'SCRIPT',
  'TRUE',
  'FALSE',
  'NULL',
] as const;

export const NON_RESERVED_KEYWORDS = [
  'SHOW',
  'SOURCE',
  'SINK',
  'IF',
  'PLUGINS',
  'VARIABLES',
  'DEFINE',
  'UNDEFINE',
  'SET',
  'UNSET',
  'ALTER',
  'PAUSE',
  'RESUME',
  'RESTART',
  'EXTENDED',
  'BEGINNING',
  'INTERVAL',
  'SAMPLE',
  'OFFSETS',
  'RESET',
  // ksqlDB's SHOW STREAMS / TABLES / QUERIES / PROPERTIES (non-reserved there too).
  'STREAMS',
  'TABLES',
  'QUERIES',
  'PROPERTIES',
] as const;

export type ReservedKeyword = (typeof RESERVED_KEYWORDS)[number];
export type NonReservedKeyword = (typeof NON_RESERVED_KEYWORDS)[number];
export type Keyword = ReservedKeyword | NonReservedKeyword;

export const ALL_KEYWORDS: readonly Keyword[] = [...RESERVED_KEYWORDS, ...NON_RESERVED_KEYWORDS];
