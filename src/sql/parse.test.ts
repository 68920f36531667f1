import { describe, expect, it } from 'vitest';
import type { CreateConnector, PrintTopic, Statement } from './ast.js';
import { build, buildAll, buildError, errorAt, parseError, strip, vars } from './fixtures/helpers.js';
import { parseScript } from './parse.js';

const shape = (text: string, variables = vars({})) => strip(build(text, variables));

/** code/line/column of every failed item of a script, in order. */
function failures(text: string): { code: string; line?: number; column?: number }[] {
  return parseScript(text)
    .filter((i) => !i.ok)
    .map((i) => (i.ok ? { code: 'OK' } : { code: i.error.code, line: i.error.loc?.line, column: i.error.loc?.column }));
}

const id = (value: string, quoting: 'none' | 'double' | 'back' = 'none') => ({ value, quoting });

describe('every statement form parses to its AST', () => {
  it.each<[string, Record<string, unknown>]>([
    // CREATE
    [
      "CREATE SOURCE CONNECTOR foo WITH ('a'='b');",
      { kind: 'CreateConnector', connectorType: 'SOURCE', ifNotExists: false, name: id('FOO'), properties: [{ key: 'a', value: 'b', valueKind: 'string' }] },
    ],
    [
      "create sink connector if not exists `Foo` with ('a'='b', c = 1)",
      {
        kind: 'CreateConnector',
        connectorType: 'SINK',
        ifNotExists: true,
        name: id('Foo', 'back'),
        properties: [
          { key: 'a', value: 'b', valueKind: 'string' },
          { key: 'C', value: '1', valueKind: 'number' },
        ],
      },
    ],
    // DROP
    ['DROP CONNECTOR x;', { kind: 'DropConnector', ifExists: false, name: id('X') }],
    ['drop connector if exists "x";', { kind: 'DropConnector', ifExists: true, name: id('x', 'double') }],
    // SHOW | LIST [SOURCE | SINK] CONNECTORS
    ['SHOW CONNECTORS;', { kind: 'ListConnectors' }],
    ['LIST CONNECTORS;', { kind: 'ListConnectors' }],
    ['SHOW SOURCE CONNECTORS;', { kind: 'ListConnectors', scope: 'SOURCE' }],
    ['list sink connectors;', { kind: 'ListConnectors', scope: 'SINK' }],
    // CONNECTOR PLUGINS
    ['SHOW CONNECTOR PLUGINS;', { kind: 'ListConnectorPlugins' }],
    ['LIST CONNECTOR PLUGINS;', { kind: 'ListConnectorPlugins' }],
    // DESCRIBE
    ['DESCRIBE CONNECTOR x;', { kind: 'DescribeConnector', name: id('X'), extended: false }],
    ['describe connector `x-y` extended;', { kind: 'DescribeConnector', name: id('x-y', 'back'), extended: true }],
    // ALTER
    [
      "ALTER CONNECTOR x SET ('a'='1', b=2, \"c\"=NULL);",
      {
        kind: 'AlterConnectorSet',
        name: id('X'),
        properties: [
          { key: 'a', value: '1', valueKind: 'string' },
          { key: 'B', value: '2', valueKind: 'number' },
          { key: 'c', value: 'null', valueKind: 'null' },
        ],
      },
    ],
    ["ALTER CONNECTOR x UNSET ('a','b');", { kind: 'AlterConnectorUnset', name: id('X'), keys: [{ key: 'a' }, { key: 'b' }] }],
    ["alter connector x unset ('only');", { kind: 'AlterConnectorUnset', name: id('X'), keys: [{ key: 'only' }] }],
    // UNSET keys are written as WITH keys are: any quoting, and bare names fold to upper case.
    ['ALTER CONNECTOR x UNSET ("key", `Other`, bare, \'s\');', { kind: 'AlterConnectorUnset', name: id('X'), keys: [{ key: 'key' }, { key: 'Other' }, { key: 'BARE' }, { key: 's' }] }],
    // PAUSE | RESUME | RESTART
    ['PAUSE CONNECTOR x;', { kind: 'PauseConnector', name: id('X') }],
    ['RESUME CONNECTOR x;', { kind: 'ResumeConnector', name: id('X') }],
    ['restart connector "x";', { kind: 'RestartConnector', name: id('x', 'double') }],
    // Variables
    ["DEFINE x = 'v';", { kind: 'DefineVariable', name: 'x', value: 'v' }],
    ["define MyVar='a b';", { kind: 'DefineVariable', name: 'MyVar', value: 'a b' }],
    ['UNDEFINE x;', { kind: 'UndefineVariable', name: 'x' }],
    ['SHOW VARIABLES;', { kind: 'ListVariables' }],
    ['LIST VARIABLES;', { kind: 'ListVariables' }],
    // What ksqlDB tools ask when they connect
    ['SHOW PROPERTIES;', { kind: 'ListProperties' }],
    ['list properties;', { kind: 'ListProperties' }],
    ['SHOW STREAMS;', { kind: 'ListKsqlObjects', what: 'STREAMS', extended: false }],
    ['LIST TABLES EXTENDED;', { kind: 'ListKsqlObjects', what: 'TABLES', extended: true }],
    ['show queries;', { kind: 'ListKsqlObjects', what: 'QUERIES', extended: false }],
    // Properties and scripts
    ["SET 'p'='v';", { kind: 'SetProperty', name: 'p', value: 'v' }],
    ["UNSET 'p';", { kind: 'UnsetProperty', name: 'p' }],
    ["RUN SCRIPT 'f.sql';", { kind: 'RunScript', path: 'f.sql' }],
    // Topics
    ['SHOW TOPICS;', { kind: 'ListTopics', all: false, extended: false }],
    ['LIST ALL TOPICS;', { kind: 'ListTopics', all: true, extended: false }],
    ['SHOW TOPICS EXTENDED;', { kind: 'ListTopics', all: false, extended: true }],
    ['list all topics extended;', { kind: 'ListTopics', all: true, extended: true }],
    // PRINT
    ['PRINT t;', { kind: 'PrintTopic', topic: 't', fromBeginning: false }],
    ['PRINT t FROM BEGINNING;', { kind: 'PrintTopic', topic: 't', fromBeginning: true }],
    ['PRINT t INTERVAL 5;', { kind: 'PrintTopic', topic: 't', fromBeginning: false, interval: 5 }],
    ['PRINT t SAMPLE 3;', { kind: 'PrintTopic', topic: 't', fromBeginning: false, interval: 3 }],
    ['PRINT t LIMIT 10;', { kind: 'PrintTopic', topic: 't', fromBeginning: false, limit: 10 }],
    ["PRINT 'T' FROM BEGINNING INTERVAL 2 LIMIT 7;", { kind: 'PrintTopic', topic: 'T', fromBeginning: true, interval: 2, limit: 7 }],
    ['print t from beginning limit 1;', { kind: 'PrintTopic', topic: 't', fromBeginning: true, limit: 1 }],
  ])('%s', (text, expected) => {
    expect(shape(text)).toEqual(expected);
  });
});

