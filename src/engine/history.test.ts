import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { Session } from './session.js';
import { FILE_SOURCE, JDBC_SOURCE, PASSWORD, codes, harness, only, onlyErrors, type Harness } from './testing.js';

// Atomicity (a failed statement leaves no trace but its history entry), the statement history, and secrets in
// everything the engine returns or records.

let h: Harness;
beforeEach(() => (h = harness()));
afterEach(() => h.catalog.close());

const history = () => h.catalog.listStatements().map((s) => ({ kind: s.kind, ok: s.ok, errorCode: s.errorCode, text: s.text }));

describe('atomicity', () => {
  it('a CREATE with three bad keys creates nothing, and the history records it as failed', () => {
    const sql = "CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSource', 'topic'='t', 'a.b'='1', 'c.d'='2', 'batch.size'='-5');";
    expect(codes(h.exec(sql))).toEqual(['UNKNOWN_CONFIG_KEY', 'UNKNOWN_CONFIG_KEY', 'INVALID_CONFIG_VALUE']);
    expect(h.catalog.listConnectors()).toEqual([]);
    expect(h.catalog.listConfigVersions('X')).toEqual([]);
    expect(history()).toEqual([{ kind: 'CreateConnector', ok: false, errorCode: 'UNKNOWN_CONFIG_KEY', text: sql }]);
  });

  it('a failed ALTER leaves config, version and version list as they were', () => {
    h.exec(FILE_SOURCE('f'));
    const before = h.catalog.getConnector('F');
    expect(codes(h.exec("ALTER CONNECTOR f SET ('topic' = 'u', 'batch.size' = 'many');"))).toEqual(['INVALID_CONFIG_VALUE']);
    expect(h.catalog.getConnector('F')).toEqual(before);
    expect(h.catalog.listConfigVersions('F')).toHaveLength(1);
    expect(history()[0]).toMatchObject({ kind: 'AlterConnectorSet', ok: false, errorCode: 'INVALID_CONFIG_VALUE' });
  });

  it('a statement that fails after its catalog write is rolled back whole', () => {
    h.engine.redactor.add = () => {
      throw new Error('boom');
    };
    // CREATE writes the connector, then registers its secret with the redactor, which now throws.
    const [err, ...rest] = onlyErrors(h.exec(JDBC_SOURCE('j')));
    expect(rest).toEqual([]);
    expect(err).toMatchObject({ code: 'INTERNAL_ERROR', error_code: 50000 });
    expect(err!.message).toContain('boom');
    expect(h.catalog.listConnectors()).toEqual([]);
    expect(h.catalog.listConfigVersions('J')).toEqual([]);
    expect(history()).toEqual([expect.objectContaining({ kind: 'CreateConnector', ok: false, errorCode: 'INTERNAL_ERROR' })]);
  });

  it('the same holds for ALTER: no new version when it fails after writing', () => {
    h.exec(JDBC_SOURCE('j'));
    h.engine.redactor.add = () => {
      throw new Error('boom');
    };
    expect(codes(h.exec("ALTER CONNECTOR j SET ('connection.password' = 'other-pass-1');"))).toEqual(['INTERNAL_ERROR']);
    expect(h.catalog.getConnector('J')).toMatchObject({ version: 1, config: { 'connection.password': PASSWORD } });
    expect(h.catalog.listConfigVersions('J')).toHaveLength(1);
  });

  it('a failed statement in the middle leaves the ones around it in place', () => {
    h.exec(`${FILE_SOURCE('a')}\nPAUSE CONNECTOR b;\n${FILE_SOURCE('b')}`);
    expect(h.catalog.listConnectors().map((c) => [c.name, c.desiredState])).toEqual([
      ['A', 'RUNNING'],
      ['B', 'RUNNING'],
    ]);
  });
});

