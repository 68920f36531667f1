import { describe, expect, it } from 'vitest';
import type { AlterConnectorUnset, CreateConnector, DefineVariable, PrintTopic, RunScript, SetProperty, UnsetProperty } from './ast.js';
import { unquote } from './build-ast.js';
import { build, buildAll, buildError, errorAt, strip, SUBSTITUTION_OFF, vars } from './fixtures/helpers.js';

const id = (value: string, quoting: 'none' | 'double' | 'back' = 'none') => ({ value, quoting });
const nameOf = (text: string, v = vars({})) => strip((build(text, v) as { name: { value: string; quoting: string } }).name);

describe('unquote', () => {
  it.each([
    ["'abc'", 'abc'],
    ["'it''s'", "it's"],
    ["''''", "'"],
    ["''", ''],
    ['"a""b"', 'a"b'],
    ['`a``b`', 'a`b'],
    ['"it\'s"', "it's"],
    ["'a\"\"b'", 'a""b'],
  ])('%s → %s', (image, expected) => expect(unquote(image)).toBe(expected));
});

describe('variables in strings', () => {
  const v = vars({ env: 'qa', key: 'topic', quote: "it's", semi: 'a; DROP CONNECTOR x', dash: '-- not a comment' });

  it('are substituted in every string of every statement', () => {
    const [create, alter, unset, def, set, unsetP, run, print] = buildAll(
      [
        "CREATE SOURCE CONNECTOR x WITH ('${key}'='t_${env}', 'k2'='${quote}');",
        "ALTER CONNECTOR x SET ('${key}'='${env}');",
        "ALTER CONNECTOR x UNSET ('${key}', 'other');",
        "DEFINE d = 'v_${env}';",
        "SET '${key}.name'='${env}';",
        "UNSET '${key}';",
        "RUN SCRIPT '${env}/init.sql';",
        "PRINT '${key}_${env}';",
      ].join('\n'),
      v,
    );
    expect((create as CreateConnector).properties.map((p) => [p.key, p.value])).toEqual([
      ['topic', 't_qa'],
      ['k2', "it's"],
    ]);
    expect((alter as CreateConnector).properties.map((p) => [p.key, p.value])).toEqual([['topic', 'qa']]);
    expect((unset as AlterConnectorUnset).keys.map((k) => k.key)).toEqual(['topic', 'other']);
    expect((def as DefineVariable).value).toBe('v_qa');
    expect([(set as SetProperty).name, (set as SetProperty).value]).toEqual(['topic.name', 'qa']);
    expect((unsetP as UnsetProperty).name).toBe('topic');
    expect((run as RunScript).path).toBe('qa/init.sql');
    expect((print as PrintTopic).topic).toBe('topic_qa');
  });

  it("a value with ; or -- inside a string is only text", () => {
    const c = build("CREATE SOURCE CONNECTOR x WITH ('a'='${semi}', 'b'='${dash}');", v) as CreateConnector;
    expect(c.properties.map((p) => [p.key, p.value])).toEqual([
      ['a', 'a; DROP CONNECTOR x'],
      ['b', '-- not a comment'],
    ]);
  });

  it('names are looked up case-insensitively', () => {
    expect((build("SET 'p'='${ENV}${Env}${env}';", v) as SetProperty).value).toBe('qaqaqa');
  });

  it('undefined references inside strings stay as written', () => {
    expect((build("SET 'p'='${missing}_${env}';", v) as SetProperty).value).toBe('${missing}_qa');
  });

  it('$$ escapes', () => {
    expect((build("SET 'p'='$${env}';", v) as SetProperty).value).toBe('${env}');
    expect((build("DEFINE topicName = 'topic_$${${env}}';", v) as DefineVariable).value).toBe('topic_${qa}');
  });

  it('quoted identifiers are never substituted', () => {
    expect(nameOf('DROP CONNECTOR "${env}";', v)).toEqual(id('${env}', 'double'));
    expect(nameOf('DROP CONNECTOR `${env}`;', v)).toEqual(id('${env}', 'back'));
    const c = build('CREATE SOURCE CONNECTOR x WITH ("${key}"=\'1\');', v) as CreateConnector;
    expect(c.properties[0]!.key).toBe('${key}');
  });

  it('with substitution off, strings are kept exactly as written', () => {
    const c = build("CREATE SOURCE CONNECTOR x WITH ('${key}'='$${env}_${env}');", SUBSTITUTION_OFF) as CreateConnector;
    expect(c.properties.map((p) => [p.key, p.value])).toEqual([['${key}', '$${env}_${env}']]);
    expect((build("DEFINE a = '${env}';", SUBSTITUTION_OFF) as DefineVariable).value).toBe('${env}');
  });
});

