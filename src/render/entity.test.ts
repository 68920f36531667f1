import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { Engine } from '../engine/engine.js';
import { Session } from '../engine/session.js';
import { renderEntity } from './entity.js';

// The shell's rendering of what ksqlDB tools and scripts send on connecting, through the engine as the shell runs it.

function shell(...statements: string[]): string[] {
  const engine = new Engine({ catalog: Catalog.inMemory() });
  const session = new Session();
  try {
    return statements.flatMap((s) => engine.execute(s, session).map((e) => renderEntity(e)));
  } finally {
    engine.catalog.close();
  }
}

/** The first line of a table: its column headers. */
const header = (table: string) => table.split('\n')[0]!.split('|').map((c) => c.trim());

describe('SHOW STREAMS, TABLES and QUERIES', () => {
  it.each([
    ['SHOW STREAMS;', ['Stream Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed']],
    ['SHOW STREAMS EXTENDED;', ['Stream Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed']],
    ['LIST TABLES;', ['Table Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed']],
    ['SHOW TABLES EXTENDED;', ['Table Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed']],
    ['SHOW QUERIES;', ['Query ID', 'Query Type', 'Status', 'Sink Name', 'Sink Kafka Topic', 'Query String']],
  ])('%s is an empty table with ksqlDB\'s column headers', (sql, columns) => {
    const [table] = shell(sql);
    expect(header(table!)).toEqual(columns);
    // The headers, the rule under them and the closing rule: no rows.
    expect(table!.split('\n')).toHaveLength(3);
  });
});

describe('SET and SHOW PROPERTIES', () => {
  it("a ksqlDB property is set with a WARNING line saying it has no effect", () => {
    const [out] = shell("SET 'auto.offset.reset' = 'earliest';");
    expect(out!.split('\n')).toEqual([
      "Successfully changed local property 'auto.offset.reset' to 'earliest'.",
      "WARNING: 'auto.offset.reset' has no effect in Sluice: it is a ksqlDB setting, kept for the session and listed by SHOW PROPERTIES",
    ]);
  });

  it("SHOW PROPERTIES has ksqlDB's columns and says which values the session set", () => {
    const out = shell("SET 'ksql.streams.cache.max.bytes.buffering' = '0';", 'SHOW PROPERTIES;')[1]!;
    expect(header(out)).toEqual(['Property', 'Scope', 'Default override', 'Effective Value']);
    const rows = out.split('\n').slice(2, -1).map((l) => l.split('|').map((c) => c.trim()));
    expect(rows).toEqual([
      ['ksql.streams.cache.max.bytes.buffering', 'KSQL', 'SESSION', '0'],
      ['ksql.variable.substitution.enable', 'KSQL', '', 'true'],
      ['sluice.unknown.keys', 'SLUICE', '', 'error'],
    ]);
  });
});
