import type { Statement, StatementKind } from '../sql/ast.js';
import { alterConnector } from './alter-connector.js';
import { changeConnectorState } from './connector-state.js';
import type { ExecContext } from './context.js';
import { listConnectorOffsets, resetConnectorOffsets } from './connector-offsets.js';
import { createConnector } from './create-connector.js';
import { describeConnector } from './describe-connector.js';
import { dropConnector } from './drop-connector.js';
import { listProperties, setProperty, unsetProperty } from './properties.js';
import type { Entity } from './results.js';
import { listConnectorPlugins, listConnectors } from './show-connectors.js';
import { listKsqlObjects } from './show-ksql-objects.js';
import { listTopics, printTopic } from './topics.js';
import { defineVariable, listVariables, undefineVariable } from './variables.js';

/** A handler runs inside the statement's catalog transaction; throwing rolls the whole statement back. */
type Handler<K extends StatementKind> = (s: Extract<Statement, { kind: K }>, ctx: ExecContext) => Entity;

/** RUN SCRIPT is not here: it runs many statements, each in its own transaction (see engine.ts). */
type TransactionalKind = Exclude<StatementKind, 'RunScript'>;

// Exhaustive by construction: adding a statement kind without a handler is a compile error.
export const HANDLERS: { [K in TransactionalKind]: Handler<K> } = {
  CreateConnector: createConnector,
  DropConnector: dropConnector,
  ListConnectors: listConnectors,
  ListConnectorPlugins: listConnectorPlugins,
  DescribeConnector: describeConnector,
  AlterConnectorSet: alterConnector,
  AlterConnectorUnset: alterConnector,
  ResetConnectorOffsets: resetConnectorOffsets,
  ListConnectorOffsets: listConnectorOffsets,
  PauseConnector: changeConnectorState,
  ResumeConnector: changeConnectorState,
  RestartConnector: changeConnectorState,
  DefineVariable: defineVariable,
  UndefineVariable: undefineVariable,
  ListVariables: listVariables,
  ListProperties: listProperties,
  ListKsqlObjects: listKsqlObjects,
  SetProperty: setProperty,
  UnsetProperty: unsetProperty,
  ListTopics: listTopics,
  PrintTopic: printTopic,
};

export function runHandler(s: Exclude<Statement, { kind: 'RunScript' }>, ctx: ExecContext): Entity {
  const handler = HANDLERS[s.kind] as Handler<typeof s.kind>;
  return handler(s as never, ctx);
}