describe('variables as identifiers', () => {
  const v = vars({ identifier: '_id_', quotedIdentifier: '"_id_"', backQuotedIdentifier: '`_id_`', lower: 'orders', hyphen: '"my-conn"', digits: '1abc', kw: 'source' });

  it('give the right quoting (ksqlDB VariableSubstitutorTest shouldSubstituteVariableOnDescribe)', () => {
    expect(nameOf('DESCRIBE CONNECTOR ${identifier};', v)).toEqual(id('_ID_'));
    expect(nameOf('DESCRIBE CONNECTOR ${quotedIdentifier};', v)).toEqual(id('_id_', 'double'));
    expect(nameOf('DESCRIBE CONNECTOR ${backQuotedIdentifier};', v)).toEqual(id('_id_', 'back'));
    expect(nameOf('DESCRIBE CONNECTOR ${hyphen};', v)).toEqual(id('my-conn', 'double'));
    expect(nameOf('DESCRIBE CONNECTOR ${digits};', v)).toEqual(id('1ABC'));
    expect(nameOf('DESCRIBE CONNECTOR ${kw};', v)).toEqual(id('SOURCE'));
  });

  it('a reserved word works when the value quotes it', () => {
    expect(nameOf('DESCRIBE CONNECTOR ${v};', vars({ v: '`CONNECTOR`' }))).toEqual(id('CONNECTOR', 'back'));
    expect(nameOf('DESCRIBE CONNECTOR ${v};', vars({ v: '"null"' }))).toEqual(id('null', 'double'));
  });

  it('work in every name position', () => {
    const all = buildAll(
      'CREATE SINK CONNECTOR ${lower} WITH (${identifier}=1);DROP CONNECTOR IF EXISTS ${lower};DESCRIBE CONNECTOR ${lower} EXTENDED;' +
        "ALTER CONNECTOR ${lower} SET ('a'='b');ALTER CONNECTOR ${lower} UNSET ('a');PAUSE CONNECTOR ${lower};RESUME CONNECTOR ${lower};RESTART CONNECTOR ${lower};",
      v,
    );
    for (const s of all) expect((s as unknown as { name: unknown }).name, s.kind).toMatchObject(id('ORDERS'));
    // An unquoted key given by a variable folds like any unquoted key.
    expect((all[0] as CreateConnector).properties[0]!.key).toBe('_ID_');
  });

  it('PRINT keeps the case of a variable topic', () => {
    expect((build('PRINT ${lower};', vars({ lower: 'MixedCase' })) as PrintTopic).topic).toBe('MixedCase');
    expect((build('PRINT ${q};', vars({ q: '`My Topic`' })) as PrintTopic).topic).toBe('My Topic');
  });

  it('the error position is the variable, with a line and column', () => {
    expect(errorAt(buildError('DESCRIBE CONNECTOR\n   ${undefinedVar};'))).toEqual({ code: 'VARIABLE_ERROR', line: 2, column: 4 });
    expect(errorAt(buildError("CREATE SOURCE CONNECTOR x WITH ('a'='b', ${k}='c');"))).toEqual({ code: 'VARIABLE_ERROR', line: 1, column: 42 });
  });

  it.each([
    ['EXTENDED _id_', 'two words (ksqlDB shouldThrowOnDescribeWhenInvalidVariables)'],
    ['s1 (id, name)', 'ksqlDB shouldThrowOnSQLInjection'],
    ['x; DROP CONNECTOR y', 'a statement separator'],
    ['x -- comment', 'a trailing comment'],
    ['x /* c */', 'a block comment'],
    ['a.b', 'a dot'],
    ['my-conn', 'a hyphen'],
    ["'quoted'", 'a string'],
    ['12', 'a number'],
    ['', 'nothing'],
    ['   ', 'only whitespace'],
    ['"unclosed', 'an unclosed quote'],
    ['${other}', 'another variable'],
    ['é', 'a non-ASCII letter'],
    ['connector', 'a reserved word (not a name when written in its place either)'],
    ['NULL', 'another reserved word'],
    ['true', 'a boolean'],
  ])('a value that is not exactly one name fails: %j (%s)', (value) => {
    expect(errorAt(buildError('DESCRIBE CONNECTOR ${v};', vars({ v: value })))).toEqual({ code: 'VARIABLE_ERROR', line: 1, column: 20 });
  });
});

