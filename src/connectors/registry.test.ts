import { describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS } from './builtin.js';
import { fileSink } from './file-sink/index.js';
import { fileSource } from './file-source/index.js';
import { jdbcSource } from './jdbc-source/index.js';
import { ConnectorRegistry, defaultRegistry } from './registry.js';

describe('ConnectorRegistry.resolve', () => {
  it.each([
    ['io.confluent.connect.jdbc.JdbcSourceConnector', jdbcSource],
    ['JdbcSourceConnector', jdbcSource],
    ['JdbcSource', jdbcSource],
    ['jdbc-source', jdbcSource],
    ['org.apache.kafka.connect.file.FileStreamSourceConnector', fileSource],
    ['FileStreamSourceConnector', fileSource],
    ['FileStreamSource', fileSource],
    ['file-source', fileSource],
    ['org.apache.kafka.connect.file.FileStreamSinkConnector', fileSink],
    ['FileStreamSinkConnector', fileSink],
    ['FileStreamSink', fileSink],
    ['file-sink', fileSink],
    // Aliases and short names ignore case.
    ['filestreamsink', fileSink],
    ['JDBC-SOURCE', jdbcSource],
  ])('%s', (spelling, def) => {
    expect(defaultRegistry.resolve(spelling)).toBe(def);
  });

  it('matches full class names exactly', () => {
    expect(defaultRegistry.resolve('io.confluent.connect.jdbc.jdbcsourceconnector')).toBeUndefined();
    expect(defaultRegistry.resolve('org.apache.kafka.connect.file.FileStreamSink')).toBeUndefined();
    expect(defaultRegistry.resolve('')).toBeUndefined();
  });

  it('lists the definitions in the given order', () => {
    expect(defaultRegistry.list()).toEqual(BUILTIN_CONNECTORS);
  });
});

describe('ConnectorRegistry.suggest', () => {
  it('offers the closest spelling', () => {
    expect(defaultRegistry.suggest('io.confluent.connect.jdbc.JdbcSourceConector')).toBe(jdbcSource.className);
    expect(defaultRegistry.suggest('io.confluent.connect.jdbc.jdbcsourceconnector')).toBe(jdbcSource.className);
    expect(defaultRegistry.suggest('FileStreamSinc')).toBe('FileStreamSink');
    expect(defaultRegistry.suggest('com.example.Unrelated')).toBeUndefined();
  });
});

describe('ConnectorRegistry construction', () => {
  it('rejects a duplicate short name, class name or alias, even in another case', () => {
    expect(() => new ConnectorRegistry([fileSink, { ...fileSource, name: 'file-sink' }])).toThrow(/file-sink/);
    expect(() => new ConnectorRegistry([fileSink, { ...jdbcSource, className: fileSink.className }])).toThrow(/FileStreamSinkConnector/);
    expect(() => new ConnectorRegistry([fileSink, { ...jdbcSource, aliases: ['FILESTREAMSINK'] }])).toThrow(/FILESTREAMSINK/);
    expect(() => new ConnectorRegistry([fileSink, fileSink])).toThrow(/twice/);
  });

  it('accepts the built-ins', () => {
    expect(new ConnectorRegistry(BUILTIN_CONNECTORS).list()).toHaveLength(BUILTIN_CONNECTORS.length);
  });
});
