// Test support for the engine suites (excluded from the build, like src/connectors/testing.ts).
import { expect } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { Engine } from './engine.js';
import type { Entity, EntityType, StatementErrorEntity } from './results.js';
import { isError } from './results.js';
import { Session } from './session.js';

export interface Harness {
  catalog: Catalog;
  engine: Engine;
  session: Session;
  /** engine.execute on the harness session. */
  exec: (sql: string, file?: string) => Entity[];
}

export function harness(session: Session = new Session()): Harness {
  const catalog = Catalog.inMemory();
  const engine = new Engine({ catalog });
  return { catalog, engine, session, exec: (sql, file) => engine.execute(sql, session, file === undefined ? {} : { file }) };
}

/** The 1-based line and column of the n-th (0-based) occurrence of needle in text. */
export function at(text: string, needle: string, nth = 0): { line: number; column: number } {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`'${needle}' (#${nth}) not found in the text`);
  }
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** Exactly one entity of the given type; fails with the entity itself when it is something else. */
export function only<T extends EntityType>(entities: readonly Entity[], type: T): Extract<Entity, { '@type': T }> {
  expect(entities.map((e) => e['@type']), JSON.stringify(entities)).toEqual([type]);
  return entities[0] as Extract<Entity, { '@type': T }>;
}

/** The statement_error entities, with the test failing if any other entity is among them. */
export function onlyErrors(entities: readonly Entity[]): StatementErrorEntity[] {
  expect(entities.every(isError), JSON.stringify(entities)).toBe(true);
  return entities as StatementErrorEntity[];
}

export function codes(entities: readonly Entity[]): string[] {
  return entities.filter(isError).map((e) => e.code);
}

export const FILE_SOURCE = (name: string, topic = 'lines') =>
  `CREATE SOURCE CONNECTOR ${name} WITH ('connector.class' = 'FileStreamSource', 'file' = 'in.txt', 'topic' = '${topic}');`;

export const FILE_SINK = (name: string, topics = 'lines') =>
  `CREATE SINK CONNECTOR ${name} WITH ('connector.class' = 'FileStreamSink', 'file' = 'out.txt', 'topics' = '${topics}');`;

export const PASSWORD = 'hunter2-s3cret';

/** An incremental JDBC source with a password, laid out one property per line. */
export const JDBC_SOURCE = (name: string, extra = '') => `CREATE SOURCE CONNECTOR ${name} WITH (
  'connector.class'          = 'JdbcSource',
  'connection.url'           = 'jdbc:sqlite:shop.db',
  'connection.password'      = '${PASSWORD}',
  'mode'                     = 'incrementing',
  'incrementing.column.name' = 'id',
  'topic.prefix'             = 'jdbc-'${extra}
);`;