describe('variables as unquoted values', () => {
  const value = (raw: string) => {
    const c = build("CREATE SOURCE CONNECTOR x WITH ('k'=${v});", vars({ v: raw })) as CreateConnector;
    return [c.properties[0]!.value, c.properties[0]!.valueKind];
  };

  it.each([
    ["'abc'", 'abc', 'string'],
    ["'it''s'", "it's", 'string'],
    ["''", '', 'string'],
    ["'${x}'", '${x}', 'string'],
    ['10', '10', 'number'],
    ['1.5', '1.5', 'number'],
    ['1e3', '1e3', 'number'],
    ['-1', '-1', 'number'],
    ['-2.5', '-2.5', 'number'],
    ['TRUE', 'true', 'boolean'],
    ['false', 'false', 'boolean'],
  ])('%j → %j (%s)', (raw, expected, kind) => {
    expect(value(raw)).toEqual([expected, kind]);
  });

  it.each([
    ["'t1', value_format='AVRO'", 'ksqlDB shouldSanitizeStatements: must not add a property'],
    ["'t1'), ('extra'='x'", 'closing the list early'],
    ["'a' -- c", 'a comment'],
    ["'a';", 'a separator'],
    ['bulk', 'a bare word'],
    ['"bulk"', 'a quoted identifier'],
    ['null', 'NULL'],
    ['- 1', 'a sign apart from its number'],
    ['--1', 'a comment that looks like a number'],
    ['-x', 'a sign before a name'],
    ['1 2', 'two numbers'],
    ["'unclosed", 'an unclosed string'],
    ['', 'nothing'],
  ])('fails safely for %j (%s)', (raw) => {
    expect(errorAt(buildError("CREATE SOURCE CONNECTOR x WITH ('k'=${v});", vars({ v: raw })))).toEqual({ code: 'VARIABLE_ERROR', line: 1, column: 37 });
  });

  it('an injection attempt inside a string is only text: still exactly one property', () => {
    const c = build("CREATE SOURCE CONNECTOR x WITH ('kafka_topic'='${v}');", vars({ v: "t1', value_format='AVRO" })) as CreateConnector;
    expect(strip(c.properties)).toEqual([{ key: 'kafka_topic', value: "t1', value_format='AVRO", valueKind: 'string' }]);
  });

  it('an undefined variable as a value is an error at the variable', () => {
    expect(errorAt(buildError("ALTER CONNECTOR x SET (\n  'a' = 'b',\n  'c' = ${nope}\n);"))).toEqual({ code: 'VARIABLE_ERROR', line: 3, column: 9 });
  });

  it('with substitution off, a variable as a value or name is an error at the variable', () => {
    expect(errorAt(buildError("CREATE SOURCE CONNECTOR x WITH ('k'=${v});", SUBSTITUTION_OFF))).toEqual({ code: 'VARIABLE_ERROR', line: 1, column: 37 });
    expect(errorAt(buildError('PAUSE CONNECTOR ${v};', SUBSTITUTION_OFF))).toEqual({ code: 'VARIABLE_ERROR', line: 1, column: 17 });
  });

  it('the value of a secret key is never quoted in the error', () => {
    for (const key of ['connection.password', 'api.key', 'my_token', 'sasl.jaas.config']) {
      const e = buildError(`CREATE SOURCE CONNECTOR x WITH ('${key}'=\${pw});`, vars({ pw: 'hunter2 hunter2' }));
      expect(e.code).toBe('VARIABLE_ERROR');
      expect(e.message, key).not.toContain('hunter2');
    }
    // …nor is the value of a secret-named variable anywhere.
    const e = buildError('DESCRIBE CONNECTOR ${db_password};', vars({ db_password: 'hunter2 x' }));
    expect(e.message).not.toContain('hunter2');
    // Ordinary values are shown, to help.
    expect(buildError("CREATE SOURCE CONNECTOR x WITH ('mode'=${m});", vars({ m: 'bulk' })).message).toContain('bulk');
  });
});