describe('names and keys', () => {
  it('unquoted names fold to upper case; quoted ones keep case and lose their escapes', () => {
    expect((build('DROP CONNECTOR myConn;') as { name: unknown }).name).toMatchObject(id('MYCONN'));
    expect((build('DROP CONNECTOR "my""Conn";') as { name: unknown }).name).toMatchObject(id('my"Conn', 'double'));
    expect((build('DROP CONNECTOR `my``Conn`;') as { name: unknown }).name).toMatchObject(id('my`Conn', 'back'));
    expect((build('DROP CONNECTOR 1abc;') as { name: unknown }).name).toMatchObject(id('1ABC'));
  });

  it('non-reserved keywords can be names; reserved ones cannot', () => {
    for (const word of ['source', 'sink', 'if', 'set', 'define', 'variables', 'plugins', 'extended', 'show', 'beginning', 'interval', 'sample', 'pause']) {
      expect((build(`DROP CONNECTOR ${word};`) as { name: unknown }).name, word).toMatchObject(id(word.toUpperCase()));
    }
    for (const word of ['connector', 'connectors', 'with', 'create', 'null', 'true', 'limit', 'from', 'topics', 'all']) {
      expect(errorAt(parseError(`DROP CONNECTOR ${word};`)), word).toEqual({ code: 'SYNTAX_ERROR', line: 1, column: 16 });
    }
  });

  it('a connector may be named like the keywords around it', () => {
    expect(shape('CREATE SOURCE CONNECTOR IF WITH (a=1);')).toMatchObject({ ifNotExists: false, name: id('IF') });
    expect(shape('CREATE SOURCE CONNECTOR IF NOT EXISTS IF WITH (a=1);')).toMatchObject({ ifNotExists: true, name: id('IF') });
    expect(shape('DROP CONNECTOR IF;')).toEqual({ kind: 'DropConnector', ifExists: false, name: id('IF') });
    expect(shape('DROP CONNECTOR IF EXISTS IF;')).toEqual({ kind: 'DropConnector', ifExists: true, name: id('IF') });
    expect(shape('DESCRIBE CONNECTOR extended;')).toEqual({ kind: 'DescribeConnector', name: id('EXTENDED'), extended: false });
    expect(shape('DESCRIBE CONNECTOR extended extended;')).toEqual({ kind: 'DescribeConnector', name: id('EXTENDED'), extended: true });
    expect(shape("ALTER CONNECTOR set SET (a='b');")).toMatchObject({ kind: 'AlterConnectorSet', name: id('SET') });
    expect(shape("ALTER CONNECTOR unset UNSET ('a');")).toMatchObject({ kind: 'AlterConnectorUnset', name: id('UNSET') });
  });

  it('WITH keys: unquoted fold to upper case, "double", `back` and \'single\' quoted keep case', () => {
    const c = build("CREATE SOURCE CONNECTOR x WITH (mode='a', \"Mode\"='b', `mOde`='c', 'MoDe'='d', \"foo.bar\"='e');") as CreateConnector;
    expect(c.properties.map((p) => p.key)).toEqual(['MODE', 'Mode', 'mOde', 'MoDe', 'foo.bar']);
  });

  it('values keep their kind and are stored as strings', () => {
    const c = build("CREATE SOURCE CONNECTOR x WITH (a=NULL, b=null, c=1, d=-1, e=1.50, f=.5, g=1e3, h=-1.5E-3, i=TRUE, j=false, k='x', l='', m=- 2, n=99999999999999999999);") as CreateConnector;
    expect(c.properties.map((p) => [p.key, p.value, p.valueKind])).toEqual([
      ['A', 'null', 'null'],
      ['B', 'null', 'null'],
      ['C', '1', 'number'],
      ['D', '-1', 'number'],
      ['E', '1.50', 'number'],
      ['F', '.5', 'number'],
      ['G', '1e3', 'number'],
      ['H', '-1.5E-3', 'number'],
      ['I', 'true', 'boolean'],
      ['J', 'false', 'boolean'],
      ['K', 'x', 'string'],
      ['L', '', 'string'],
      ['M', '-2', 'number'],
      ['N', '99999999999999999999', 'number'],
    ]);
  });

  it("strings unquote '' to ' and keep newlines and comment markers", () => {
    const c = build("CREATE SOURCE CONNECTOR x WITH ('a'='it''s', 'b'='line1\nline2', 'c'='-- no /* no */');") as CreateConnector;
    expect(c.properties.map((p) => p.value)).toEqual(["it's", 'line1\nline2', '-- no /* no */']);
  });

  it('PRINT keeps the case of its topic, quoted or not', () => {
    expect((build('PRINT topic_name_in_lower_case;') as PrintTopic).topic).toBe('topic_name_in_lower_case');
    expect((build('PRINT TOPIC_NAME_IN_UPPER_CASE;') as PrintTopic).topic).toBe('TOPIC_NAME_IN_UPPER_CASE');
    expect((build("PRINT 'topic_name_in_lower_case';") as PrintTopic).topic).toBe('topic_name_in_lower_case');
    expect((build('PRINT MixedCase;') as PrintTopic).topic).toBe('MixedCase');
    expect((build('PRINT "Quoted.Topic";') as PrintTopic).topic).toBe('Quoted.Topic');
    expect((build('PRINT `back-topic`;') as PrintTopic).topic).toBe('back-topic');
    expect((build("PRINT 'has space';") as PrintTopic).topic).toBe('has space');
  });
});