describe('statement history', () => {
  it('records every executed statement, newest first, with kind, outcome and error code', () => {
    h.exec(`${FILE_SOURCE('a')}\nSHOW CONNECTORS;\nDROP CONNECTOR nope;\nSHOW CONNECTORS WTIH;\nDEFINE v = '1';`);
    expect(history()).toEqual([
      { kind: 'DefineVariable', ok: true, errorCode: undefined, text: "DEFINE v = '1';" },
      { kind: 'Unparsed', ok: false, errorCode: 'SYNTAX_ERROR', text: 'SHOW CONNECTORS WTIH;' },
      { kind: 'DropConnector', ok: false, errorCode: 'CONNECTOR_NOT_FOUND', text: 'DROP CONNECTOR nope;' },
      { kind: 'ListConnectors', ok: true, errorCode: undefined, text: 'SHOW CONNECTORS;' },
      { kind: 'CreateConnector', ok: true, errorCode: undefined, text: FILE_SOURCE('a') },
    ]);
  });

  it('names where statements came from', () => {
    const session = new Session({ origin: 'run' });
    h.engine.execute('SHOW CONNECTORS;', session, { file: 'deploy.sql' });
    h.exec('SHOW VARIABLES;');
    expect(h.catalog.listStatements().map((s) => s.source)).toEqual(['shell', 'run:deploy.sql']);
  });

  it('validate records nothing', () => {
    h.engine.validate(`${FILE_SOURCE('a')} DROP CONNECTOR nope;`, h.session);
    expect(h.catalog.listStatements()).toEqual([]);
  });

  it('records masked text only', () => {
    h.exec(JDBC_SOURCE('j'));
    h.exec("ALTER CONNECTOR j SET ('connection.password' = 'rotated-pass-2');");
    h.exec("DEFINE api_token = 'tok-123456';");
    h.exec("SET 'sluice.unknown.keys' = 'warn';");
    const texts = h.catalog.listStatements().map((s) => s.text);
    expect(texts).toEqual([
      "SET 'sluice.unknown.keys' = 'warn';",
      "DEFINE api_token = '********';",
      "ALTER CONNECTOR j SET ('connection.password' = '********');",
      JDBC_SOURCE('j').replace(PASSWORD, '********'),
    ]);
    expect(h.catalog.listConfigVersions('J').map((v) => v.statementText).join('\n')).not.toMatch(/hunter|rotated-pass/);
  });
});

describe('secrets in results and errors', () => {
  const leaks = (value: unknown, secret: string) => JSON.stringify(value).includes(secret) || JSON.stringify(h.catalog.listStatements()).includes(secret);

  it('an error on the line of a password does not show it', () => {
    const sql = `CREATE SOURCE CONNECTOR j WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite:x.db', 'mode'='bulk', 'connection.password'='${PASSWORD}', 'tpoic'='x', 'processing.guarantees'='EFFECTIVELY_ONCE');`;
    const errs = onlyErrors(h.exec(sql));
    expect(errs.map((e) => e.code)).toEqual(['UNKNOWN_CONFIG_KEY', 'UNSUPPORTED_GUARANTEE']);
    // Same-length stars on the source line, so the caret under a later column stays in place.
    for (const e of errs) expect(e.sourceLine).toMatch(/'connection\.password'='\*+'/);
    expect(leaks(errs, PASSWORD)).toBe(false);
  });

  it('a syntax error after a password does not show it', () => {
    const sql = `CREATE SOURCE CONNECTOR j WITH ('connector.class'='JdbcSource', 'connection.password' = '${PASSWORD}' 'junk');`;
    const errs = onlyErrors(h.exec(sql));
    expect(errs.map((e) => e.code)).toEqual(['SYNTAX_ERROR']);
    expect(leaks(errs, PASSWORD)).toBe(false);
  });

  it("a syntax error AT the password (missing '=') does not show it either", () => {
    // The parser's message quotes the token it found: here, the password itself.
    const sql = `CREATE SOURCE CONNECTOR j WITH ('connector.class'='JdbcSource', 'connection.password' '${PASSWORD}');`;
    const errs = onlyErrors(h.exec(sql));
    expect(errs.map((e) => e.code)).toEqual(['SYNTAX_ERROR']);
    expect(leaks(errs, PASSWORD)).toBe(false);
  });

  it("an error that quotes a URL shows it with the password masked, and a value is masked by its key, not by what it contains", () => {
    h.exec(JDBC_SOURCE('j'));
    const out = h.exec(`ALTER CONNECTOR j SET ('connection.url' = 'jdbc:postgresql://h/db?password=${PASSWORD}', 'poll.interval.ms' = 'soon');`);
    expect(codes(out)).toEqual(['INVALID_CONFIG_VALUE']);
    expect(leaks(out, PASSWORD)).toBe(false);
    expect(only(out, 'statement_error').statementText).toContain("'jdbc:postgresql://h/db?password=********'");
    // Policy (issue 10): a non-secret key's value is shown as written, even when it equals a known password.
    const again = new Engine({ catalog: h.catalog });
    const later = again.execute(`CREATE SINK CONNECTOR s WITH ('connector.class'='FileStreamSink', 'topics'='${PASSWORD}', 'tpoic'='x');`, new Session());
    expect(codes(later)).toEqual(['UNKNOWN_CONFIG_KEY']);
    expect(only(later, 'statement_error').statementText).toContain(`'topics'='${PASSWORD}'`);
    expect(only(again.execute('DESCRIBE CONNECTOR j EXTENDED;', new Session()), 'connector_description').config?.['connection.password']).toBe('********');
  });
});

