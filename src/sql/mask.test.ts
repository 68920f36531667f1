import { describe, expect, it } from 'vitest';
import { tokenize } from '../../grammar/lexer.js';
import { Catalog } from '../catalog/index.js';
import { isSecretKey, MASK } from '../connectors/secrets.js';
import { Engine } from '../engine/engine.js';
import type { Entity } from '../engine/results.js';
import { Session } from '../engine/session.js';
import { build, buildAll, vars } from './fixtures/helpers.js';
import { blankSpans, maskSourceLine, maskStatementText, maskUnparsedText, secretValueSpans, blankUnparsedText } from './mask.js';
import { SecretRedactor } from './secret-redactor.js';
import { parseScript } from './parse.js';

const M = `'${MASK}'`;
const masked = (text: string, v = vars({})) => maskStatementText(build(text, v), (k) => isSecretKey(k));

describe('maskStatementText', () => {
  it.each([
    ["CREATE SOURCE CONNECTOR x WITH ('connection.password'='hunter2');", `CREATE SOURCE CONNECTOR x WITH ('connection.password'=${M});`],
    ["CREATE SOURCE CONNECTOR x WITH (\"connection.password\" = 'hunter2');", `CREATE SOURCE CONNECTOR x WITH ("connection.password" = ${M});`],
    ["CREATE SOURCE CONNECTOR x WITH (`connection.password`='hunter2');", `CREATE SOURCE CONNECTOR x WITH (\`connection.password\`=${M});`],
    ["CREATE SOURCE CONNECTOR x WITH (password='hunter2');", `CREATE SOURCE CONNECTOR x WITH (password=${M});`],
    ["CREATE SOURCE CONNECTOR x WITH ('my.secret'='a', 'auth.token'='b', 'aws.credentials'='c', 'api.key'='d', 'api_key'='e', 'APIKEY'='f');", `CREATE SOURCE CONNECTOR x WITH ('my.secret'=${M}, 'auth.token'=${M}, 'aws.credentials'=${M}, 'api.key'=${M}, 'api_key'=${M}, 'APIKEY'=${M});`],
    ["CREATE SOURCE CONNECTOR x WITH ('consumer.override.sasl.jaas.config'='x password=\"p\";');", `CREATE SOURCE CONNECTOR x WITH ('consumer.override.sasl.jaas.config'=${M});`],
    ["CREATE SOURCE CONNECTOR x WITH ('connection.password'=12345678, 'b.token'=-1.5);", `CREATE SOURCE CONNECTOR x WITH ('connection.password'=${M}, 'b.token'=${M});`],
    ["CREATE SOURCE CONNECTOR x WITH ('connection.password'='it''s');", `CREATE SOURCE CONNECTOR x WITH ('connection.password'=${M});`],
    ["ALTER CONNECTOR x SET ('connection.password'='hunter2', 'mode'='bulk');", `ALTER CONNECTOR x SET ('connection.password'=${M}, 'mode'='bulk');`],
    ["DEFINE db_password = 'hunter2';", `DEFINE db_password = ${M};`],
    ["DEFINE apiKey = 'hunter2';", `DEFINE apiKey = ${M};`],
    ["SET 'some.secret'='hunter2';", `SET 'some.secret'=${M};`],
  ])('%s', (text, expected) => {
    expect(masked(text)).toBe(expected);
  });

  it.each([
    ["CREATE SOURCE CONNECTOR x WITH ('connection.url'='jdbc:mysql://root:Pw@host/db', 'mode'='bulk');", "CREATE SOURCE CONNECTOR x WITH ('connection.url'='jdbc:mysql://root:********@host/db', 'mode'='bulk');"],
    ["CREATE SOURCE CONNECTOR x WITH ('connection.url' = 'jdbc:postgresql://h/db?user=u&password=Pw', mode = 'bulk');", "CREATE SOURCE CONNECTOR x WITH ('connection.url' = 'jdbc:postgresql://h/db?user=u&password=********', mode = 'bulk');"],
    ["ALTER CONNECTOR x SET ('connection.url'='jdbc:sqlserver://h;password=it''s');", "ALTER CONNECTOR x SET ('connection.url'='jdbc:sqlserver://h;password=********');"],
    ["DEFINE url = 'postgresql://u:Pw@host/db';", "DEFINE url = 'postgresql://u:********@host/db';"],
  ])('masks only the password of a URL: %s', (text, expected) => {
    expect(masked(text)).toBe(expected);
  });

  it('leaves other keys, other statements and non-secret variables alone', () => {
    for (const text of [
      "CREATE SOURCE CONNECTOR x WITH ('connection.url'='jdbc:x', 'mode'='bulk', 'topic'='t');",
      "CREATE SOURCE CONNECTOR postgres WITH ('connection.url'='jdbc:postgresql://postgres@h/postgres', 'connection.user'='postgres');",
      "DEFINE env = 'qa';",
      "SET 'ksql.variable.substitution.enable'='false';",
      "ALTER CONNECTOR x UNSET ('connection.password');",
      'SHOW CONNECTORS;',
    ]) {
      expect(masked(text)).toBe(text);
    }
  });

  it('masks the right span in a multi-line statement after a leading comment', () => {
    const text = "-- credentials below\nCREATE SOURCE CONNECTOR x WITH (\n  'connection.user' = 'bob',\n  'connection.password' = 'hunter2',\n  'mode' = 'bulk');";
    expect(masked(text)).toBe(`CREATE SOURCE CONNECTOR x WITH (\n  'connection.user' = 'bob',\n  'connection.password' = ${M},\n  'mode' = 'bulk');`);
  });

  it('masks the second of two statements at the right offset', () => {
    const [, second] = buildAll("SHOW CONNECTORS; CREATE SOURCE CONNECTOR x WITH ('a'='1', 'connection.password'='hunter2');");
    expect(maskStatementText(second!, isSecretKey)).toBe(`CREATE SOURCE CONNECTOR x WITH ('a'='1', 'connection.password'=${M});`);
  });

  it('masks a value given by a variable, and a key given by a variable', () => {
    const v = vars({ pw: "'hunter2'", k: 'connection.password' });
    expect(masked("CREATE SOURCE CONNECTOR x WITH ('connection.password'=${pw});", v)).toBe(`CREATE SOURCE CONNECTOR x WITH ('connection.password'=${M});`);
    expect(masked("CREATE SOURCE CONNECTOR x WITH ('${k}'='hunter2');", v)).toBe(`CREATE SOURCE CONNECTOR x WITH ('\${k}'=${M});`);
  });

  it('uses the isSecret it is given for WITH keys', () => {
    const s = build("CREATE SOURCE CONNECTOR x WITH ('a'='1', 'b'='2');");
    expect(maskStatementText(s, (k) => k === 'b')).toBe(`CREATE SOURCE CONNECTOR x WITH ('a'='1', 'b'=${M});`);
    expect(maskStatementText(s, () => false)).toBe(s.text);
  });
});

