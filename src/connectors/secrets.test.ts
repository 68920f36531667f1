import { describe, expect, it } from 'vitest';
import { fileSource } from './file-source/index.js';
import { jdbcSource } from './jdbc-source/index.js';
import { field } from './schema.js';
import { MASK, isSecretKey, maskConfig, maskValue, scrubSecrets, secretValues } from './secrets.js';

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
    'consumer.override.ssl.keystore.key',
    'value.converter.basic.auth.user.info',
    'connection.pasword',
    'db.passwd',
  ])('treats %s as secret', (key) => {
    expect(isSecretKey(key, jdbcSource)).toBe(true);
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['connection.url', 'connection.user', 'topic', 'key', 'tasks.max', 'ssl.keystore.type', 'user.passport'])('leaves %s visible', (key) => {
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

describe('maskValue and secretValues', () => {
  it('masks a secret key whole, a URL in any other key only in its password, and nothing by substring', () => {
    expect(maskValue('connection.password', 'postgres', jdbcSource)).toBe(MASK);
    expect(maskValue('connection.url', 'jdbc:postgresql://postgres:pw12@h/postgres', jdbcSource)).toBe(`jdbc:postgresql://postgres:${MASK}@h/postgres`);
    expect(maskValue('connection.user', 'postgres', jdbcSource)).toBe('postgres');
    expect(maskConfig({ 'connection.url': 'jdbc:mysql://h/db?password=x1', 'connection.password': 'h' }, jdbcSource)).toEqual({
      'connection.url': `jdbc:mysql://h/db?password=${MASK}`,
      'connection.password': MASK,
    });
  });

  it('lists the secrets of a config for free text: secret keys and URL passwords (as written and decoded)', () => {
    expect(secretValues({ 'connection.url': 'jdbc:mysql://u:a%40b@h/db', 'connection.password': 'pw', mode: 'bulk' }, jdbcSource)).toEqual(['a%40b', 'a@b', 'pw']);
  });
});

describe('scrubSecrets', () => {
  it('masks a secret standing on its own, longest first, and leaves it inside a longer word', () => {
    expect(scrubSecrets("user 'postgres' at /postgres: postgresql postgres_x", ['postgres'])).toBe(`user '${MASK}' at /${MASK}: postgresql postgres_x`);
    expect(scrubSecrets('a hunter2-long b hunter2 c', ['hunter2', 'hunter2-long'])).toBe(`a ${MASK} b ${MASK} c`);
    expect(scrubSecrets('nothing', [undefined, '', MASK])).toBe('nothing');
  });
});
