import { describe, expect, it } from 'vitest';
import { maskUrlSecrets, urlSecretSpans, urlSecrets } from './url-secrets.js';

const M = '********';

describe('maskUrlSecrets', () => {
  it.each([
    ['jdbc:mysql://root:Pw@host/db', 'jdbc:mysql://root:********@host/db'],
    ['jdbc:mariadb://root:Pw@127.0.0.1:3306/test', 'jdbc:mariadb://root:********@127.0.0.1:3306/test'],
    ['jdbc:postgresql://u:Pw@host:5432/db?sslmode=require', 'jdbc:postgresql://u:********@host:5432/db?sslmode=require'],
    ['postgresql://u:Pw@host/db', 'postgresql://u:********@host/db'],
    ['postgres://u:Pw@host', 'postgres://u:********@host'],
    ['mongodb+srv://u:Pw@cluster.example/db', 'mongodb+srv://u:********@cluster.example/db'],
    ['jdbc:mysql://host/db?user=u&password=Pw', 'jdbc:mysql://host/db?user=u&password=********'],
    ['jdbc:postgresql://host/db?user=u&password=Pw&ssl=true', 'jdbc:postgresql://host/db?user=u&password=********&ssl=true'],
    ['jdbc:postgresql://host/db?password=Pw', 'jdbc:postgresql://host/db?password=********'],
    ['jdbc:mysql://host/db?PASSWORD=Pw', 'jdbc:mysql://host/db?PASSWORD=********'],
    ['jdbc:mysql://host/db?Password=Pw#frag', 'jdbc:mysql://host/db?Password=********#frag'],
    ['jdbc:sqlserver://h;password=Pw', 'jdbc:sqlserver://h;password=********'],
    ['jdbc:sqlserver://h:1433;databaseName=d;user=u;Password=Pw;encrypt=true', 'jdbc:sqlserver://h:1433;databaseName=d;user=u;Password=********;encrypt=true'],
    ['jdbc:mysql://h/db;password=Pw', 'jdbc:mysql://h/db;password=********'],
    ['jdbc:postgresql://h/db?sslpassword=K&sslmode=verify-full', 'jdbc:postgresql://h/db?sslpassword=********&sslmode=verify-full'],
    ['https://h/x?access_token=T&page=2', 'https://h/x?access_token=********&page=2'],
    // Percent-encoded: the name is judged decoded; the value is masked as written.
    ['jdbc:mysql://h/db?pass%77ord=P%40w', 'jdbc:mysql://h/db?pass%77ord=********'],
    ['jdbc:mysql://root:p%40ss@h/db', 'jdbc:mysql://root:********@h/db'],
    // A raw '@' in the password: the userinfo ends at the last '@' before the path.
    ['jdbc:mysql://root:p@ss@h/db', 'jdbc:mysql://root:********@h/db'],
    // A raw '/', '?' or '#' in the password (not percent-escaped): still the password, up to the '@' before the host.
    ['jdbc:mysql://u:pa/ss@h/db', 'jdbc:mysql://u:********@h/db'],
    ['mongodb://u:p/w@h1:27017,h2/db', 'mongodb://u:********@h1:27017,h2/db'],
    ['jdbc:mysql://u:pa?ssw#rd1@127.0.0.1/db', 'jdbc:mysql://u:********@127.0.0.1/db'],
    ['jdbc:mysql://u:pa?ss@h?ssl=1', 'jdbc:mysql://u:********@h?ssl=1'],
    ['jdbc:mariadb://u:p#1@[::1]:3306/db?password=x', 'jdbc:mariadb://u:********@[::1]:3306/db?password=********'],
    // Mistyped: one slash, a scheme missing its first letter.
    ['jdbc:mysql:/u:Pw@h/db', 'jdbc:mysql:/u:********@h/db'],
    ['dbc:mysql://u:Pw@h/db', 'dbc:mysql://u:********@h/db'],
    ['jdbc:mysql//u:Pw@h/db', 'jdbc:mysql//u:********@h/db'],
    // Both forms at once.
    ['jdbc:mysql://root:A1@h/db?password=B2', 'jdbc:mysql://root:********@h/db?password=********'],
  ])('%s', (url, masked) => {
    expect(maskUrlSecrets(url, M)).toBe(masked);
  });

  it.each([
    'jdbc:mysql://root@host/db',
    'jdbc:mysql://host:3306/db',
    'jdbc:postgresql://host/db?user=postgres',
    // '@' in the path or query is not userinfo.
    'jdbc:mysql://host/db@x',
    'jdbc:mysql://host/db?user=a@b&ssl=true',
    'jdbc:mysql://h:3306?x=a@b',
    'jdbc:postgresql://h:5432/db?x=a@b',
    'jdbc:mysql://host:3306/db@x',
    'http://host/a:b@c/d',
    'jdbc:mysql://host?user=a:b@c',
    'jdbc:postgresql://h?ssl=true:x@y',
    'http://h#a:b@c',
    'jdbc:postgresql://[::1]:5432/db',
    'jdbc:postgresql://u@[::1]:5432/db',
    'jdbc:sqlite:/tmp/pass:word@x.db',
    'jdbc:sqlite:./data/password.db',
    // An empty password has nothing to hide.
    'jdbc:mysql://root:@host/db',
    'jdbc:mysql://host/db?password=',
    // Parameters whose name only resembles a secret's are left alone when no value follows.
    'jdbc:mysql://host/db?useSSL=false&passwordless',
    // Not URLs: whatever they contain stays.
    'root:Pw@host',
    'SELECT a, b FROM t WHERE x = 1;password=2',
    'postgres',
    '',
  ])('leaves %s unchanged', (value) => {
    expect(maskUrlSecrets(value, M)).toBe(value);
    expect(urlSecretSpans(value)).toEqual([]);
  });

  it('masks only the password when the user or host contain the same text', () => {
    expect(maskUrlSecrets('jdbc:postgresql://postgres:postgres@postgres/postgres', M)).toBe('jdbc:postgresql://postgres:********@postgres/postgres');
  });
});

describe('urlSecrets', () => {
  it('gives each secret as written and decoded', () => {
    expect(urlSecrets('jdbc:mysql://root:p%40ss@h/db?password=x%2By')).toEqual(['p%40ss', 'p@ss', 'x%2By', 'x+y']);
  });

  it('gives none for a URL without a password', () => {
    expect(urlSecrets('jdbc:postgresql://h/db?user=u')).toEqual([]);
  });
});
