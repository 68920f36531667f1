import { describe, expect, it } from 'vitest';
import type { SluiceError } from '../../errors/base.js';
import { fakeCreate, textAt } from '../testing.js';
import { validateConnectorConfig } from '../validate.js';
import { jdbcSource } from './index.js';

type Pairs = readonly (readonly [string, string])[];

const BASE: Pairs = [
  ['connector.class', 'io.confluent.connect.jdbc.JdbcSourceConnector'],
  ['connection.url', 'jdbc:postgresql://localhost:5432/shop'],
  ['mode', 'incrementing'],
  ['incrementing.column.name', 'id'],
  ['topic.prefix', 'shop-'],
];

function check(pairs: Pairs) {
  const { text, input } = fakeCreate('SOURCE', pairs);
  const { errors, definition } = validateConnectorConfig(input);
  return { errors, definition, found: errors.map((e: SluiceError) => `${e.code} ${textAt(text, e.loc)}`) };
}

function withOverrides(overrides: Record<string, string>): Pairs {
  const keys = Object.keys(overrides);
  return [...BASE.filter(([k]) => !keys.includes(k)), ...Object.entries(overrides)];
}

describe('jdbc-source', () => {
  it('accepts the ksqlDB documentation example shape', () => {
    const { errors, definition } = check([
      ['connector.class', 'io.confluent.connect.jdbc.JdbcSourceConnector'],
      ['connection.url', 'jdbc:postgresql://localhost:5432/my.db'],
      ['mode', 'bulk'],
      ['topic.prefix', 'jdbc-'],
      ['table.whitelist', 'users'],
      ['key', 'username'],
    ]);
    expect(errors).toEqual([]);
    expect(definition).toBe(jdbcSource);
  });

  it.each(['jdbc:sqlite:/tmp/a.db', 'jdbc:mysql://h/db', 'jdbc:mariadb://h/db'])('supports %s', (url) => {
    expect(check(withOverrides({ 'connection.url': url })).errors).toEqual([]);
  });

  it('names the supported databases and hides credentials of an unsupported URL', () => {
    const { errors, found } = check(withOverrides({ 'connection.url': 'jdbc:oracle:thin:scott/tiger@h:1521:x' }));
    expect(found).toEqual(["INVALID_CONFIG_VALUE 'jdbc:oracle:thin:scott/tiger@h:1521:x'"]);
    expect(errors[0]!.message).toContain("'jdbc:oracle'");
    expect(errors[0]!.message).toContain('jdbc:sqlite:');
    expect(errors[0]!.message).toContain('jdbc:mariadb://');
    expect(errors[0]!.message).not.toContain('tiger');
  });

  it('requires connection.url and mode, listing the modes', () => {
    const { errors } = check([['connector.class', 'JdbcSource']]);
    expect(errors.map((e) => e.code)).toEqual(['MISSING_REQUIRED_CONFIG', 'MISSING_REQUIRED_CONFIG']);
    expect(errors[1]!.message).toContain("'mode'");
    expect(errors[1]!.message).toContain("'timestamp+incrementing'");
  });

  it('rejects an unknown mode with the allowed values', () => {
    const { errors, found } = check(withOverrides({ mode: 'incremental' }));
    expect(found).toEqual(["INVALID_CONFIG_VALUE 'incremental'"]);
    expect(errors[0]!.message).toContain("'bulk', 'incrementing', 'timestamp', 'timestamp+incrementing'");
    expect(errors[0]!.hint).toBe("did you mean 'incrementing'?");
  });

  it.each(['timestamp', 'timestamp+incrementing'])('mode %s needs timestamp.column.name', (mode) => {
    expect(check(withOverrides({ mode })).errors.map((e) => [e.code, e.loc?.line])).toEqual([['MISSING_REQUIRED_CONFIG', 1]]);
    expect(check(withOverrides({ mode, 'timestamp.column.name': 'updated_at' })).errors).toEqual([]);
  });

  it('points an empty timestamp.column.name at its value', () => {
    const { found } = check(withOverrides({ mode: 'timestamp', 'timestamp.column.name': ' ' }));
    expect(found).toEqual(["MISSING_REQUIRED_CONFIG ' '"]);
  });

  it('keeps table.whitelist, table.blacklist and query apart', () => {
    expect(check(withOverrides({ 'table.whitelist': 'a', 'table.blacklist': 'b' })).found).toEqual(["INVALID_CONFIG_VALUE 'b'"]);
    const { found } = check(withOverrides({ query: 'SELECT * FROM t', 'table.whitelist': 'a', 'table.blacklist': 'b' }));
    expect(found).toEqual(["INVALID_CONFIG_VALUE 'a'", "INVALID_CONFIG_VALUE 'b'", "INVALID_CONFIG_VALUE 'b'"]);
  });

  it('checks table.include.list and table.exclude.list: valid regular expressions, the exclude list only with the include list, neither beside the older lists or a query', () => {
    expect(check(withOverrides({ 'table.include.list': 'public\\.orders_.*, audit', 'table.exclude.list': '.*_old' })).errors).toEqual([]);
    expect(check(withOverrides({ 'table.exclude.list': 'x' })).found).toEqual(["INVALID_CONFIG_VALUE 'x'"]);
    const bad = check(withOverrides({ 'table.include.list': 'ok, a[b' }));
    expect(bad.found).toEqual(["INVALID_CONFIG_VALUE 'ok, a[b'"]);
    expect(bad.errors[0]?.message).toMatch(/'table.include.list' has an invalid regular expression 'a\[b': /);
    expect(check(withOverrides({ 'table.include.list': 'a', 'table.whitelist': 'a' })).found).toEqual(["INVALID_CONFIG_VALUE 'a'"]);
    expect(check(withOverrides({ query: 'SELECT 1', 'table.include.list': 'a' })).found).toEqual(["INVALID_CONFIG_VALUE 'a'"]);
  });

  it('lets table mode run without a topic prefix but needs one as the topic of a query', () => {
    expect(check(withOverrides({ 'topic.prefix': '' })).errors).toEqual([]);
    const { found } = check(withOverrides({ 'topic.prefix': '', query: 'SELECT * FROM t' }));
    expect(found).toEqual(["MISSING_REQUIRED_CONFIG ''"]);
    expect(check(withOverrides({ query: 'SELECT * FROM t' })).errors).toEqual([]);
  });

  it('checks types and time zones', () => {
    const { found } = check(
      withOverrides({ 'batch.max.rows': '0', 'validate.non.null': 'nope', 'db.timezone': 'Mars/Base', 'numeric.mapping': 'BEST_FIT' }),
    );
    expect(found).toEqual(["INVALID_CONFIG_VALUE '0'", "INVALID_CONFIG_VALUE 'nope'", "INVALID_CONFIG_VALUE 'Mars/Base'"]);
    expect(check(withOverrides({ 'db.timezone': 'Europe/Paris' })).errors).toEqual([]);
  });

  it("refuses EFFECTIVELY_ONCE in plain timestamp mode, pointing to 'timestamp+incrementing'", () => {
    const ts = { 'timestamp.column.name': 'updated_at', 'processing.guarantees': 'EFFECTIVELY_ONCE' };
    const { found, errors } = check(withOverrides({ ...ts, mode: 'timestamp' }));
    expect(found).toEqual(["UNSUPPORTED_GUARANTEE 'EFFECTIVELY_ONCE'"]);
    expect(errors[0]?.message).toContain('timestamp+incrementing');
    expect(check(withOverrides({ ...ts, mode: 'timestamp+incrementing', 'incrementing.column.name': 'id' })).found).toEqual([]);
  });

  it('refuses EFFECTIVELY_ONCE in bulk mode at the guarantee, explaining what bulk can promise', () => {
    const { errors, found } = check(withOverrides({ mode: 'bulk', 'processing.guarantees': 'EFFECTIVELY_ONCE' }));
    expect(found).toEqual(["UNSUPPORTED_GUARANTEE 'EFFECTIVELY_ONCE'"]);
    expect(errors[0]!.message).toMatch(/no offset/);
    expect(errors[0]!.message).toMatch(/at-least-once per pass/);
    expect(errors[0]!.message).toContain('it can provide ATMOST_ONCE, ATLEAST_ONCE');
    expect(errors[0]!.hint).toBe("set 'processing.guarantees'='ATLEAST_ONCE'");
  });

  it('provides every guarantee in incremental modes', () => {
    for (const g of ['ATMOST_ONCE', 'ATLEAST_ONCE', 'EFFECTIVELY_ONCE']) {
      expect(check(withOverrides({ 'processing.guarantees': g })).errors).toEqual([]);
      expect(jdbcSource.guaranteeProblem?.({ mode: 'bulk' }, g as 'ATMOST_ONCE') === undefined).toBe(g !== 'EFFECTIVELY_ONCE');
    }
  });
});
