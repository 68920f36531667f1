import { describe, expect, it } from 'vitest';
import { ConnectorConfigError } from '../errors/base.js';
import type { SluiceError } from '../errors/base.js';
import { fileSource } from './file-source/index.js';
import { ConnectorRegistry } from './registry.js';
import { field } from './schema.js';
import type { ConnectorDefinition } from './schema.js';
import { MASK } from './secrets.js';
import { fakeCreate, textAt } from './testing.js';
import { validateConnectorConfig } from './validate.js';

type Pairs = readonly (readonly [string, string])[];

function run(type: 'SOURCE' | 'SINK', pairs: Pairs, defaultUnknownKeys?: 'error' | 'warn') {
  const { text, input } = fakeCreate(type, pairs);
  const result = validateConnectorConfig(defaultUnknownKeys ? { ...input, defaultUnknownKeys } : input);
  return { text, input, result };
}

/** code @ line:column, plus the text the location covers, so positions are checked without depending on wording. */
function at(text: string, e: SluiceError): string {
  return `${e.code}@${e.loc?.line}:${e.loc?.column} ${textAt(text, e.loc)}`;
}

const FILE_SOURCE: Pairs = [
  ['connector.class', 'FileStreamSource'],
  ['file', '/tmp/in.txt'],
  ['topic', 'lines'],
];

describe('validateConnectorConfig: a valid statement', () => {
  it('resolves the definition and returns only the given keys', () => {
    const { result } = run('SOURCE', [...FILE_SOURCE, ['processing.guarantees', 'effectively_once']]);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.definition).toBe(fileSource);
    expect(result.config).toEqual({
      'connector.class': 'FileStreamSource',
      file: '/tmp/in.txt',
      topic: 'lines',
      'processing.guarantees': 'EFFECTIVELY_ONCE',
    });
  });

  it('accepts prefix families and case-insensitive enums', () => {
    const { result } = run('SOURCE', [
      ...FILE_SOURCE,
      ['value.converter.schemas.enable', 'false'],
      ['producer.override.linger.ms', '5'],
      ['errors.tolerance', 'ALL'],
    ]);
    expect(result.errors).toEqual([]);
  });
});