describe("a URL's password (issue 10)", () => {
  const pgUrl = 'jdbc:postgresql://postgres:Url-Pw-9@127.0.0.1:5432/postgres?user=postgres&sslmode=disable';
  const pgShown = 'jdbc:postgresql://postgres:********@127.0.0.1:5432/postgres?user=postgres&sslmode=disable';
  const create = (name: string, url: string) =>
    `CREATE SOURCE CONNECTOR ${name} WITH ('connector.class'='JdbcSource', 'connection.url'='${url}', 'connection.user'='postgres', 'connection.password'='postgres', 'mode'='bulk', 'topic.prefix'='postgres-');`;

  it('is masked alone in the CREATE answer, DESCRIBE EXTENDED, the versions and the history; other values stay as written', () => {
    const created = only(h.exec(create('pg', pgUrl)), 'connector_info');
    expect(created.info.config).toMatchObject({ 'connection.url': pgShown, 'connection.user': 'postgres', 'connection.password': '********', 'topic.prefix': 'postgres-' });
    expect(created.statementText).toBe(create('pg', pgShown).replace("'connection.password'='postgres'", "'connection.password'='********'"));
    const altered = only(h.exec("ALTER CONNECTOR pg SET ('connection.url' = 'jdbc:mysql://root:New-Pw-7@h/db?password=Other-Pw-8');"), 'alter_connector');
    expect(altered.changes).toContainEqual({ key: 'connection.url', action: 'changed', old: pgShown, new: 'jdbc:mysql://root:********@h/db?password=********' });
    expect(altered.statementText).toBe("ALTER CONNECTOR pg SET ('connection.url' = 'jdbc:mysql://root:********@h/db?password=********');");
    const described = only(h.exec('DESCRIBE CONNECTOR pg EXTENDED;'), 'connector_description');
    expect(described.config).toMatchObject({ 'connection.url': 'jdbc:mysql://root:********@h/db?password=********', 'connection.user': 'postgres' });
    expect(described.versions?.map((v) => v.statementText).join('\n')).toContain(pgShown);
    const everything = JSON.stringify([created, altered, described, h.catalog.listStatements(), h.catalog.listConfigVersions('PG').map((v) => v.statementText)]);
    for (const secret of ['Url-Pw-9', 'New-Pw-7', 'Other-Pw-8']) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('jdbc:********');
    // The catalog keeps the real URL: the runtime connects with it.
    expect(h.catalog.getConnector('PG')?.config['connection.url']).toBe('jdbc:mysql://root:New-Pw-7@h/db?password=Other-Pw-8');
  });

  it('is masked in the config versions of a catalog written before it was (stored statement text in plain)', () => {
    const text = "CREATE SOURCE CONNECTOR old WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:mysql://root:Old-Pw-3@h/db', 'mode'='bulk');";
    h.catalog.createConnector({ name: 'OLD', type: 'SOURCE', className: 'io.confluent.connect.jdbc.JdbcSourceConnector', config: { 'connection.url': 'jdbc:mysql://root:Old-Pw-3@h/db', mode: 'bulk' }, statementText: text });
    const described = only(h.exec('DESCRIBE CONNECTOR old EXTENDED;'), 'connector_description');
    expect(described.versions?.[0]?.statementText).toBe(text.replace('Old-Pw-3', '********'));
    expect(described.config?.['connection.url']).toBe('jdbc:mysql://root:********@h/db');
  });

  it('is masked in the statement text of a failing statement, and the error quotes the URL masked', () => {
    const out = h.exec("CREATE SOURCE CONNECTOR bad WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:mariadb://root:Fail-Pw-1@h/db', 'mode'='bulk', 'poll.interval.ms'='soon');");
    const err = only(out, 'statement_error');
    expect(err.statementText).toContain("'connection.url'='jdbc:mariadb://root:********@h/db'");
    expect(JSON.stringify([out, h.catalog.listStatements()])).not.toContain('Fail-Pw-1');
  });

  it('shows SHOW VARIABLES and DEFINE of a URL with its password masked', () => {
    const out = [...h.exec("DEFINE url = 'postgresql://u:Var-Pw-2@host/db';"), ...h.exec('SHOW VARIABLES;')];
    expect(out[0]).toMatchObject({ value: 'postgresql://u:********@host/db', statementText: "DEFINE url = 'postgresql://u:********@host/db';" });
    expect(out[1]).toMatchObject({ '@type': 'variables', variables: [{ name: 'url', value: 'postgresql://u:********@host/db' }] });
    expect(JSON.stringify([out, h.catalog.listStatements()])).not.toContain('Var-Pw-2');
    // Known for free text: a driver that echoes it is scrubbed.
    expect(h.engine.redactor.redact("password 'Var-Pw-2' rejected")).toBe("password '********' rejected");
  });
});
