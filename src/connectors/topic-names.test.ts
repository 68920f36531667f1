import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { Engine } from '../engine/engine.js';
import { isError } from '../engine/results.js';
import { Session } from '../engine/session.js';

const errors = (sql: string) => new Engine({ catalog: Catalog.inMemory() }).execute(sql, new Session()).filter(isError);

// Kafka's rule (1–249 of [a-zA-Z0-9._-], not '.' or '..') is checked when the connector is created, at the
// property, rather than when the first record is written.
describe('topic names in connector configs', () => {
  it.each([
    ["CREATE SOURCE CONNECTOR a WITH ('connector.class'='FileStreamSource', 'topic'='bad topic/x');", "'bad topic/x'"],
    ["CREATE SOURCE CONNECTOR a WITH ('connector.class'='FileStreamSource', 'topic'='..');", "'..'"],
    ["CREATE SINK CONNECTOR b WITH ('connector.class'='FileStreamSink', 'topics'='a,,b');", "'a,,b'"],
    ["CREATE SINK CONNECTOR b WITH ('connector.class'='FileStreamSink', 'topics'='a', 'errors.deadletterqueue.topic.name'='dl q');", "'dl q'"],
    ["CREATE SOURCE CONNECTOR c WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite:x.db', 'mode'='bulk', 'topic.prefix'='bad prefix-');", "'bad prefix-'"],
  ])('%s is refused at the value', (sql, value) => {
    expect(errors(sql)).toMatchObject([{ code: 'INVALID_CONFIG_VALUE', line: 1, column: sql.indexOf(value) + 1 }]);
  });

  it.each([
    "CREATE SINK CONNECTOR d WITH ('connector.class'='FileStreamSink', 'topics'='ok.topic_1, other-2');",
    "CREATE SOURCE CONNECTOR c WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite:x.db', 'mode'='bulk', 'topic.prefix'='jdbc-');",
    "CREATE SOURCE CONNECTOR c WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite:x.db', 'mode'='bulk', 'table.whitelist'='t');",
  ])('%s is accepted', (sql) => {
    expect(errors(sql)).toEqual([]);
  });
});