describe('positions and statement text', () => {
  it('records where the statement, its name, type, keys and values are', () => {
    const text = "-- lead\nCREATE  SINK CONNECTOR\n  `n` WITH ('k' = 'v',\n    x=-12);";
    const c = build(text) as CreateConnector;
    expect([c.loc.line, c.loc.column, c.loc.offset]).toEqual([2, 1, 8]);
    expect([c.typeLoc.line, c.typeLoc.column]).toEqual([2, 9]);
    expect([c.name.loc.line, c.name.loc.column, c.name.loc.length]).toEqual([3, 3, 3]);
    const [k, x] = c.properties;
    expect([k!.keyLoc.line, k!.keyLoc.column, k!.valueLoc.line, k!.valueLoc.column, k!.valueLoc.length]).toEqual([3, 13, 3, 19, 3]);
    // A negative number spans its sign and digits.
    expect([x!.keyLoc.line, x!.keyLoc.column, x!.valueLoc.column, x!.valueLoc.length]).toEqual([4, 5, 7, 3]);
    expect(text.slice(x!.valueLoc.offset, x!.valueLoc.offset + x!.valueLoc.length)).toBe('-12');
  });

  it('text runs from the first token to the ; (leading comments dropped, inner comments kept)', () => {
    const [a, b] = buildAll('/* lead */ SHOW /* in */ CONNECTORS ; -- trail\n  SHOW VARIABLES');
    expect(a!.text).toBe('SHOW /* in */ CONNECTORS ;');
    expect(b!.text).toBe('SHOW VARIABLES');
    expect([b!.loc.line, b!.loc.column]).toEqual([2, 3]);
  });

  it('PRINT, SET, DEFINE, RUN SCRIPT record their operand positions', () => {
    const [p, s, d, r] = buildAll("PRINT\n 't';\nSET 'a' =\n'b';\nDEFINE v = 'x';\nRUN SCRIPT 'f';");
    expect(p).toMatchObject({ topicLoc: { line: 2, column: 2 } });
    expect(s).toMatchObject({ nameLoc: { line: 3, column: 5 }, valueLoc: { line: 4, column: 1 } });
    expect(d).toMatchObject({ nameLoc: { line: 5, column: 8 }, valueLoc: { line: 5, column: 12 } });
    expect(r).toMatchObject({ pathLoc: { line: 6, column: 12 } });
  });

  it('passes the file name to every position', () => {
    const item = parseScript('DROP CONNECTOR x;', 'scripts/a.sql')[0]!;
    expect(item.ok && item.statement.loc.file).toBe('scripts/a.sql');
    const bad = parseScript('DROP x;', 'scripts/a.sql')[0]!;
    expect(!bad.ok && bad.error.loc?.file).toBe('scripts/a.sql');
  });
});

describe('statement separation', () => {
  it('the final ; may be missing at the end of input', () => {
    expect(buildAll('SHOW CONNECTORS').map((s) => s.kind)).toEqual(['ListConnectors']);
    expect(buildAll('SHOW CONNECTORS; SHOW VARIABLES  -- no semicolon\n').map((s) => s.kind)).toEqual(['ListConnectors', 'ListVariables']);
  });

  it('but not between statements: the error points at the second statement', () => {
    expect(errorAt(parseError('SHOW CONNECTORS SHOW VARIABLES;'))).toEqual({ code: 'SYNTAX_ERROR', line: 1, column: 17 });
    expect(errorAt(parseError("DROP CONNECTOR a\nDEFINE x = 'y';"))).toEqual({ code: 'SYNTAX_ERROR', line: 2, column: 1 });
    expect(errorAt(parseError("CREATE SOURCE CONNECTOR x WITH ('a'='b')\n  DROP CONNECTOR x;"))).toEqual({ code: 'SYNTAX_ERROR', line: 2, column: 3 });
  });

  it('statements need no whitespace between them', () => {
    expect(buildAll("SHOW CONNECTORS;SHOW VARIABLES;DEFINE a='b';UNDEFINE a;LIST TOPICS").map((s) => s.kind)).toEqual([
      'ListConnectors',
      'ListVariables',
      'DefineVariable',
      'UndefineVariable',
      'ListTopics',
    ]);
  });

  it('empty statements, blank input and comment-only input yield nothing', () => {
    expect(parseScript('')).toEqual([]);
    expect(parseScript(' \n\t ')).toEqual([]);
    expect(parseScript(';;;')).toEqual([]);
    expect(parseScript('-- only a comment')).toEqual([]);
    expect(parseScript('/* a */ ; -- b\n ;')).toEqual([]);
    expect(buildAll('SHOW CONNECTORS;;; ;SHOW VARIABLES;;').map((s) => s.kind)).toEqual(['ListConnectors', 'ListVariables']);
  });

  it('comments between and inside statements are ignored (ksqlDB KsqlParserTest comments)', () => {
    expect(buildAll('/* this is a bracketed comment. */\nSHOW CONNECTORS;/*another comment!*/').map((s) => s.kind)).toEqual(['ListConnectors']);
    expect(buildAll('SHOW -- inline comment\nCONNECTORS;').map((s) => s.kind)).toEqual(['ListConnectors']);
    expect(buildAll('SHOW /* inline\ncomment */\nCONNECTORS;').map((s) => s.kind)).toEqual(['ListConnectors']);
    expect(shape("CREATE /*a*/ SOURCE -- b\n CONNECTOR /* ; */ x WITH ( -- (\n 'k' /*=*/ = /**/ 'v' -- )\n);")).toMatchObject({
      name: id('X'),
      properties: [{ key: 'k', value: 'v' }],
    });
  });

  it('a ; inside a string, quoted name or comment does not end the statement', () => {
    const all = buildAll("SET 'a;b' = 'c;d'; DROP CONNECTOR \"x;y\"; DROP CONNECTOR `p;q` /* ; */ ; -- ;\nSHOW CONNECTORS");
    expect(all.map((s) => s.kind)).toEqual(['SetProperty', 'DropConnector', 'DropConnector', 'ListConnectors']);
    expect(strip(all[0])).toEqual({ kind: 'SetProperty', name: 'a;b', value: 'c;d' });
    expect((all[1] as { name: unknown }).name).toMatchObject(id('x;y', 'double'));
    expect((all[2] as { name: unknown }).name).toMatchObject(id('p;q', 'back'));
  });
});

