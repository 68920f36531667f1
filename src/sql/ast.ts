import type { SourceLocation } from '../errors/base.js';

/**
 * The typed statement tree. Every node keeps where it came from so any later error — a bad property value found
 * by a connector schema, an unknown connector name — can point at the exact line and column.
 * Values here are already variable-substituted and unquoted.
 */

export type Loc = SourceLocation & { offset: number; length: number };

export interface Identifier {
  /** The name as Sluice uses it: unquoted identifiers fold to upper case, quoted ones keep case. */
  readonly value: string;
  readonly quoting: 'none' | 'double' | 'back';
  readonly loc: Loc;
}

export type LiteralKind = 'string' | 'number' | 'boolean' | 'null';

/** One `key = value` of a WITH (...) or SET (...) list. All values are kept as strings, as Kafka Connect does. */
export interface Property {
  readonly key: string;
  readonly keyLoc: Loc;
  readonly value: string;
  readonly valueKind: LiteralKind;
  readonly valueLoc: Loc;
}

/** A key of ALTER ... UNSET (key, ...), written as a WITH key is. */
export interface KeyRef {
  readonly key: string;
  readonly loc: Loc;
}

export type ConnectorType = 'SOURCE' | 'SINK';

interface Base {
  /** Statement start. */
  readonly loc: Loc;
  /** The statement's own text, from its first token to its ';' (comments before it dropped). */
  readonly text: string;
}

export interface CreateConnector extends Base {
  readonly kind: 'CreateConnector';
  readonly connectorType: ConnectorType;
  readonly typeLoc: Loc;
  readonly ifNotExists: boolean;
  readonly name: Identifier;
  readonly properties: readonly Property[];
}

export interface DropConnector extends Base {
  readonly kind: 'DropConnector';
  readonly ifExists: boolean;
  readonly name: Identifier;
}

export interface ListConnectors extends Base {
  readonly kind: 'ListConnectors';
  readonly scope: ConnectorType | undefined;
}

export interface ListConnectorPlugins extends Base {
  readonly kind: 'ListConnectorPlugins';
}

export interface DescribeConnector extends Base {
  readonly kind: 'DescribeConnector';
  readonly name: Identifier;
  readonly extended: boolean;
}

export interface AlterConnectorSet extends Base {
  readonly kind: 'AlterConnectorSet';
  readonly name: Identifier;
  readonly properties: readonly Property[];
}

export interface AlterConnectorUnset extends Base {
  readonly kind: 'AlterConnectorUnset';
  readonly name: Identifier;
  readonly keys: readonly KeyRef[];
}

/** ALTER CONNECTOR name RESET OFFSETS: forget committed positions (only while paused). */
export interface ResetConnectorOffsets extends Base {
  readonly kind: 'ResetConnectorOffsets';
  readonly name: Identifier;
}

/** SHOW CONNECTOR OFFSETS name. */
export interface ListConnectorOffsets extends Base {
  readonly kind: 'ListConnectorOffsets';
  readonly name: Identifier;
}

export interface PauseConnector extends Base {
  readonly kind: 'PauseConnector';
  readonly name: Identifier;
}

export interface ResumeConnector extends Base {
  readonly kind: 'ResumeConnector';
  readonly name: Identifier;
}

export interface RestartConnector extends Base {
  readonly kind: 'RestartConnector';
  readonly name: Identifier;
}

export interface DefineVariable extends Base {
  readonly kind: 'DefineVariable';
  readonly name: string;
  readonly nameLoc: Loc;
  readonly value: string;
  readonly valueLoc: Loc;
}

export interface UndefineVariable extends Base {
  readonly kind: 'UndefineVariable';
  readonly name: string;
  readonly nameLoc: Loc;
}

export interface ListVariables extends Base {
  readonly kind: 'ListVariables';
}

/** SHOW PROPERTIES: the session's properties, ksqlDB's `properties` entity. */
export interface ListProperties extends Base {
  readonly kind: 'ListProperties';
}

/** SHOW STREAMS | TABLES | QUERIES [EXTENDED]: ksqlDB tools ask when they connect; Sluice has none of them. */
export interface ListKsqlObjects extends Base {
  readonly kind: 'ListKsqlObjects';
  readonly what: 'STREAMS' | 'TABLES' | 'QUERIES';
  readonly extended: boolean;
}

export interface SetProperty extends Base {
  readonly kind: 'SetProperty';
  readonly name: string;
  readonly nameLoc: Loc;
  readonly value: string;
  readonly valueLoc: Loc;
}

export interface UnsetProperty extends Base {
  readonly kind: 'UnsetProperty';
  readonly name: string;
  readonly nameLoc: Loc;
}

export interface RunScript extends Base {
  readonly kind: 'RunScript';
  readonly path: string;
  readonly pathLoc: Loc;
}

export interface ListTopics extends Base {
  readonly kind: 'ListTopics';
  readonly all: boolean;
  readonly extended: boolean;
}

export interface PrintTopic extends Base {
  readonly kind: 'PrintTopic';
  /** Topic names are case-sensitive even when unquoted (as in ksqlDB). */
  readonly topic: string;
  readonly topicLoc: Loc;
  readonly fromBeginning: boolean;
  readonly interval: number | undefined;
  readonly limit: number | undefined;
}

export type Statement =
  | CreateConnector
  | DropConnector
  | ListConnectors
  | ListConnectorPlugins
  | DescribeConnector
  | AlterConnectorSet
  | AlterConnectorUnset
  | ResetConnectorOffsets
  | ListConnectorOffsets
  | PauseConnector
  | ResumeConnector
  | RestartConnector
  | DefineVariable
  | UndefineVariable
  | ListVariables
  | ListProperties
  | ListKsqlObjects
  | SetProperty
  | UnsetProperty
  | RunScript
  | ListTopics
  | PrintTopic;

export type StatementKind = Statement['kind'];
