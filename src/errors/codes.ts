/**
 * The catalogue of stable error codes. `code` is what programs branch on; `errorCode` is ksqlDB's numeric
 * REST code (HTTP status × 100 + suffix) so existing ksqlDB clients read our errors unchanged.
 */
export const ERROR_CODES = {
  // 40001 — the statement text is not valid Sluice SQL.
  SYNTAX_ERROR: { errorCode: 40001, summary: 'the statement does not parse' },
  LEXICAL_ERROR: { errorCode: 40001, summary: 'a character or token is not valid here' },
  VARIABLE_ERROR: { errorCode: 40001, summary: 'a ${variable} cannot be substituted here' },
  INPUT_TOO_LARGE: { errorCode: 40001, summary: 'a literal, name or statement is over its size limit' },
  MULTIPLE_STATEMENTS: { errorCode: 40001, summary: 'a streaming endpoint (/query, /query-stream) takes exactly one statement' },
  // 40000 — parses, but is not valid.
  UNKNOWN_CONNECTOR_CLASS: { errorCode: 40000, summary: 'connector.class names no known connector' },
  MISSING_CONNECTOR_CLASS: { errorCode: 40000, summary: 'connector.class is missing' },
  CONNECTOR_TYPE_MISMATCH: { errorCode: 40000, summary: 'SOURCE/SINK does not match the connector class' },
  UNKNOWN_CONFIG_KEY: { errorCode: 40000, summary: 'a WITH property is not a key of the connector' },
  MISSING_REQUIRED_CONFIG: { errorCode: 40000, summary: 'a required WITH property is missing' },
  INVALID_CONFIG_VALUE: { errorCode: 40000, summary: 'a WITH property has a value of the wrong type or not allowed' },
  DUPLICATE_CONFIG_KEY: { errorCode: 40000, summary: 'a WITH property is given twice' },
  UNSUPPORTED_GUARANTEE: { errorCode: 40000, summary: 'the connector cannot provide the declared processing guarantee' },
  IMMUTABLE_CONFIG_KEY: { errorCode: 40000, summary: 'this key cannot be changed by ALTER' },
  INVALID_PROPERTY: { errorCode: 40000, summary: 'an unknown or invalid session property' },
  TOO_MANY_ERRORS: { errorCode: 40000, summary: 'a statement has more problems than are listed one by one' },
  INVALID_ARGUMENT: { errorCode: 40000, summary: 'an argument of the statement is not valid' },
  UNSUPPORTED_STATEMENT: { errorCode: 40000, summary: 'the statement is not available in this mode' },
  SCRIPT_NOT_FOUND: { errorCode: 40000, summary: 'RUN SCRIPT names a file that does not exist or cannot be read' },
  SCRIPT_RECURSION: { errorCode: 40000, summary: 'RUN SCRIPT includes itself' },
  CONNECTOR_NOT_PAUSED: { errorCode: 40000, summary: 'the statement needs the connector to be paused first' },
  // ksqlDB answers PRINT of a missing topic with 400, not 404: so does Sluice, for clients that branch on it.
  TOPIC_NOT_FOUND: { errorCode: 40000, summary: 'PRINT names a topic that does not exist' },
  // 40400 — something named does not exist.
  CONNECTOR_NOT_FOUND: { errorCode: 40400, summary: 'no connector has that name' },
  // Server requests (HTTP and WebSocket): ksqlDB's HTTP status × 100.
  BAD_REQUEST: { errorCode: 40000, summary: 'a request body or WebSocket frame is not valid JSON of the expected shape' },
  UNAUTHORIZED: { errorCode: 40100, summary: 'the request has no valid bearer token' },
  NOT_FOUND: { errorCode: 40400, summary: 'no such endpoint' },
  METHOD_NOT_ALLOWED: { errorCode: 40500, summary: 'the endpoint does not take this HTTP method' },
  NOT_ACCEPTABLE: { errorCode: 40600, summary: 'the endpoint cannot answer in a media type the Accept header allows' },
  REQUEST_TOO_LARGE: { errorCode: 41300, summary: 'a request body or frame is over the size limit' },
  UNKNOWN_REQUEST: { errorCode: 40000, summary: 'a WebSocket frame names no request this server knows' },
  // 40900 — conflicts with existing state.
  CONNECTOR_EXISTS: { errorCode: 40900, summary: 'a connector with that name already exists' },
  // 50000 — the machine, not the statement.
  DATA_DIR_LOCKED: { errorCode: 50000, summary: 'another process holds the data directory' },
  CATALOG_ERROR: { errorCode: 50000, summary: 'the catalog could not be read or written' },
  CATALOG_TOO_NEW: { errorCode: 50000, summary: 'the catalog was written by a newer Sluice' },
  INTERNAL_ERROR: { errorCode: 50000, summary: 'a bug in Sluice' },
  CONNECTOR_FAILED: { errorCode: 50000, summary: 'a connector, or a task of it, FAILED while `sluice run --until-idle` waited for it to finish' },
  SERVER_UNREACHABLE: { errorCode: 50000, summary: 'the Sluice server named by --server cannot be reached or refused the connection' },
  CONNECTION_LOST: { errorCode: 50000, summary: 'the connection to the Sluice server dropped while a statement that can change something waited for its answer: it may or may not have run' },
  REQUEST_TIMEOUT: { errorCode: 50000, summary: 'the Sluice server named by --server did not answer a request within --request-timeout' },
  INTERRUPTED: { errorCode: 50000, summary: 'a signal (Ctrl-C, SIGTERM) ended the wait for an answer of the Sluice server' },
  // CLI usage (never sent over the wire, but still coded).
  USAGE_ERROR: { errorCode: 40000, summary: 'the command line is not valid' },
  FILE_NOT_FOUND: { errorCode: 40000, summary: 'a file named on the command line does not exist' },
  FILE_UNREADABLE: { errorCode: 40000, summary: 'a file named on the command line exists but cannot be read' },
} as const satisfies Record<string, { errorCode: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
