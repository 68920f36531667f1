import { RESERVED_KEYWORDS } from '../../grammar/keywords.js';
import type { Identifier, Property, Statement } from './ast.js';

// AST → canonical SQL. parse(format(ast)) yields the same AST (positions aside): every statement kind is
// round-trip tested. Values are written after substitution, so a literal `${` is escaped as `$${`.

const RESERVED = new Set<string>(RESERVED_KEYWORDS);
const BARE = /^[A-Z_][A-Z0-9_@]*$/;
// An unquoted name may also start with digits (`1ABC`, a DIGIT_IDENTIFIER), unless it would read as a number (`1E3`).
const DIGIT_BARE = /^[0-9]+[A-Z_@][A-Z0-9_@]*$/;
const NUMBER_LIKE = /^[0-9]+E[0-9]+$/;

function isBare(value: string): boolean {
  return (BARE.test(value) && !RESERVED.has(value)) || (DIGIT_BARE.test(value) && !NUMBER_LIKE.test(value));
}

export function quoteString(value: string): string {
  return `'${value.split("'").join("''").split('${').join('$${')}'`;
}

export function formatIdentifier(id: Pick<Identifier, 'value' | 'quoting'>): string {
  if (id.quoting === 'double') return `"${id.value.split('"').join('""')}"`;
  if (id.quoting === 'none' && isBare(id.value)) return id.value;
  return `\`${id.value.split('`').join('``')}\``;
}

function formatValue(p: Pick<Property, 'value' | 'valueKind'>): string {
  switch (p.valueKind) {
    case 'string':
      return quoteString(p.value);
    case 'boolean':
      return p.value.toUpperCase();
    case 'null':
      return 'NULL';
    case 'number':
      return p.value;
  }
}

export function formatProperties(props: readonly Pick<Property, 'key' | 'value' | 'valueKind'>[]): string {
  return `(${props.map((p) => `${quoteString(p.key)} = ${formatValue(p)}`).join(', ')})`;
}

function body(s: Statement): string {
  switch (s.kind) {
    case 'CreateConnector':
      return `CREATE ${s.connectorType} CONNECTOR ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${formatIdentifier(s.name)} WITH ${formatProperties(s.properties)}`;
    case 'DropConnector':
      return `DROP CONNECTOR ${s.ifExists ? 'IF EXISTS ' : ''}${formatIdentifier(s.name)}`;
    case 'ListConnectors':
      return `SHOW ${s.scope ? `${s.scope} ` : ''}CONNECTORS`;
    case 'ListConnectorPlugins':
      return 'SHOW CONNECTOR PLUGINS';
    case 'DescribeConnector':
      return `DESCRIBE CONNECTOR ${formatIdentifier(s.name)}${s.extended ? ' EXTENDED' : ''}`;
    case 'AlterConnectorSet':
      return `ALTER CONNECTOR ${formatIdentifier(s.name)} SET ${formatProperties(s.properties)}`;
    case 'AlterConnectorUnset':
      return `ALTER CONNECTOR ${formatIdentifier(s.name)} UNSET (${s.keys.map((k) => quoteString(k.key)).join(', ')})`;
    case 'ResetConnectorOffsets':
      return `ALTER CONNECTOR ${formatIdentifier(s.name)} RESET OFFSETS`;
    case 'ListConnectorOffsets':
      return `SHOW CONNECTOR OFFSETS ${formatIdentifier(s.name)}`;
    case 'PauseConnector':
      return `PAUSE CONNECTOR ${formatIdentifier(s.name)}`;
    case 'ResumeConnector':
      return `RESUME CONNECTOR ${formatIdentifier(s.name)}`;
    case 'RestartConnector':
      return `RESTART CONNECTOR ${formatIdentifier(s.name)}`;
    case 'DefineVariable':
      return `DEFINE ${s.name} = ${quoteString(s.value)}`;
    case 'UndefineVariable':
      return `UNDEFINE ${s.name}`;
    case 'ListVariables':
      return 'SHOW VARIABLES';
    case 'ListProperties':
      return 'SHOW PROPERTIES';
    case 'ListKsqlObjects':
      return `SHOW ${s.what}${s.extended ? ' EXTENDED' : ''}`;
    case 'SetProperty':
      return `SET ${quoteString(s.name)} = ${quoteString(s.value)}`;
    case 'UnsetProperty':
      return `UNSET ${quoteString(s.name)}`;
    case 'RunScript':
      return `RUN SCRIPT ${quoteString(s.path)}`;
    case 'ListTopics':
      return `SHOW ${s.all ? 'ALL ' : ''}TOPICS${s.extended ? ' EXTENDED' : ''}`;
    case 'PrintTopic':
      return [
        `PRINT ${quoteString(s.topic)}`,
        s.fromBeginning ? ' FROM BEGINNING' : '',
        s.interval !== undefined ? ` INTERVAL ${s.interval}` : '',
        s.limit !== undefined ? ` LIMIT ${s.limit}` : '',
      ].join('');
  }
}

/** Canonical text of one statement, ending in ';'. */
export function formatStatement(s: Statement): string {
  return `${body(s)};`;
}
