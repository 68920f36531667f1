import type { IToken } from 'chevrotain';
import { SqlSemanticError } from '../errors/base.js';
import { RESERVED_KEYWORDS } from '../../grammar/keywords.js';
import { NAME_TOKENS } from '../../grammar/lexer.js';
import type { Loc } from './ast.js';

// ksqlDB statements about streams, tables and queries. Sluice has none of those, so it recognises these statements
// by their first words only and answers each with one UNSUPPORTED_STATEMENT at its start, whatever follows ('*',
// EMIT CHANGES, column lists…): a ksqlDB script gets one clear error per such statement, and its other
// statements are still checked as usual.

const NO_STREAMS = 'Sluice manages connectors and topics: it has no streams, tables or queries';
const SEE_RECORDS = 'PRINT a topic to see its records';
const MOVE_DATA = 'CREATE SOURCE CONNECTOR or CREATE SINK CONNECTOR moves data between systems and topics';

interface Unsupported {
  message: string;
  hint: string;
}

const word = (tok: IToken | undefined) => tok?.image.toUpperCase();

const RESERVED: ReadonlySet<string> = new Set(RESERVED_KEYWORDS);
// A name ksqlDB could take for a stream, table or query id: a bare name, quoted, a variable, or a non-reserved
// keyword (ksqlDB's DESCRIBE source, PAUSE queryId). Reserved words (CONNECTOR…) keep the statement Sluice's own.
const isName = (tok: IToken | undefined) =>
  tok !== undefined && (NAME_TOKENS.has(tok.tokenType.name) || (/^[A-Za-z_]+$/.test(tok.image) && !RESERVED.has(tok.image.toUpperCase())));

const SOURCE_KINDS = new Set(['STREAM', 'TABLE']);
const FOLLOWING: Readonly<Record<'DROP' | 'ALTER' | 'DESCRIBE', ReadonlySet<string>>> = {
  DROP: new Set(['STREAM', 'TABLE', 'TYPE']),
  ALTER: SOURCE_KINDS,
  DESCRIBE: new Set(['STREAMS', 'TABLES', 'FUNCTION']),
};

function recognise(tokens: readonly IToken[]): Unsupported | undefined {
  const first = word(tokens[0]);
  switch (first) {
    case 'SELECT':
      return { message: `SELECT is not supported: ${NO_STREAMS}`, hint: SEE_RECORDS };
    case 'INSERT':
      return { message: `INSERT is not supported: ${NO_STREAMS}`, hint: 'records reach topics through source connectors' };
    case 'TERMINATE':
    case 'EXPLAIN':
      return { message: `${first} is not supported: ${NO_STREAMS}`, hint: 'SHOW CONNECTORS lists what runs' };
    case 'CREATE': {
      // CREATE [OR REPLACE] [SOURCE] {STREAM|TABLE} …, CREATE TYPE …
      let i = 1;
      if (word(tokens[i]) === 'OR' && word(tokens[i + 1]) === 'REPLACE') i += 2;
      if (word(tokens[i]) === 'SOURCE' && SOURCE_KINDS.has(word(tokens[i + 1]) ?? '')) i += 1;
      const kind = word(tokens[i]);
      if (kind === undefined || (!SOURCE_KINDS.has(kind) && kind !== 'TYPE')) return undefined;
      return { message: `CREATE ${kind} is not supported: ${NO_STREAMS}`, hint: MOVE_DATA };
    }
    case 'ASSERT':
      return { message: `ASSERT is not supported: ${NO_STREAMS}`, hint: 'SHOW TOPICS lists the topics' };
    case 'SHOW':
    case 'LIST': {
      const kind = word(tokens[1]);
      if ((kind !== 'FUNCTIONS' && kind !== 'TYPES') || tokens.length !== 2) return undefined;
      return { message: `${first} ${kind} is not supported: ${NO_STREAMS}`, hint: 'SHOW CONNECTOR PLUGINS lists the connector classes' };
    }
    case 'PAUSE':
    case 'RESUME': {
      // ksqlDB's PAUSE/RESUME {queryId | ALL}; Sluice's own take CONNECTOR name, and 'PAUSE CONECTOR x' stays a syntax error.
      if (tokens.length !== 2 || !(word(tokens[1]) === 'ALL' || isName(tokens[1]))) return undefined;
      return { message: `${first} of a query is not supported: ${NO_STREAMS}`, hint: `${first} CONNECTOR name ${first === 'PAUSE' ? 'pauses' : 'resumes'} a connector` };
    }
    case 'DESCRIBE': {
      // ksqlDB's DESCRIBE [EXTENDED] source (and the older DESCRIBE source EXTENDED).
      const named = word(tokens[1]) === 'EXTENDED' ? tokens.length === 3 && isName(tokens[2]) : isName(tokens[1]) && (tokens.length === 2 || (tokens.length === 3 && word(tokens[2]) === 'EXTENDED'));
      const kind = word(tokens[1]);
      if (kind !== undefined && FOLLOWING.DESCRIBE.has(kind)) return { message: `DESCRIBE ${kind} is not supported: ${NO_STREAMS}`, hint: SEE_RECORDS };
      if (!named) return undefined;
      return { message: `DESCRIBE of a stream or table is not supported: ${NO_STREAMS}`, hint: 'DESCRIBE CONNECTOR name describes a connector' };
    }
    case 'DROP':
    case 'ALTER': {
      const kind = word(tokens[1]);
      if (kind === undefined || !(FOLLOWING[first].has(kind))) return undefined;
      return { message: `${first} ${kind} is not supported: ${NO_STREAMS}`, hint: SEE_RECORDS };
    }
    default:
      return undefined;
  }
}

/** The UNSUPPORTED_STATEMENT error for a ksqlDB stream, table or query statement, or undefined for any other. */
export function unsupportedStatement(tokens: readonly IToken[], loc: Loc): SqlSemanticError | undefined {
  const u = recognise(tokens);
  return u && new SqlSemanticError('UNSUPPORTED_STATEMENT', u.message, { loc, hint: u.hint });
}