describe('validateConnectorConfig: key problems', () => {
  it('reports an unknown key at its key with a did-you-mean hint', () => {
    const { text, result } = run('SOURCE', [...FILE_SOURCE, ['batch.sise', '10']]);
    expect(result.errors.map((e) => at(text, e))).toEqual(["UNKNOWN_CONFIG_KEY@5:3 'batch.sise'"]);
    expect(result.errors[0]).toBeInstanceOf(ConnectorConfigError);
    expect(result.errors[0]!.message).toContain("'batch.sise'");
    expect(result.errors[0]!.hint).toBe("did you mean 'batch.size'?");
    expect(result.config).not.toHaveProperty('batch.sise');
  });

  it('hints the case-insensitive match of a key, since keys are case-sensitive', () => {
    const { result } = run('SOURCE', [...FILE_SOURCE, ['Batch.Size', '10']]);
    expect(result.errors.map((e) => [e.code, e.hint])).toEqual([['UNKNOWN_CONFIG_KEY', "did you mean 'batch.size'?"]]);
  });

  it('completes a misspelt prefix family and explains transforms', () => {
    const { result } = run('SOURCE', [
      ...FILE_SOURCE,
      ['value.convertor.schemas.enable', 'false'],
      ['transforms', 'mask'],
      ['transforms.mask.type', 'x'],
    ]);
    expect(result.errors.map((e) => e.code)).toEqual(['UNKNOWN_CONFIG_KEY', 'UNKNOWN_CONFIG_KEY', 'UNKNOWN_CONFIG_KEY']);
    expect(result.errors[0]!.hint).toBe("did you mean 'value.converter.schemas.enable'?");
    expect(result.errors[1]!.hint).toMatch(/Transforms are not supported/);
    expect(result.errors[2]!.hint).toMatch(/Transforms are not supported/);
  });

  it('reports the second of a duplicated key at its key', () => {
    const { text, result } = run('SOURCE', [...FILE_SOURCE, ['topic', 'other']]);
    expect(result.errors.map((e) => at(text, e))).toEqual(["DUPLICATE_CONFIG_KEY@5:3 'topic'"]);
    expect(result.errors[0]!.message).toContain('line 4, column 3');
    expect(result.config['topic']).toBe('lines');
  });

  it('reports a missing required key at the statement', () => {
    const { result } = run('SOURCE', [['connector.class', 'FileStreamSource']]);
    expect(result.errors.map((e) => [e.code, e.loc?.line, e.loc?.column])).toEqual([['MISSING_REQUIRED_CONFIG', 1, 1]]);
    expect(result.errors[0]!.message).toContain("'topic'");
  });

  it('reports a misspelt required key once, as the did-you-mean at the misspelling, not also as missing', () => {
    const jdbc = run('SOURCE', [
      ['connector.class', 'JdbcSourceConnector'],
      ['conection.url', 'jdbc:sqlite:/tmp/x.db'],
      ['mode', 'bulk'],
      ['topic.prefix', 'db-'],
    ]);
    expect(jdbc.result.errors.map((e) => at(jdbc.text, e))).toEqual(["UNKNOWN_CONFIG_KEY@3:3 'conection.url'"]);
    expect(jdbc.result.errors[0]!.hint).toBe("did you mean 'connection.url'?");
    const file = run('SOURCE', [['connector.class', 'FileStreamSource'], ['tpoic', 'lines']]);
    expect(file.result.errors.map((e) => at(file.text, e))).toEqual(["UNKNOWN_CONFIG_KEY@3:3 'tpoic'"]);
    // A sink's topics is required by the framework rule "one of topics or topics.regex", not by the field.
    const sink = run('SINK', [['connector.class', 'FileStreamSink'], ['file', '/tmp/out.txt'], ['topcs', 'lines']]);
    expect(sink.result.errors.map((e) => at(sink.text, e))).toEqual(["UNKNOWN_CONFIG_KEY@4:3 'topcs'"]);
  });

  it('still reports a missing required key that no unknown key was taken for', () => {
    const { result } = run('SOURCE', [['connector.class', 'FileStreamSource'], ['batch.sise', '1']]);
    expect(result.errors.map((e) => e.code)).toEqual(['MISSING_REQUIRED_CONFIG', 'UNKNOWN_CONFIG_KEY']);
    // Under 'warn' the misspelling is kept as an unknown key, so the key meant is still missing: that is the error.
    const warned = run('SOURCE', [['connector.class', 'FileStreamSource'], ['tpoic', 'lines']], 'warn');
    expect(warned.result.errors.map((e) => e.code)).toEqual(['MISSING_REQUIRED_CONFIG']);
  });

  it('reports a blank required value at the value', () => {
    const { text, result } = run('SOURCE', [['connector.class', 'FileStreamSource'], ['topic', ' ']]);
    expect(result.errors.map((e) => at(text, e))).toEqual(["INVALID_CONFIG_VALUE@3:13 ' '"]);
  });
});

describe('validateConnectorConfig: value problems', () => {
  it('reports a bad int at its value with the expected range', () => {
    const { text, result } = run('SOURCE', [...FILE_SOURCE, ['tasks.max', '0'], ['batch.size', 'many']]);
    expect(result.errors.map((e) => at(text, e))).toEqual(["INVALID_CONFIG_VALUE@5:17 '0'", "INVALID_CONFIG_VALUE@6:18 'many'"]);
    expect(result.errors[0]!.message).toContain("'tasks.max'");
    expect(result.errors[0]!.message).toContain('expected an integer between 1 and 2147483647');
  });

  it('lists the allowed values of a bad enum and suggests the closest', () => {
    const { result } = run('SOURCE', [...FILE_SOURCE, ['errors.tolerance', 'al']]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.message).toContain("expected one of 'none', 'all'");
    expect(result.errors[0]!.hint).toBe("did you mean 'all'?");
  });

  it('never echoes the value of a secret key', () => {
    const vault: ConnectorDefinition = {
      ...fileSource,
      name: 'vault-source',
      className: 'com.example.VaultSource',
      aliases: [],
      fields: [field.int('secret.pin', 'A numeric secret.'), field.int('pin.count', 'Not a secret.')],
    };
    const { input } = fakeCreate('SOURCE', [
      ['connector.class', 'vault-source'],
      ['secret.pin', 'hunter2'],
      ['pin.count', 'hunter3'],
    ]);
    const { errors } = validateConnectorConfig({ ...input, registry: new ConnectorRegistry([vault]) });
    expect(errors.map((e) => e.code)).toEqual(['INVALID_CONFIG_VALUE', 'INVALID_CONFIG_VALUE']);
    expect(errors[0]!.message).not.toContain('hunter2');
    expect(errors[0]!.message).toContain(MASK);
    expect(errors[1]!.message).toContain('hunter3');
  });
});

