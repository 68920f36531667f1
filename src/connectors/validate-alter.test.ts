import { describe, expect, it } from 'vitest';
import type { Loc } from '../sql/ast.js';
import { fileSink } from './file-sink/index.js';
import { jdbcSource } from './jdbc-source/index.js';
import { validateAlteredConfig } from './validate.js';

/** ALTER c SET ('k' = 'v', ...) or UNSET ('k', ...): each changed key gets its own line. */
function changes(...keys: string[]): Map<string, Loc> {
  return new Map(keys.map((k, i) => [k, { line: i + 2, column: 3, offset: 100 + 10 * i, length: k.length + 2 }]));
}

const STATEMENT: Loc = { line: 1, column: 1, offset: 0, length: 200 };

const STORED = {
  'connector.class': 'JdbcSource',
  'connection.url': 'jdbc:sqlite:/tmp/a.db',
  mode: 'incrementing',
  'processing.guarantees': 'EFFECTIVELY_ONCE',
};

function alter(config: Record<string, string>, changed: Map<string, Loc>, def = jdbcSource) {
  return validateAlteredConfig({ definition: def, config, changedLocs: changed, statementLoc: STATEMENT });
}

describe('validateAlteredConfig', () => {
  it('accepts a valid change and normalises the guarantee', () => {
    const result = alter({ ...STORED, 'processing.guarantees': 'atleast_once' }, changes('processing.guarantees'));
    expect(result.errors).toEqual([]);
    expect(result.config['processing.guarantees']).toBe('ATLEAST_ONCE');
  });

  it('points a bad value at the SET that wrote it', () => {
    const { errors } = alter({ ...STORED, 'poll.interval.ms': 'soon' }, changes('mode', 'poll.interval.ms'));
    expect(errors.map((e) => [e.code, e.loc?.line])).toEqual([['INVALID_CONFIG_VALUE', 3]]);
  });

  it('refuses a guarantee made impossible by a mode change, at the change', () => {
    const { errors } = alter({ ...STORED, mode: 'bulk' }, changes('mode'));
    expect(errors.map((e) => [e.code, e.loc?.line])).toEqual([['UNSUPPORTED_GUARANTEE', 2]]);
  });

  it('points a missing required key at its UNSET', () => {
    const { mode: _unset, ...rest } = STORED;
    const { errors } = alter(rest, changes('query.suffix', 'mode'));
    expect(errors.map((e) => [e.code, e.loc?.line])).toEqual([['MISSING_REQUIRED_CONFIG', 3]]);
  });

  it('points cross-field problems of unchanged keys at the first change', () => {
    const { errors } = alter({ ...STORED, mode: 'timestamp+incrementing' }, changes('mode'));
    expect(errors.map((e) => [e.code, e.loc?.line])).toEqual([['MISSING_REQUIRED_CONFIG', 2]]);
  });

  it('rejects unknown keys unless sluice.unknown.keys is warn', () => {
    expect(alter({ ...STORED, 'pol.interval.ms': '1' }, changes('pol.interval.ms')).errors.map((e) => e.hint)).toEqual([
      "did you mean 'poll.interval.ms'?",
    ]);
    const warned = alter({ ...STORED, 'pol.interval.ms': '1', 'sluice.unknown.keys': 'warn' }, changes('pol.interval.ms'));
    expect(warned.errors).toEqual([]);
    expect(warned.warnings).toHaveLength(1);
  });

  it('keeps connector.class immutable but allows re-stating the same connector', () => {
    const changed = alter({ ...STORED, 'connector.class': 'FileStreamSink' }, changes('connector.class'));
    expect(changed.errors.map((e) => [e.code, e.loc?.line])).toEqual([['IMMUTABLE_CONFIG_KEY', 2]]);
    const { 'connector.class': _unset, ...rest } = STORED;
    expect(alter(rest, changes('connector.class')).errors.map((e) => e.code)).toEqual(['IMMUTABLE_CONFIG_KEY']);
    const same = alter({ ...STORED, 'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector' }, changes('connector.class'));
    expect(same.errors).toEqual([]);
  });

  it('applies the sink topic rule', () => {
    const sink = { 'connector.class': 'FileStreamSink', topics: 'a' };
    const { topics: _unset, ...rest } = sink;
    const { errors } = alter(rest, changes('topics'), fileSink);
    expect(errors.map((e) => [e.code, e.loc?.line])).toEqual([['MISSING_REQUIRED_CONFIG', 2]]);
  });
});