describe('ksqlDB reference examples (ksqldb.md §5)', () => {
  it('1: single-quoted key, name folded', () => {
    expect(shape("CREATE SOURCE CONNECTOR foo WITH ('foo.bar'='foo');")).toEqual({
      kind: 'CreateConnector',
      connectorType: 'SOURCE',
      ifNotExists: false,
      name: id('FOO'),
      properties: [{ key: 'foo.bar', value: 'foo', valueKind: 'string' }],
    });
  });

  it('2: double-quoted key keeps its case', () => {
    expect(shape('CREATE SINK CONNECTOR foo WITH ("foo.bar"=\'foo\');')).toMatchObject({
      connectorType: 'SINK',
      properties: [{ key: 'foo.bar', value: 'foo', valueKind: 'string' }],
    });
  });

  it('3: leading comment, back-quoted name, mixed key quoting over several lines', () => {
    const text =
      "--this is a comment. \nCREATE SOURCE CONNECTOR `test-connector` WITH (    \"connector.class\" = 'PostgresSource', \n    'connection.url' = 'jdbc:postgresql://localhost:5432/my.db',\n    \"mode\"='bulk',\n    \"topic.prefix\"='jdbc-',\n    \"table.whitelist\"='users',\n    \"key\"='username');";
    const c = build(text) as CreateConnector;
    expect(c.text.startsWith('CREATE SOURCE CONNECTOR')).toBe(true);
    expect(c.name).toMatchObject(id('test-connector', 'back'));
    expect(c.properties.map((p) => [p.key, p.value])).toEqual([
      ['connector.class', 'PostgresSource'],
      ['connection.url', 'jdbc:postgresql://localhost:5432/my.db'],
      ['mode', 'bulk'],
      ['topic.prefix', 'jdbc-'],
      ['table.whitelist', 'users'],
      ['key', 'username'],
    ]);
  });

  it('4: IF NOT EXISTS with "…", \'…\' and `…` keys', () => {
    expect(
      shape("CREATE SOURCE CONNECTOR IF NOT EXISTS testconnector WITH (\"connector.class\" = 'PostgresSource', 'connection.url' = 'jdbc:postgresql://localhost:5432/my.db', `mode`='bulk');"),
    ).toEqual({
      kind: 'CreateConnector',
      connectorType: 'SOURCE',
      ifNotExists: true,
      name: id('TESTCONNECTOR'),
      properties: [
        { key: 'connector.class', value: 'PostgresSource', valueKind: 'string' },
        { key: 'connection.url', value: 'jdbc:postgresql://localhost:5432/my.db', valueKind: 'string' },
        { key: 'mode', value: 'bulk', valueKind: 'string' },
      ],
    });
  });

  it('5: mixed-case keyword Sink', () => {
    expect(shape("CREATE Sink CONNECTOR `test-connector` WITH (\"connector.class\" = 'x');")).toMatchObject({ connectorType: 'SINK', name: id('test-connector', 'back') });
  });

  it('6: the CONNECTO typo is a syntax error at the typo, with a did-you-mean', () => {
    const e = parseError("CREATE Sink CONNECTO `test-connector` WITH (\"connector.class\" = 'x', 'connection.url' = 'y');");
    expect(errorAt(e)).toEqual({ code: 'SYNTAX_ERROR', line: 1, column: 13 });
    expect(e.message).toMatch(/did you mean CONNECTOR\?/);
  });

  it('8, 9: FileStreamSource with and without IF NOT EXISTS', () => {
    expect(shape("CREATE SOURCE CONNECTOR foo WITH ('connector.class'='FileStreamSource');")).toMatchObject({ ifNotExists: false, name: id('FOO') });
    expect(shape("CREATE SOURCE CONNECTOR IF NOT EXISTS foo WITH ('connector.class'='FileStreamSource');")).toMatchObject({ ifNotExists: true, name: id('FOO') });
  });

  it('12: DROP CONNECTOR "foo" (double quotes, no final ;)', () => {
    expect(shape('DROP CONNECTOR "foo"')).toEqual({ kind: 'DropConnector', ifExists: false, name: id('foo', 'double') });
  });

  it('13: no space before WITH(', () => {
    expect(shape("CREATE SOURCE CONNECTOR IF NOT EXISTS `mock-connector` WITH(\"connector.class\"='org.apache.kafka.connect.tools.MockSourceConnector');")).toMatchObject({
      ifNotExists: true,
      name: id('mock-connector', 'back'),
      properties: [{ key: 'connector.class', value: 'org.apache.kafka.connect.tools.MockSourceConnector' }],
    });
  });

  it('14: DESCRIBE/DROP back-quoted, SHOW CONNECTORS, LIST CONNECTOR PLUGINS', () => {
    expect(strip(buildAll('DESCRIBE CONNECTOR `mock-connector`;DROP CONNECTOR `mock-connector`;SHOW CONNECTORS;LIST CONNECTOR PLUGINS;'))).toEqual([
      { kind: 'DescribeConnector', name: id('mock-connector', 'back'), extended: false },
      { kind: 'DropConnector', ifExists: false, name: id('mock-connector', 'back') },
      { kind: 'ListConnectors' },
      { kind: 'ListConnectorPlugins' },
    ]);
  });

  it('15: ${identifier}, ${quotedIdentifier} and ${backQuotedIdentifier} as the DESCRIBE name', () => {
    const v = vars({ identifier: '_id_', quotedIdentifier: '"_id_"', backQuotedIdentifier: '`_id_`' });
    expect(shape('DESCRIBE CONNECTOR ${identifier};', v)).toMatchObject({ name: id('_ID_') });
    expect(shape('DESCRIBE CONNECTOR ${quotedIdentifier};', v)).toMatchObject({ name: id('_id_', 'double') });
    expect(shape('DESCRIBE CONNECTOR ${backQuotedIdentifier};', v)).toMatchObject({ name: id('_id_', 'back') });
  });

  it('16: a keyword cannot be injected through a variable', () => {
    const v = vars({ identifier: 'EXTENDED _id_' });
    expect(errorAt(buildError('DESCRIBE CONNECTOR ${identifier};', v))).toEqual({ code: 'VARIABLE_ERROR', line: 1, column: 20 });
    // ksqlDB's own form has no CONNECTOR keyword: a DESCRIBE of a stream, which Sluice refuses as such.
    expect(errorAt(parseError('DESCRIBE ${identifier};'))).toEqual({ code: 'UNSUPPORTED_STATEMENT', line: 1, column: 1 });
  });

  it('17: $$ escape plus substitution in a DEFINE value', () => {
    expect(shape("DEFINE topicName = 'topic_$${${env}}';", vars({ env: 'qa' }))).toEqual({ kind: 'DefineVariable', name: 'topicName', value: 'topic_${qa}' });
  });

  it('19: LIST SOURCE CONNECTORS, DESCRIBE my_connector, DROP IF EXISTS', () => {
    expect(strip(buildAll('LIST SOURCE CONNECTORS;\nDESCRIBE CONNECTOR my_connector;\nDROP CONNECTOR IF EXISTS my_connector;'))).toEqual([
      { kind: 'ListConnectors', scope: 'SOURCE' },
      { kind: 'DescribeConnector', name: id('MY_CONNECTOR'), extended: false },
      { kind: 'DropConnector', ifExists: true, name: id('MY_CONNECTOR') },
    ]);
  });

  it("20: MigrationsTest script: a comment with ', no whitespace between statements, a variable as the name", () => {
    const text =
      "DROP CONNECTOR IF EXISTS nonExistant;\n-- let's create some connectors!!!\nCREATE SOURCE CONNECTOR C WITH ('connector.class'='org.apache.kafka.connect.tools.MockSourceConnector');\nDEFINE connectorName = 'D';CREATE SINK CONNECTOR ${connectorName} WITH ('connector.class'='org.apache.kafka.connect.tools.MockSinkConnector', 'topics'='d');";
    const items = parseScript(text);
    expect(items.map((i) => i.ok)).toEqual([true, true, true, true]);
    const all = buildAll(text, vars({ connectorName: 'D' }));
    expect(all.map((s) => s.kind)).toEqual(['DropConnector', 'CreateConnector', 'DefineVariable', 'CreateConnector']);
    expect(all[1]!.loc.line).toBe(3);
    expect(strip(all[3])).toEqual({
      kind: 'CreateConnector',
      connectorType: 'SINK',
      ifNotExists: false,
      name: id('D'),
      properties: [
        { key: 'connector.class', value: 'org.apache.kafka.connect.tools.MockSinkConnector', valueKind: 'string' },
        { key: 'topics', value: 'd', valueKind: 'string' },
      ],
    });
  });

  it('23: PRINT with FROM BEGINNING INTERVAL LIMIT, and with a variable topic', () => {
    expect(shape('print my_topic FROM BEGINNING INTERVAL 1 LIMIT 1;')).toEqual({ kind: 'PrintTopic', topic: 'my_topic', fromBeginning: true, interval: 1, limit: 1 });
    expect(shape('PRINT ${topicName} FROM BEGINNING INTERVAL 1 LIMIT 2;', vars({ topicName: 'Orders' }))).toEqual({
      kind: 'PrintTopic',
      topic: 'Orders',
      fromBeginning: true,
      interval: 1,
      limit: 2,
    });
  });

  it('24: lower-case set, define, undefine', () => {
    expect(strip(buildAll("set 'auto.offset.reset'='earliest';\ndefine var1 = '1';\nundefine var1;"))).toEqual([
      { kind: 'SetProperty', name: 'auto.offset.reset', value: 'earliest' },
      { kind: 'DefineVariable', name: 'var1', value: '1' },
      { kind: 'UndefineVariable', name: 'var1' },
    ]);
  });

  it("25: quote characters inside quotes and -- inside a string", () => {
    expect(shape("SET 'x' = 'this isn''t a comment -- the first quote isn''t closed' -- comment")).toEqual({
      kind: 'SetProperty',
      name: 'x',
      value: "this isn't a comment -- the first quote isn't closed",
    });
    expect(shape('DROP CONNECTOR "````````";')).toMatchObject({ name: id('````````', 'double') });
    expect(shape('DROP CONNECTOR `""`;')).toMatchObject({ name: id('""', 'back') });
    expect(shape('DROP CONNECTOR "it\'s";')).toMatchObject({ name: id("it's", 'double') });
  });

  it('28: documentation examples', () => {
    expect(shape('DESCRIBE CONNECTOR "my-jdbc-connector";')).toMatchObject({ name: id('my-jdbc-connector', 'double') });
    expect(
      shape("CREATE SOURCE CONNECTOR `jdbc-connector` WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSourceConnector', 'connection.url'='jdbc:postgresql://localhost:5432/my.db', 'mode'='bulk', 'topic.prefix'='jdbc-', 'table.whitelist'='users', 'key'='username');"),
    ).toMatchObject({ name: id('jdbc-connector', 'back'), properties: expect.arrayContaining([{ key: 'key', value: 'username', valueKind: 'string' }]) });
    expect(shape("PRINT 'people' FROM BEGINNING;")).toEqual({ kind: 'PrintTopic', topic: 'people', fromBeginning: true });
    expect(shape("DEFINE topicName = '''my_topic''';")).toEqual({ kind: 'DefineVariable', name: 'topicName', value: "'my_topic'" });
  });
});