describe('maskUnparsedText (text that does not parse)', () => {
  it("masks only the password part of a URL in any string literal", () => {
    expect(maskUnparsedText("CREATE SOURC CONNECTOR x WITH ('connection.url'='jdbc:mysql://root:Pw@host/db', mode='bulk')")).toBe(
      "CREATE SOURC CONNECTOR x WITH ('connection.url'='jdbc:mysql://root:********@host/db', mode='bulk')",
    );
    expect(maskUnparsedText("WITH ('connection.url' 'jdbc:postgresql://h/db?user=u&PASSWORD=Pw&ssl=true'")).toBe("WITH ('connection.url' 'jdbc:postgresql://h/db?user=u&PASSWORD=********&ssl=true'");
    expect(maskUnparsedText("WITH ('connection.url'='jdbc:postgresql://postgres@postgres/postgres')")).toBe("WITH ('connection.url'='jdbc:postgresql://postgres@postgres/postgres')");
    // An unclosed string runs to the end: its URL is masked the same way.
    expect(maskUnparsedText("WITH (mode='bulk', 'connection.url'='jdbc:mysql://root:Pw@host/db)")).toBe("WITH (mode='bulk', 'connection.url'='jdbc:mysql://root:********@host/db)");
  });

  it("blanks a URL's password character by character, keeping columns", () => {
    const text = "WITH ('connection.url' = 'jdbc:mysql://root:Pw@h/db',\n mode = 'bulk'";
    expect(blankUnparsedText(text)).toBe("WITH ('connection.url' = 'jdbc:mysql://root:**@h/db',\n mode = 'bulk'");
  });

  it('ksqlDB QueryMaskTest shouldMaskInvalidSinkConnector: the typo does not stop masking', () => {
    expect(maskUnparsedText("CREATE Sink CONNECTO x WITH ('connection.password'='hunter2')")).toBe(`CREATE Sink CONNECTO x WITH ('connection.password'=${M})`);
    const text =
      "CREATE Sink CONNECTO `test-connector` WITH (\"connector.class\" = 'PostgresSource', 'connection.url' = 'jdbc:postgresql://localhost:5432/my.db', \"connection.password\"='hunter2', `mode`='bulk');";
    const out = maskUnparsedText(text);
    expect(out).not.toContain('hunter2');
    expect(out).toContain("\"connector.class\" = 'PostgresSource'");
    expect(out).toContain(`"connection.password"=${M}`);
    expect(out).toContain("`mode`='bulk'");
  });

  it.each([
    // Every quoting style of the key.
    ["WITH ('connection.password'='hunter2'", `WITH ('connection.password'=${M}`],
    ['WITH ("connection.password"=\'hunter2\'', `WITH ("connection.password"=${M}`],
    ["WITH (`connection.password`='hunter2'", `WITH (\`connection.password\`=${M}`],
    ["WITH (connection.password = 'hunter2'", `WITH (connection.password = ${M}`],
    ["WITH (db_PASSWORD='hunter2'", `WITH (db_PASSWORD=${M}`],
    ["WITH ('sasl.jaas.config'='x password=\"y\";'", `WITH ('sasl.jaas.config'=${M}`],
    // Every form a mistyped value may take.
    ['WITH (\'connection.password\'="hunter2")', `WITH ('connection.password'=${M})`],
    ["WITH ('connection.password'=`hunter2`)", `WITH ('connection.password'=${M})`],
    ["WITH ('connection.password'=hunter2)", `WITH ('connection.password'=${M})`],
    ["WITH ('connection.password'=hunter2, 'a'='b')", `WITH ('connection.password'=${M}, 'a'='b')`],
    ["WITH ('connection.password'=12345678)", `WITH ('connection.password'=${M})`],
    // Everything up to the next ',' or ')' after a secret key is its value, even a stray second string.
    ["WITH ('connection.password'='it''s' 'x')", `WITH ('connection.password'=${M} ${M})`],
    ["WITH ('connection.password'='hunter2", `WITH ('connection.password'=${M}`],
    ["WITH ('connection.password'=\n  'hunter2')", `WITH ('connection.password'=\n  ${M})`],
    // Secret-named variables.
    ["DEFINE my_password = 'hunter2'", `DEFINE my_password = ${M}`],
    ["define TOKEN='hunter2';", `define TOKEN=${M};`],
  ])('%j', (text, expected) => {
    expect(maskUnparsedText(text)).toBe(expected);
  });

  it('leaves non-secret pairs alone', () => {
    for (const text of ["WITH ('mode'='bulk', 'connection.url'='jdbc:x?user=a', x=1)", "DEFINE env = 'qa'", "SET 'a'='b'", "WITH ('a'=\"b\", c=d)"]) {
      expect(maskUnparsedText(text)).toBe(text);
    }
  });
});

