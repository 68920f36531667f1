import { describe, expect, it } from 'vitest';
import { fileSource } from './file-source/index.js';
import { jdbcSource } from './jdbc-source/index.js';
import { field } from './schema.js';
import { MASK, isSecretKey, maskConfig } from './secrets.js';

describe('isSecretKey', () => {
  it('honours the schema secret flag even when the name looks harmless', () => {
    const def = { ...fileSource, fields: [...fileSource.fields, field.string('dsn', 'A DSN with credentials.', { secret: true })] };
    expect(isSecretKey('dsn', def)).toBe(true);
    expect(isSecretKey('dsn', fileSource)).toBe(false);
  });

  it.each([
    'connection.password',
    'consumer.override.ssl.keystore.password',
    'value.converter.basic.auth.user.info.secret',
    'x.api_key',
    'x.apikey',
    'auth.token',
    'aws.credentials',
    'producer.override.sasl.jaas.config',
  ])('treats %s as secret', (key) => {
    expect(isSecretKey(key, jdbcSource)).toBe(true);
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['connection.url', 'connection.user', 'topic', 'key', 'tasks.max'])('leaves %s visible', (key) => {
    expect(isSecretKey(key, jdbcSource)).toBe(false);
  });
});

describe('maskConfig', () => {
  it('masks secret values and copies the rest', () => {
    const config = { 'connection.user': 'app', 'connection.password': 'hunter2', mode: 'bulk' };
    expect(maskConfig(config, jdbcSource)).toEqual({ 'connection.user': 'app', 'connection.password': MASK, mode: 'bulk' });
    expect(config['connection.password']).toBe('hunter2');
  });
});