describe('syntax errors: code and position', () => {
  it.each<[string, string, number, number]>([
    // Typos in keywords.
    ["CREATE SINK CONNECTO x WITH ('a'='b');", 'SYNTAX_ERROR', 1, 13],
    ['CRATE SOURCE CONNECTOR x WITH (a=1);', 'SYNTAX_ERROR', 1, 1],
    ['CREATE SOURCE CONNECTOR x WTIH (a=1);', 'SYNTAX_ERROR', 1, 27],
    ['CREATE CONNECTOR x WITH (a=1);', 'SYNTAX_ERROR', 1, 8],
    // Missing WITH, empty WITH (), bare-word value, trailing comma.
    ["CREATE SOURCE CONNECTOR x ('a'='b');", 'SYNTAX_ERROR', 1, 27],
    ['CREATE SOURCE CONNECTOR x WITH ();', 'SYNTAX_ERROR', 1, 33],
    ['CREATE SOURCE CONNECTOR x WITH (mode=bulk);', 'SYNTAX_ERROR', 1, 38],
    ["CREATE SOURCE CONNECTOR x WITH ('a'='b',);", 'SYNTAX_ERROR', 1, 41],
    ["CREATE SOURCE CONNECTOR x WITH ('a'='b' 'c'='d');", 'SYNTAX_ERROR', 1, 41],
    ["CREATE SOURCE CONNECTOR x WITH ('a' 'b');", 'SYNTAX_ERROR', 1, 37],
    ["CREATE SOURCE CONNECTOR x WITH (\"a\"=\"b\");", 'SYNTAX_ERROR', 1, 37],
    ["CREATE SOURCE CONNECTOR x WITH ('a'=`b`);", 'SYNTAX_ERROR', 1, 37],
    ["CREATE SOURCE CONNECTOR x WITH ('a'=-'b');", 'SYNTAX_ERROR', 1, 38],
    ["CREATE SOURCE CONNECTOR x WITH (1='b');", 'SYNTAX_ERROR', 1, 33],
    ["CREATE SOURCE CONNECTOR x WITH ('a'='b'));", 'SYNTAX_ERROR', 1, 41],
    // Reserved words and numbers are not names.
    ['DROP CONNECTOR connectors;', 'SYNTAX_ERROR', 1, 16],
    ['DESCRIBE CONNECTOR 12;', 'SYNTAX_ERROR', 1, 20],
    ["CREATE SOURCE CONNECTOR 'x' WITH (a=1);", 'SYNTAX_ERROR', 1, 25],
    // Other statements.
    ['DEFINE x = 1;', 'SYNTAX_ERROR', 1, 12],
    ["DEFINE \"x\" = 'a';", 'SYNTAX_ERROR', 1, 8],
    ["DEFINE x 'a';", 'SYNTAX_ERROR', 1, 10],
    ["SET a = 'b';", 'SYNTAX_ERROR', 1, 5],
    ["SET 'a' 'b';", 'SYNTAX_ERROR', 1, 9],
    ['UNSET a;', 'SYNTAX_ERROR', 1, 7],
    ['RUN SCRIPT f;', 'SYNTAX_ERROR', 1, 12],
    ['PRINT t LIMIT -1;', 'SYNTAX_ERROR', 1, 15],
    ['PRINT t INTERVAL 1.5;', 'SYNTAX_ERROR', 1, 18],
    ['PRINT t LIMIT 1 INTERVAL 1;', 'SYNTAX_ERROR', 1, 17],
    ['PRINT t FROM;', 'SYNTAX_ERROR', 1, 13],
    ['SHOW SOURCE CONNECTOR PLUGINS;', 'SYNTAX_ERROR', 1, 13],
    ['SHOW ALL CONNECTORS;', 'SYNTAX_ERROR', 1, 10],
    ['SHOW EXTENDED TOPICS;', 'SYNTAX_ERROR', 1, 6],
    ['DESCRIBE x y;', 'SYNTAX_ERROR', 1, 10],
    ['DESCRIBE CONNECTOR x EXTENDED EXTENDED;', 'SYNTAX_ERROR', 1, 31],
    ['ALTER CONNECTOR x UNSET (a = 1);', 'SYNTAX_ERROR', 1, 28],
    ['ALTER CONNECTOR x UNSET ();', 'SYNTAX_ERROR', 1, 26],
    ["ALTER CONNECTOR x ('a'='b');", 'SYNTAX_ERROR', 1, 19],
    ['PAUSE x y;', 'SYNTAX_ERROR', 1, 7],
    ['INSERT INTO x;', 'UNSUPPORTED_STATEMENT', 1, 1],
    ['42;', 'SYNTAX_ERROR', 1, 1],
    ["'just a string';", 'SYNTAX_ERROR', 1, 1],
    // End of input: just past the last token, even with whitespace or comments before the ;.
    ["CREATE SOURCE CONNECTOR x WITH ('a'='b'", 'SYNTAX_ERROR', 1, 40],
    ['CREATE SOURCE CONNECTOR x;', 'SYNTAX_ERROR', 1, 26],
    ['DROP CONNECTOR;', 'SYNTAX_ERROR', 1, 15],
    ['DROP CONNECTOR   /* c */ ;', 'SYNTAX_ERROR', 1, 15],
    ['DROP CONNECTOR\n\n;', 'SYNTAX_ERROR', 1, 15],
    ['ALTER CONNECTOR x;', 'SYNTAX_ERROR', 1, 18],
    ['LIST', 'SYNTAX_ERROR', 1, 5],
    ["SET 'a\nbc' =", 'SYNTAX_ERROR', 2, 6],
    // Lexical errors.
    ['SHOW # CONNECTORS;', 'LEXICAL_ERROR', 1, 6],
    ["SET 'a' = 'b", 'LEXICAL_ERROR', 1, 11],
    ['DROP CONNECTOR "abc', 'LEXICAL_ERROR', 1, 16],
    ['DROP CONNECTOR `abc', 'LEXICAL_ERROR', 1, 16],
    ['SHOW /* CONNECTORS;', 'LEXICAL_ERROR', 1, 6],
    ['DROP CONNECTOR ${ x};', 'LEXICAL_ERROR', 1, 16],
    ['DROP CONNECTOR my.conn;', 'LEXICAL_ERROR', 1, 18],
    ['DROP CONNECTOR my-conn;', 'SYNTAX_ERROR', 1, 18],
  ])('%j → %s at %i:%i', (text, code, line, column) => {
    expect(errorAt(parseError(text))).toEqual({ code, line, column });
  });

  it('errors deep in a multi-line script point at the right line', () => {
    const text = "SHOW CONNECTORS;\nDEFINE a = 'b';\nCREATE SOURCE CONNECTOR x WITH (\n  'k' = 'v',\n  mode = bulk\n);";
    expect(failures(text)).toEqual([{ code: 'SYNTAX_ERROR', line: 5, column: 10 }]);
    expect(failures("\n\n  DROP CONNECTOR x y;")).toEqual([{ code: 'SYNTAX_ERROR', line: 3, column: 20 }]);
  });

  it('lines count CRLF and lone CR the same for tokens, lexical errors and end-of-input errors', () => {
    expect(failures('SHOW CONNECTORS;\r\n\r\nDROP x;')).toEqual([{ code: 'SYNTAX_ERROR', line: 3, column: 6 }]);
    expect(failures('SHOW CONNECTORS;\r\rDROP x;')).toEqual([{ code: 'SYNTAX_ERROR', line: 3, column: 6 }]);
    expect(failures('SHOW CONNECTORS;\r\r  #;')).toEqual([{ code: 'LEXICAL_ERROR', line: 3, column: 3 }]);
    expect(failures('SHOW CONNECTORS;\r\n\r\n  #;')).toEqual([{ code: 'LEXICAL_ERROR', line: 3, column: 3 }]);
    expect(failures('SHOW\r\rALTER\rCONNECTOR')).toEqual([{ code: 'SYNTAX_ERROR', line: 3, column: 1 }]);
    expect(failures('ALTER\r\rCONNECTOR\rx')).toEqual([{ code: 'SYNTAX_ERROR', line: 4, column: 2 }]);
  });

  it('did-you-mean is offered for keyword typos only when close', () => {
    expect(parseError("CREATE SINK CONNECTO x WITH ('a'='b');").message).toMatch(/did you mean CONNECTOR\?/);
    expect(parseError('CRATE SOURCE CONNECTOR x WITH (a=1);').message).toMatch(/did you mean CREATE\?/);
    expect(parseError('CREATE SOURCE CONNECTOR x WTIH (a=1);').message).toMatch(/did you mean WITH\?/);
    expect(parseError('SHWO CONNECTORS;').message).toMatch(/did you mean SHOW\?/);
    expect(parseError('SHOW CONECTORS;').message).toMatch(/did you mean CONNECTORS\?/);
    expect(parseError('DESCRIBE CONNECTOR x EXTNDED y;').message).not.toMatch(/did you mean/);
    expect(parseError('FROBNICATE;').message).not.toMatch(/did you mean/);
  });

  it('every bad statement of a script is reported, and the good ones still parse', () => {
    const text = ['DROP CONNECTOR;', 'SHOW CONNECTORS;', "CREATE SOURCE CONNECTOR x WITH (a=b);", 'DESCRIBE x y;', 'SHOW VARIABLES;', 'PRINT t LIMIT x;'].join('\n');
    const items = parseScript(text);
    expect(items.map((i) => i.ok)).toEqual([false, true, false, false, true, false]);
    expect(failures(text)).toEqual([
      { code: 'SYNTAX_ERROR', line: 1, column: 15 },
      { code: 'SYNTAX_ERROR', line: 3, column: 35 },
      { code: 'SYNTAX_ERROR', line: 4, column: 10 },
      { code: 'SYNTAX_ERROR', line: 6, column: 15 },
    ]);
  });

  it('a lexical error inside a later statement fails that statement only', () => {
    const text = "SHOW CONNECTORS;\nDEFINE a = 'b';\nCREATE SOURCE CONNECTOR x WITH ('k' = ?);\nSHOW VARIABLES;";
    const items = parseScript(text);
    expect(items.map((i) => i.ok)).toEqual([true, true, false, true]);
    expect(failures(text)).toEqual([{ code: 'LEXICAL_ERROR', line: 3, column: 39 }]);
    const bad = items[2]!;
    expect(!bad.ok && bad.text).toBe("CREATE SOURCE CONNECTOR x WITH ('k' = ?);");
  });

  it('several lexical errors in one statement give one error (the first); other statements are still checked', () => {
    expect(failures('SHOW # ? CONNECTORS;\nDROP ! CONNECTOR x;\nSHOW CONNECTORS;')).toEqual([
      { code: 'LEXICAL_ERROR', line: 1, column: 6 },
      { code: 'LEXICAL_ERROR', line: 2, column: 6 },
    ]);
  });

  it('a lexical error wins over a syntax error in the same statement', () => {
    expect(failures('DROP CONNECTOR # ;')).toEqual([{ code: 'LEXICAL_ERROR', line: 1, column: 16 }]);
    expect(failures('DROP # ;')).toEqual([{ code: 'LEXICAL_ERROR', line: 1, column: 6 }]);
  });

  it('an unclosed string swallows the rest of the script into one error at its opening quote', () => {
    const text = "SHOW CONNECTORS;\nCREATE SOURCE CONNECTOR x WITH ('a'='b);\nSHOW CONNECTORS;\nDROP CONNECTOR y;";
    const items = parseScript(text);
    expect(items.map((i) => i.ok)).toEqual([true, false]);
    expect(failures(text)).toEqual([{ code: 'LEXICAL_ERROR', line: 2, column: 37 }]);
  });

  it('a statement made only of a bad character is still reported', () => {
    expect(failures('#;SHOW CONNECTORS;')).toEqual([{ code: 'LEXICAL_ERROR', line: 1, column: 1 }]);
    expect(failures('SHOW CONNECTORS;\n  €')).toEqual([{ code: 'LEXICAL_ERROR', line: 2, column: 3 }]);
  });

  it('failed items carry their own text and the source', () => {
    const text = 'SHOW CONNECTORS;  DROP x ; SHOW VARIABLES;';
    const bad = parseScript(text)[1]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.text).toBe('DROP x ;');
      expect(bad.source).toBe(text);
    }
  });

  it('integers too large for PRINT are a SYNTAX_ERROR at the number when built', () => {
    expect(errorAt(buildError('PRINT t INTERVAL 99999999999999999999;'))).toEqual({ code: 'SYNTAX_ERROR', line: 1, column: 18 });
    expect(errorAt(buildError('PRINT t FROM BEGINNING\n  LIMIT 9007199254740993;'))).toEqual({ code: 'SYNTAX_ERROR', line: 2, column: 9 });
    expect(shape('PRINT t LIMIT 9007199254740991;')).toMatchObject({ limit: 9007199254740991 });
  });
});