describe('secretValueSpans and blankSpans', () => {
  const blank = (text: string) => blankSpans(text, secretValueSpans(tokenize(text).tokens));

  it('blank the value of each secret key character for character, keeping quotes and line breaks', () => {
    expect(blank("WITH ('connection.password'='hunter2', 'mode'='bulk')")).toBe("WITH ('connection.password'='*******', 'mode'='bulk')");
    expect(blank("WITH (password=hunter2, \"api.key\"=\"k1\", `token`=`t`, 'x.secret'=-12)")).toBe("WITH (password=*******, \"api.key\"=\"**\", `token`=`*`, 'x.secret'=***)");
    expect(blank("SET 'a.token'='ab\ncd';")).toBe("SET 'a.token'='**\n**';");
    expect(blank("DEFINE my_secret = 'x';")).toBe("DEFINE my_secret = '*';");
  });

  it('keep the length, lines and columns of the text', () => {
    const text = "CREATE SOURCE CONNECTOR x WITH (\n 'connection.password' =\n'hun\r\nter', bad=bulk);";
    const out = blank(text);
    expect(out).toHaveLength(text.length);
    expect(out.split(/\r?\n/).map((l) => l.length)).toEqual(text.split(/\r?\n/).map((l) => l.length));
    expect(out).not.toMatch(/hun|ter'/);
  });

  it('do not touch ${variables}, TRUE/FALSE/NULL, or non-secret keys', () => {
    for (const text of ["WITH ('connection.password'=${pw})", "WITH ('password'=NULL, 'token'=TRUE)", "WITH ('mode'='bulk')", "WITH ('password'=)"]) {
      expect(blank(text)).toBe(text);
    }
  });
});

describe('SecretRedactor', () => {
  it('scrubs every known value from text, longest first', () => {
    const r = new SecretRedactor();
    r.add('hunter2');
    r.add('hunter2-long');
    expect(r.redact('a hunter2-long b hunter2 c')).toBe(`a ${MASK} b ${MASK} c`);
  });

  it('masks a secret that stands on its own, not one inside a longer word', () => {
    const r = new SecretRedactor();
    r.add('postgres');
    r.add('-pw!');
    expect(r.redact("PostgreSQL at h:5432/postgres as user 'postgres': jdbc:postgresql://x, postgres_src, 2postgres")).toBe(
      `PostgreSQL at h:5432/${MASK} as user '${MASK}': jdbc:postgresql://x, postgres_src, 2postgres`,
    );
    expect(r.redact('password=postgres;a-pw!b')).toBe(`password=${MASK};a${MASK}b`);
  });

  it('leaves a secret that stands on its own in a value shown as it is, and still scrubs the others', () => {
    const r = new SecretRedactor();
    r.add('postgres');
    r.add('hunter2-secret');
    r.add('orders');
    r.addShown('jdbc:postgresql://h:5432/postgres');
    r.addShown('orders_v2');
    expect(r.redact("PostgreSQL at h:5432/postgres as user 'postgres': hunter2-secret, orders")).toBe(
      `PostgreSQL at h:5432/postgres as user 'postgres': ${MASK}, ${MASK}`,
    );
    expect(r.values()).toEqual(['hunter2-secret', 'orders']);
  });

  it('ignores short values, empty values, undefined and the mask itself', () => {
    const r = new SecretRedactor();
    for (const v of ['', 'abc', undefined, MASK]) r.add(v);
    expect(r.redact(`abc ${MASK} x`)).toBe(`abc ${MASK} x`);
    r.add('abcd');
    expect(r.redact('abcd abc')).toBe(`${MASK} abc`);
  });
});

describe('parseScript never exposes secret values in its error display', () => {
  it('source of every item has secret values blanked; text is left for the caller to mask', () => {
    const text = "CREATE SOURCE CONNECTOR x WITH (\n 'connection.password' =\n 'hunter2', mode=bulk);\nSHOW CONNECTORS;";
    const items = parseScript(text);
    expect(items.map((i) => i.ok)).toEqual([false, true]);
    for (const i of items) expect(i.ok ? i.statement.source : i.source).not.toContain('hunter2');
    const first = items[0]!;
    expect(!first.ok && first.error.loc).toMatchObject({ line: 3, column: 18 });
  });

  it('a syntax error whose offending token is the password quotes the mask instead', () => {
    for (const v of ['"hunter2"', 'hunter2', '`hunter2`']) {
      const [item] = parseScript(`CREATE SOURCE CONNECTOR x WITH ('connection.password'=${v});`);
      expect(item!.ok).toBe(false);
      if (!item!.ok) {
        expect(item!.error.message, v).not.toContain('hunter2');
        expect(item!.error.message).toContain(MASK);
        expect(item!.error.loc).toMatchObject({ line: 1, column: 55 });
      }
    }
  });
});

describe('through the engine: a password never appears in any entity', () => {
  const PASSWORD = 'hunter2-Sup3r';
  const JDBC = "'connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite::memory:', 'mode'='bulk'";

  function setup(): { run: (text: string) => Entity[]; all: Entity[]; engine: Engine } {
    const engine = new Engine({ catalog: Catalog.inMemory() });
    const session = new Session();
    const all: Entity[] = [];
    const run = (text: string) => {
      const out = engine.execute(text, session);
      all.push(...out);
      return out;
    };
    return { run, all, engine };
  }

  const leaks = (entities: Entity[]) => JSON.stringify(entities).includes(PASSWORD) || JSON.stringify(entities).includes('hunter2');

  it('CREATE, SHOW, DESCRIBE … EXTENDED, ALTER and statement history', () => {
    const { run, all, engine } = setup();
    const created = run(`CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'='${PASSWORD}');`);
    expect(created[0]).toMatchObject({ '@type': 'connector_info', info: { config: { 'connection.password': MASK } } });
    // The catalog holds the real value: masking is only for what is shown.
    expect(engine.catalog.getConnector('DB')?.config['connection.password']).toBe(PASSWORD);

    expect(run('SHOW CONNECTORS; LIST SOURCE CONNECTORS;').map((e) => e['@type'])).toEqual(['connector_list', 'connector_list']);
    const described = run('DESCRIBE CONNECTOR db EXTENDED; DESCRIBE CONNECTOR db;');
    expect(described[0]).toMatchObject({ '@type': 'connector_description', config: { 'connection.password': MASK } });

    const altered = run(`ALTER CONNECTOR db SET ('connection.password'='hunter2-changed', 'poll.interval.ms'=1000);`);
    expect(altered[0]).toMatchObject({ '@type': 'alter_connector' });
    expect(JSON.stringify(altered)).toContain(MASK);
    run(`ALTER CONNECTOR db SET ('connection.password'='${PASSWORD}');`);
    run('DESCRIBE CONNECTOR db EXTENDED;');
    run("ALTER CONNECTOR db UNSET ('connection.password');");

    expect(all.some((e) => e['@type'] === 'statement_error')).toBe(false);
    expect(leaks(all)).toBe(false);
    expect(JSON.stringify(engine.catalog.listStatements())).not.toContain('hunter2');
    // Stored versions keep the real config (the runtime needs it) but only the masked statement text.
    expect(engine.catalog.listConfigVersions('DB').map((v) => v.statementText).join('\n')).not.toContain('hunter2');
  });

  it.each([
    ['a typo before it', `CREATE SOURCE CONNECTO db WITH (${JDBC}, 'connection.password'='${PASSWORD}');`],
    ['a syntax error after it', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'='${PASSWORD}' 'x');`],
    ['a "double-quoted" password', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, "connection.password"="${PASSWORD}");`],
    ['a bare-word password', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'=hunter2);`],
    ['a `back-quoted` password', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'=\`${PASSWORD}\`);`],
    ['an unclosed string after it', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'='${PASSWORD}', 'mode'='bulk);`],
    ['an unclosed password', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'='${PASSWORD});`],
    ['a bad character after it', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'='${PASSWORD}', # );`],
    ['an error on a later line', `CREATE SOURCE CONNECTOR db WITH (${JDBC},\n  'connection.password' =\n  '${PASSWORD}', 'mode' = bulk);`],
    ['an error on the next line', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'=\n'${PASSWORD}'\n 'oops');`],
    ['an invalid config value', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'='${PASSWORD}', 'poll.interval.ms'='soon');`],
    ['an unknown key', `CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'='${PASSWORD}', 'no.such.key'='1');`],
    ['an undefined variable after it', `CREATE SOURCE CONNECTOR db WITH (${JDBC},\n 'connection.password'=\n '${PASSWORD}', 'topic.prefix'=\${nope});`],
    ['a bad variable value', `DEFINE pw = 'hunter2 ${PASSWORD}';\nCREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'=\${pw});`],
    ['a failing ALTER', `ALTER CONNECTOR nope SET ('connection.password'='${PASSWORD}');`],
    ['a secret-named variable', `DEFINE db_password = '${PASSWORD}'; SHOW VARIABLES; DEFINE db_password = '${PASSWORD}' x;`],
  ])('a failing statement with %s does not echo the password', (_what, text) => {
    const { run } = setup();
    const out = run(text);
    const errors = out.filter((e) => e['@type'] === 'statement_error');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    // The DEFINE of a non-secret-named variable is shown as typed: that is not a password Sluice can know about.
    const shown = out.filter((e) => !(e['@type'] === 'variable' && e.name === 'pw'));
    expect(JSON.stringify(shown)).not.toContain(PASSWORD);
  });

  it('SHOW VARIABLES after a CREATE that used a variable holding the password', () => {
    const { run, all } = setup();
    run(`DEFINE pw = '${PASSWORD}';`);
    all.length = 0;
    run(`CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'='\${pw}');`);
    const vars = run('SHOW VARIABLES;');
    expect(vars[0]).toMatchObject({ '@type': 'variables', variables: [{ name: 'pw', value: MASK }] });
    run('DESCRIBE CONNECTOR db EXTENDED;');
    expect(leaks(all)).toBe(false);
  });

  it('a secret-named variable is masked from the moment it is defined', () => {
    const { run, all } = setup();
    run(`DEFINE db_password = '${PASSWORD}'; SHOW VARIABLES; LIST VARIABLES;`);
    run(`CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'=\${db_password});`);
    expect(all[0]).toMatchObject({ '@type': 'variable', value: MASK });
    expect(leaks(all)).toBe(false);
  });

  // Policy change (issue 10): entities are masked by what each value is, never scrubbed by substring. A name the
  // user types back is shown as typed, even when it equals a password; a short password garbles nothing.
  it('a name that equals a known password is shown as typed, and a short password garbles no other value', () => {
    const { run } = setup();
    run(`CREATE SOURCE CONNECTOR db WITH (${JDBC}, 'connection.password'='${PASSWORD}');`);
    const out = run(`DESCRIBE CONNECTOR \`${PASSWORD}\`;`);
    expect(out[0]).toMatchObject({ '@type': 'statement_error', code: 'CONNECTOR_NOT_FOUND' });
    expect(JSON.stringify(out[0])).toContain(PASSWORD);
    const url = 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres';
    const created = run(
      `CREATE SOURCE CONNECTOR postgres_src WITH ('connector.class'='JdbcSource', 'connection.url'='${url}', 'connection.user'='postgres', 'connection.password'='postgres', 'mode'='bulk', 'topic.prefix'='postgres-');`,
    );
    expect(created[0]).toMatchObject({
      '@type': 'connector_info',
      info: { name: 'POSTGRES_SRC', config: { 'connection.url': url, 'connection.user': 'postgres', 'connection.password': MASK, 'topic.prefix': 'postgres-' } },
    });
    expect((created[0] as { statementText: string }).statementText).toContain(`'connection.url'='${url}', 'connection.user'='postgres', 'connection.password'='${MASK}'`);
  });

  it('a fresh engine on a catalog that holds a password knows it, and the URL password, for free text', () => {
    const catalog = Catalog.inMemory();
    new Engine({ catalog }).execute(
      `CREATE SOURCE CONNECTOR db WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:mysql://root:Url%40Secret@h/db', 'connection.password'='${PASSWORD}', 'mode'='bulk');`,
      new Session(),
    );
    const fresh = new Engine({ catalog });
    expect(fresh.redactor.redact(`driver said: ${PASSWORD} / Url@Secret / Url%40Secret`)).toBe(`driver said: ${MASK} / ${MASK} / ${MASK}`);
  });
});

describe('unparsable statements never show a secret, whatever sits between key and value', () => {
  const secret = 'Hunter2Leak';
  it.each([
    `CREATE X WITH ('connection.password' == '${secret}');`,
    `CREATE X WITH ('connection.password' = /* c */ '${secret}', 'x' = )`,
    `CREATE X WITH ('connection.password' = -- c\n '${secret}')`,
    `CREATE X WITH ('connection.password' = ('${secret}'), 'mode' = 'bulk')`,
    `CREATE X WITH ('connection.password' = 'x' '${secret}', 'mode' = 'bulk')`,
    `CREATE X WITH ('connection.password' := '${secret}')`,
    `CREATE X WITH ('connection.password' '${secret}')`,
    `CREATE X WITH ('connection.password' = '${secret}`,
    `DEFINE db_password '${secret}';`,
    // Found by mutating a CREATE: a quote lost or moved, a key or URL mistyped.
    `CREATE X WITH ('connection.url' = jdbc:mysql://u:${secret}@h/db', 'a' = 'b')`,
    `CREATE X WITH ('connection.url = 'x' 'connection.url' = 'jdbc:mysql//u:${secret}@h/db', 'a' = 'b')`,
    `CREATE X WITH ('connection.password = '${secret}', 'mode' = 'bulk')`,
    `CREATE X WITH ('connectionassword' = '${secret}', 'mode' = 'bulk')`,
    `CREATE X WITH ('connectionpassord' = '${secret}', 'mode' = 'bulk')`,
    `CREATE X WITH ('connection.url' = 'jdbc:mysql:/u:${secret}@h/db' 'x')`,
    `CREATE X WITH ('connection.url' = 'jdbc:mysql//u:${secret}@h/db' 'x')`,
    `CREATE X WITH ('connector.class' = 'JdbcSource'", 'connection.password' = '${secret}', 'mode' = 'bulk')`,
    `/*CREATE X WITH ('connection.password' = '${secret}', 'mode' = 'bulk')`,
    `CREATE X WITH ('connection.passw"ord' = '${secret}', 'mode' = 'bulk')`,
  ])('%s', (text) => {
    expect(maskUnparsedText(text)).not.toContain(secret);
    const blanked = blankUnparsedText(text);
    expect(blanked).not.toContain(secret);
    expect(blanked.length).toBe(text.length);
  });

  it('leaves values of other keys alone', () => {
    expect(maskUnparsedText("CREATE X WITH ('mode' = 'bulk', 'topic' = 't' 'u')")).toBe("CREATE X WITH ('mode' = 'bulk', 'topic' = 't' 'u')");
    // A URL whose password looks like a secret key's name is still a value: the pair after a forgotten ',' stays.
    expect(maskUnparsedText("CREATE X WITH ('connection.url' = 'jdbc:mysql://u:my-secret-token@h/db' 'mode' = 'bulk')")).toBe(
      "CREATE X WITH ('connection.url' = 'jdbc:mysql://u:********@h/db' 'mode' = 'bulk')",
    );
  });
});

describe('maskSourceLine (the line under an error)', () => {
  const line = (secret: string) => `WITH ('connection.password' = '${secret}', 'tpoic' = 'x')`;

  it("masks a URL's password inside its literal and keeps the caret under the next token", () => {
    const text = "WITH ('connection.url' = 'jdbc:mysql://root:hunter2hunter2@h/db', 'tpoic' = 'x')";
    const shown = maskSourceLine(text, text.indexOf("'tpoic'") + 1);
    expect(shown.text).toBe("WITH ('connection.url' = 'jdbc:mysql://root:********@h/db', 'tpoic' = 'x')");
    expect(shown.text.slice(shown.column - 1)).toMatch(/^'tpoic'/);
  });

  it('shows every secret as the same mask, whatever its length, with the caret still under its token', () => {
    const shown = ['abc', 'a-much-longer-password-here'].map((secret) => {
      const text = line(secret);
      return maskSourceLine(text, text.indexOf("'tpoic'") + 1);
    });
    expect(shown[0]).toEqual(shown[1]);
    expect(shown[0]!.text).toBe(`WITH ('connection.password' = ${M}, 'tpoic' = 'x')`);
    expect(shown[0]!.text.slice(shown[0]!.column - 1)).toMatch(/^'tpoic'/);
  });

  it('puts a caret inside the secret at the mask, and one before it where it was', () => {
    const text = line('hunter2hunter2');
    expect(maskSourceLine(text, text.indexOf('hunter2') + 4).column).toBe(text.indexOf("'hunter2") + 1);
    expect(maskSourceLine(text, 2)).toEqual({ text: maskSourceLine(text, 1).text, column: 2 });
  });

  it('leaves lines without secrets as they are', () => {
    expect(maskSourceLine("WITH ('mode' = 'bulk')", 7)).toEqual({ text: "WITH ('mode' = 'bulk')", column: 7 });
  });
});