describe('validateConnectorConfig: connector class', () => {
  it('requires connector.class', () => {
    const { result } = run('SOURCE', [['topic', 'x']]);
    expect(result.errors.map((e) => [e.code, e.loc?.line, e.loc?.column])).toEqual([['MISSING_CONNECTOR_CLASS', 1, 1]]);
    expect(result.definition).toBeUndefined();
  });

  it('reports an unknown class at its value with a suggestion and the known classes', () => {
    const { text, result } = run('SOURCE', [['connector.class', 'FileStreamSorce'], ['topic', 'x']]);
    expect(result.errors.map((e) => at(text, e))).toEqual(["UNKNOWN_CONNECTOR_CLASS@2:23 'FileStreamSorce'"]);
    expect(result.errors[0]!.hint).toBe("did you mean 'FileStreamSource'?");
    expect(result.errors[0]!.message).toContain('io.confluent.connect.jdbc.JdbcSourceConnector');
    expect(result.errors[0]!.message).toContain('org.apache.kafka.connect.file.FileStreamSinkConnector');
  });

  it('reports a blank class as unknown', () => {
    const { result } = run('SOURCE', [['connector.class', ''], ['topic', 'x']]);
    expect(result.errors.map((e) => e.code)).toEqual(['UNKNOWN_CONNECTOR_CLASS']);
  });

  it('still judges framework keys when the class is unknown, but not other keys', () => {
    const { result } = run('SINK', [['connector.class', 'Nope'], ['tasks.max', '-1'], ['whatever', 'x']]);
    expect(result.errors.map((e) => e.code)).toEqual(['UNKNOWN_CONNECTOR_CLASS', 'INVALID_CONFIG_VALUE']);
  });

  it('reports SOURCE/SINK mismatch at the type keyword', () => {
    const { text, result } = run('SOURCE', [['connector.class', 'FileStreamSink'], ['topics', 't']]);
    expect(result.errors.map((e) => at(text, e))).toEqual(['CONNECTOR_TYPE_MISMATCH@1:8 SOURCE']);
    expect(result.errors[0]!.message).toBe('FileStreamSink is a sink connector: write CREATE SINK CONNECTOR');
  });
});

describe('validateConnectorConfig: unknown-key policy and collecting everything', () => {
  const typo: Pairs = [...FILE_SOURCE, ['batch.sise', '10']];

  it("keeps unknown keys as warnings with sluice.unknown.keys='warn'", () => {
    const { result } = run('SOURCE', [...typo, ['sluice.unknown.keys', 'WARN']]);
    expect(result.errors).toEqual([]);
    expect(result.config['batch.sise']).toBe('10');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain("'batch.sise'");
    expect(result.warnings[0]).toContain("did you mean 'batch.size'?");
  });

  it('takes the session default unless the statement overrides it', () => {
    expect(run('SOURCE', typo, 'warn').result.errors).toEqual([]);
    const overridden = run('SOURCE', [...typo, ['sluice.unknown.keys', 'error']], 'warn').result;
    expect(overridden.errors.map((e) => e.code)).toEqual(['UNKNOWN_CONFIG_KEY']);
  });

  it('reports every problem at once, in text order', () => {
    const { text, result } = run('SINK', [
      ['connector.class', 'FileStreamSource'],
      ['file', ''],
      ['tasks.max', 'x'],
      ['tpoic', 't'],
      ['file', 'again'],
      ['processing.guarantees', 'EFFECTIVELY_ONCE'],
      ['sluice.unknown.keys', 'maybe'],
    ]);
    // 'topic' is not also reported missing: 'tpoic' is refused as its misspelling.
    expect(result.errors.map((e) => at(text, e))).toEqual([
      'CONNECTOR_TYPE_MISMATCH@1:8 SINK',
      "INVALID_CONFIG_VALUE@4:17 'x'",
      "UNKNOWN_CONFIG_KEY@5:3 'tpoic'",
      "DUPLICATE_CONFIG_KEY@6:3 'file'",
      "UNSUPPORTED_GUARANTEE@7:29 'EFFECTIVELY_ONCE'",
      "INVALID_CONFIG_VALUE@8:27 'maybe'",
    ]);
    expect(result.errors[2]!.hint).toBe("did you mean 'topic'?");
  });
});