describe('kinds', () => {
  it('the table above covers every statement kind', () => {
    const kinds: Statement['kind'][] = [
      'CreateConnector',
      'DropConnector',
      'ListConnectors',
      'ListConnectorPlugins',
      'DescribeConnector',
      'AlterConnectorSet',
      'AlterConnectorUnset',
      'PauseConnector',
      'ResumeConnector',
      'RestartConnector',
      'DefineVariable',
      'UndefineVariable',
      'ListVariables',
      'ListProperties',
      'ListKsqlObjects',
      'SetProperty',
      'UnsetProperty',
      'RunScript',
      'ListTopics',
      'PrintTopic',
    ];
    const seen = buildAll(
      "CREATE SOURCE CONNECTOR a WITH (b=1);DROP CONNECTOR a;SHOW CONNECTORS;SHOW CONNECTOR PLUGINS;DESCRIBE CONNECTOR a;ALTER CONNECTOR a SET (b=1);ALTER CONNECTOR a UNSET ('b');PAUSE CONNECTOR a;RESUME CONNECTOR a;RESTART CONNECTOR a;DEFINE a='b';UNDEFINE a;SHOW VARIABLES;SHOW PROPERTIES;SHOW STREAMS;SET 'a'='b';UNSET 'a';RUN SCRIPT 'a';SHOW TOPICS;PRINT a;",
    ).map((s) => s.kind);
    expect(seen).toEqual(kinds);
  });
});

describe('ksqlDB statements about streams, tables and queries', () => {
  it.each([
    ['SELECT * FROM orders EMIT CHANGES;', 'SELECT'],
    ["select id, count(*) from t where x > 1 and y <> 'a;b' group by id;", 'SELECT'],
    ['INSERT INTO s (a, b) VALUES (1, 2.5);', 'INSERT'],
    ['INSERT INTO s SELECT * FROM t;', 'INSERT'],
    ["CREATE STREAM s (id INT KEY, v STRUCT<a VARCHAR>) WITH (kafka_topic='t', value_format='json');", 'CREATE STREAM'],
    ['create or replace table t as select * from s;', 'CREATE TABLE'],
    ["CREATE SOURCE TABLE t (id INT PRIMARY KEY) WITH (kafka_topic='t');", 'CREATE TABLE'],
    ['CREATE TYPE address AS STRUCT<street VARCHAR>;', 'CREATE TYPE'],
    ['DROP STREAM IF EXISTS s DELETE TOPIC;', 'DROP STREAM'],
    ['TERMINATE ALL;', 'TERMINATE'],
    // ksqlDB's DESCRIBE of a source, SHOW FUNCTIONS/TYPES, PAUSE/RESUME of a query and ASSERT were syntax errors
    // ('expected CONNECTOR but found riderLocations').
    ['describe riderLocations;', 'DESCRIBE of a stream or table'],
    ['DESCRIBE EXTENDED `pageviews`;', 'DESCRIBE of a stream or table'],
    ['DESCRIBE pageviews EXTENDED;', 'DESCRIBE of a stream or table'],
    ['SHOW FUNCTIONS;', 'SHOW FUNCTIONS'],
    ['list types;', 'LIST TYPES'],
    ['PAUSE ALL;', 'PAUSE of a query'],
    ['RESUME CSAS_PAGEVIEWS_3;', 'RESUME of a query'],
    ['ASSERT TOPIC pageviews TIMEOUT 3 SECONDS;', 'ASSERT'],
  ])('%j is one UNSUPPORTED_STATEMENT at its start', (text, what) => {
    const items = parseScript(`  ${text}`);
    expect(items).toHaveLength(1);
    const item = items[0]!;
    expect(item.ok).toBe(false);
    if (item.ok) return;
    expect({ code: item.error.code, line: item.error.loc?.line, column: item.error.loc?.column }).toEqual({ code: 'UNSUPPORTED_STATEMENT', line: 1, column: 3 });
    expect(item.error.message).toMatch(new RegExp(`^${what} is not supported: Sluice manages connectors and topics`));
    expect(item.text).toBe(text);
  });

  it('the other statements of the script still get their own errors, or run', () => {
    const text = "SET 'auto.offset.reset' = 'earliest';\nSELECT * FROM s EMIT CHANGES;\nSHOW CONNECTORS;\nCREATE STREAM s (a INT) WITH (kafka_topic='t');\nDROP CONNECTOR;\nINSERT INTO s VALUES (1);";
    expect(failures(text)).toEqual([
      { code: 'UNSUPPORTED_STATEMENT', line: 2, column: 1 },
      { code: 'UNSUPPORTED_STATEMENT', line: 4, column: 1 },
      { code: 'SYNTAX_ERROR', line: 5, column: 15 },
      { code: 'UNSUPPORTED_STATEMENT', line: 6, column: 1 },
    ]);
    expect(parseScript(text).filter((i) => i.ok)).toHaveLength(2);
  });

  it('an unclosed string inside one is still the error: it swallowed the statements after it', () => {
    expect(failures("SELECT 'abc FROM t; SHOW CONNECTORS;")).toEqual([{ code: 'LEXICAL_ERROR', line: 1, column: 8 }]);
  });

  it('names that only begin alike are not taken for them', () => {
    expect(failures('CREATE SOURCE CONNECTOR select WITH (a=1); SELECTED;')).toEqual([{ code: 'SYNTAX_ERROR', line: 1, column: 44 }]);
    expect(failures('CREATE STREAMS;')).toEqual([{ code: 'SYNTAX_ERROR', line: 1, column: 8 }]);
    // Sluice's own statements with a word wrong or missing stay syntax errors at that word.
    expect(failures('DESCRIBE CONECTOR x;\nPAUSE CONECTOR x;\nDESCRIBE CONNECTOR;\nPAUSE CONNECTOR;')).toEqual([
      { code: 'SYNTAX_ERROR', line: 1, column: 10 },
      { code: 'SYNTAX_ERROR', line: 2, column: 7 },
      { code: 'SYNTAX_ERROR', line: 3, column: 19 },
      { code: 'SYNTAX_ERROR', line: 4, column: 16 },
    ]);
  });
});

describe('size limits', () => {
  const failure = (text: string) => {
    const item = parseScript(text).find((i) => !i.ok);
    return item && !item.ok ? { code: item.error.code, line: item.error.loc?.line, column: item.error.loc?.column, message: item.error.message, text: item.text } : undefined;
  };

  it('a 10 MB string literal is INPUT_TOO_LARGE at the literal (it overflowed the stack)', () => {
    const text = `SHOW CONNECTORS;\nSET 'x' = '${'a'.repeat(10 * 1024 * 1024)}';\nSHOW TOPICS;`;
    const items = parseScript(text);
    expect(items.map((i) => i.ok)).toEqual([true, false, true]);
    expect(failure(text)).toMatchObject({ code: 'INPUT_TOO_LARGE', line: 2, column: 11, message: 'string literal too long: 10485762 characters, at most 1048576 are allowed' });
    // The error quotes the start of the statement, not all 10 MB of it.
    expect(failure(text)!.text.length).toBeLessThan(300);
  });

  it('a literal of 1 MiB is still taken', () => {
    const text = `SET 'x' = '${'a'.repeat(1024 * 1024 - 2)}';`;
    expect(parseScript(text).map((i) => i.ok)).toEqual([true]);
  });

  it.each([
    ['DESCRIBE CONNECTOR "%";', 1, 20],
    ['DROP CONNECTOR `%`;', 1, 16],
    ['DROP CONNECTOR %;', 1, 16],
    ['SHOW TOPICS;\nPRINT ${%};', 2, 7],
  ])('a 1 MB name in %j is INPUT_TOO_LARGE at the name', (template, line, column) => {
    const text = template.replace('%', 'n'.repeat(1024 * 1024));
    expect(failure(text)).toMatchObject({ code: 'INPUT_TOO_LARGE', line, column, message: expect.stringMatching(/^(name|variable reference) too long/) });
  });

  it('a statement over 4 MiB is INPUT_TOO_LARGE at its start, even when each value is within its limit', () => {
    const value = 'v'.repeat(1000 * 1000);
    const props = Array.from({ length: 5 }, (_, i) => `'k${i}' = '${value}'`).join(', ');
    const text = `SHOW CONNECTORS;\n  CREATE SOURCE CONNECTOR c WITH (${props});`;
    expect(failure(text)).toMatchObject({ code: 'INPUT_TOO_LARGE', line: 2, column: 3, message: expect.stringMatching(/^statement too long: \d+ characters, at most 4194304/) });
  });

  it('a long script of small statements has no limit', () => {
    const text = 'SHOW CONNECTORS;\n'.repeat(50_000);
    expect(parseScript(text).every((i) => i.ok)).toBe(true);
  });
});
