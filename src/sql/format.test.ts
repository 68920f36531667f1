import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESERVED_KEYWORDS } from '../../grammar/keywords.js';
import type { Identifier, LiteralKind, Loc, Statement } from './ast.js';
import { build, strip } from './fixtures/helpers.js';
import { formatIdentifier, formatStatement, quoteString } from './format.js';

/** format(build(parse(text))) parsed and built again must give the same AST, and formatting must be a fixpoint. */
function roundTrip(text: string): string {
  const ast = build(text);
  const formatted = formatStatement(ast);
  const again = build(formatted);
  expect(strip(again), `${text}\n  formatted as\n${formatted}`).toEqual(strip(ast));
  expect(formatStatement(again)).toBe(formatted);
  return formatted;
}

describe('round trip: parse → build → format → parse → build', () => {
  it.each([
    // CREATE, with every kind of value and key quoting.
    "CREATE SOURCE CONNECTOR foo WITH ('connector.class'='FileStreamSource');",
    "create sink connector if not exists `jdbc-connector` with (\"connector.class\"='x', `mode`='bulk', mode='a', 'k'='v');",
    "CREATE SOURCE CONNECTOR x WITH ('a'=NULL, 'b'=TRUE, 'c'=false, 'd'=-1, 'e'=- 2.50, 'f'=.5, 'g'=1e3, 'h'=-1.5E-3, 'i'=99999999999999999999);",
    "CREATE SOURCE CONNECTOR x WITH ('quote'='it''s', 'two'='''''', 'empty'='', 'nl'='a\nb', 'dq'='\"x\"', 'bq'='`x`');",
    "CREATE SOURCE CONNECTOR x WITH ('dollar'='$${not_a_var}', 'lone'='a$b$', 'brace'='${', 'escaped'='$$${x}', 'comment'='-- x /* y */', 'semi'=';');",
    "CREATE SOURCE CONNECTOR x WITH ('$${key}'='v', 'it''s'='v');",
    // Names that need quoting, and names that happen to be keywords.
    "CREATE SOURCE CONNECTOR \"has space\" WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR \"with\"\"quote\" WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR `with``tick` WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR `` WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR \"MixedCase\" WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR `UPPER` WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR `CONNECTOR` WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR \"null\" WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR 1abc WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR `1e3` WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR \"a${b}\" WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR source WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR IF NOT EXISTS IF WITH ('a'='b');",
    "CREATE SOURCE CONNECTOR x@y WITH ('a'='b');",
    // DROP, SHOW, DESCRIBE.
    'DROP CONNECTOR x;',
    'DROP CONNECTOR IF EXISTS "x-y";',
    'DROP CONNECTOR IF;',
    'SHOW CONNECTORS;',
    'LIST SOURCE CONNECTORS;',
    'show sink connectors;',
    'LIST CONNECTOR PLUGINS;',
    'DESCRIBE CONNECTOR `a b`;',
    'DESCRIBE CONNECTOR extended EXTENDED;',
    // ALTER.
    "ALTER CONNECTOR x SET ('a'='1', b=2, \"c\"=NULL, 'd'=TRUE, 'e'=-7);",
    "ALTER CONNECTOR \"x\" UNSET ('a', 'it''s', '$${v}');",
    // State changes.
    'PAUSE CONNECTOR x;',
    'RESUME CONNECTOR `x`;',
    'RESTART CONNECTOR "x";',
    // Variables.
    "DEFINE x = 'v';",
    "DEFINE MixedCase = 'it''s $${literal}';",
    "define source = '';",
    'UNDEFINE x;',
    'LIST VARIABLES;',
    // Properties and scripts.
    "SET 'ksql.variable.substitution.enable'='false';",
    "SET 'a''b'='c$${d}';",
    "UNSET 'p';",
    "RUN SCRIPT 'dir/it''s.sql';",
    // Topics.
    'SHOW TOPICS;',
    'LIST ALL TOPICS EXTENDED;',
    'SHOW TOPICS EXTENDED;',
    'PRINT topic_name_in_lower_case;',
    "PRINT 'people' FROM BEGINNING;",
    'PRINT t SAMPLE 3 LIMIT 10;',
    'PRINT `My Topic` FROM BEGINNING INTERVAL 1 LIMIT 2;',
    "PRINT 'it''s' LIMIT 9007199254740991;",
  ])('%s', (text) => {
    roundTrip(text);
  });

  it('formats to canonical text', () => {
    expect(roundTrip("create source connector foo with ('a'='b', mode=1, x=null, y=true)")).toBe(
      "CREATE SOURCE CONNECTOR FOO WITH ('a' = 'b', 'MODE' = 1, 'X' = NULL, 'Y' = TRUE);",
    );
    expect(roundTrip('list sink connectors')).toBe('SHOW SINK CONNECTORS;');
    expect(roundTrip('print MyTopic sample 2')).toBe("PRINT 'MyTopic' INTERVAL 2;");
    expect(roundTrip('drop connector if exists `CONNECTOR`')).toBe('DROP CONNECTOR IF EXISTS `CONNECTOR`;');
    expect(roundTrip("CREATE SOURCE CONNECTOR 1abc WITH ('a'='$${b}')")).toBe("CREATE SOURCE CONNECTOR 1ABC WITH ('a' = '$${b}');");
  });
});

describe('formatIdentifier', () => {
  it.each<[Pick<Identifier, 'value' | 'quoting'>, string]>([
    [{ value: 'ABC', quoting: 'none' }, 'ABC'],
    [{ value: 'A_B@1', quoting: 'none' }, 'A_B@1'],
    [{ value: 'SOURCE', quoting: 'none' }, 'SOURCE'],
    [{ value: '1ABC', quoting: 'none' }, '1ABC'],
    // Reserved words, and text that would lex as something else, are back-quoted.
    [{ value: 'CONNECTOR', quoting: 'none' }, '`CONNECTOR`'],
    [{ value: 'NULL', quoting: 'none' }, '`NULL`'],
    [{ value: '1E3', quoting: 'none' }, '`1E3`'],
    [{ value: '123', quoting: 'none' }, '`123`'],
    [{ value: 'a b', quoting: 'none' }, '`a b`'],
    [{ value: '', quoting: 'none' }, '``'],
    [{ value: 'lower', quoting: 'none' }, '`lower`'],
    [{ value: 'x', quoting: 'double' }, '"x"'],
    [{ value: 'a"b', quoting: 'double' }, '"a""b"'],
    [{ value: 'a`b', quoting: 'back' }, '`a``b`'],
    [{ value: 'ABC', quoting: 'back' }, '`ABC`'],
  ])('%j → %s', (ident, expected) => {
    expect(formatIdentifier(ident)).toBe(expected);
  });
});

describe('quoteString', () => {
  it.each([
    ['', "''"],
    ["it's", "'it''s'"],
    ['${x}', "'$${x}'"],
    ['$${x}', "'$$${x}'"],
    ['a\nb', "'a\nb'"],
  ])('%j → %s', (value, expected) => expect(quoteString(value)).toBe(expected));
});

// Property-based: random ASTs of every kind must survive format → parse → build unchanged.
describe('round trip of random ASTs', () => {
  const loc: Loc = { line: 1, column: 1, offset: 0, length: 1 };
  const reserved = new Set<string>(RESERVED_KEYWORDS);
  // Any text at all, including quotes, ${, $$, newlines, control and non-ASCII characters.
  const oneChar = (unit: 'binary' | 'binary-ascii') => fc.string({ unit, minLength: 1, maxLength: 1 });
  const text = fc.string({
    unit: fc.oneof(fc.constantFrom("'", '"', '`', '$', '{', '}', '$$', '${', '\n', '\r', ';', '-', '/*', ' '), oneChar('binary-ascii'), oneChar('binary')),
    maxLength: 12,
  });
  const bareName = fc
    .oneof(fc.stringMatching(/^[A-Z_][A-Z0-9_@]{0,8}$/), fc.stringMatching(/^[0-9]{1,3}[A-Z_@][A-Z0-9_@]{0,5}$/))
    .filter((n) => !reserved.has(n) && !/^[0-9]+E[0-9]+$/.test(n));
  const identifier: fc.Arbitrary<Identifier> = fc.oneof(
    bareName.map((value) => ({ value, quoting: 'none' as const, loc })),
    text.map((value) => ({ value, quoting: 'double' as const, loc })),
    text.map((value) => ({ value, quoting: 'back' as const, loc })),
  );
  const digits = fc.stringMatching(/^[0-9]{1,6}$/);
  const number = fc
    .tuple(
      fc.boolean(),
      fc.oneof(
        digits,
        fc.tuple(digits, fc.stringMatching(/^[0-9]{0,3}$/)).map(([a, b]) => `${a}.${b}`),
        digits.map((d) => `.${d}`),
        fc.tuple(digits, fc.constantFrom('e', 'E', 'e-', 'E+'), fc.stringMatching(/^[0-9]{1,3}$/)).map(([a, e, b]) => `${a}${e}${b}`),
      ),
    )
    .map(([neg, n]) => (neg ? `-${n}` : n));
  const literal: fc.Arbitrary<{ value: string; valueKind: LiteralKind }> = fc.oneof(
    text.map((value) => ({ value, valueKind: 'string' as const })),
    number.map((value) => ({ value, valueKind: 'number' as const })),
    fc.constantFrom('true', 'false').map((value) => ({ value, valueKind: 'boolean' as const })),
    fc.constant({ value: 'null', valueKind: 'null' as const }),
  );
  const property = fc.record({ key: text, literal }).map(({ key, literal: l }) => ({ key, keyLoc: loc, ...l, valueLoc: loc }));
  const properties = fc.array(property, { minLength: 1, maxLength: 4 });
  const variableName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_@]{0,8}$/).filter((n) => !reserved.has(n.toUpperCase()));
  const base = { loc, text: '' };
  const count = fc.option(fc.nat({ max: Number.MAX_SAFE_INTEGER }), { nil: undefined });

  const statement: fc.Arbitrary<Statement> = fc.oneof(
    fc.record({ connectorType: fc.constantFrom('SOURCE' as const, 'SINK' as const), ifNotExists: fc.boolean(), name: identifier, properties }).map((r) => ({
      ...base,
      kind: 'CreateConnector' as const,
      typeLoc: loc,
      ...r,
    })),
    fc.record({ ifExists: fc.boolean(), name: identifier }).map((r) => ({ ...base, kind: 'DropConnector' as const, ...r })),
    fc.constantFrom('SOURCE' as const, 'SINK' as const, undefined).map((scope) => ({ ...base, kind: 'ListConnectors' as const, scope })),
    fc.constant({ ...base, kind: 'ListConnectorPlugins' as const }),
    fc.record({ name: identifier, extended: fc.boolean() }).map((r) => ({ ...base, kind: 'DescribeConnector' as const, ...r })),
    fc.record({ name: identifier, properties }).map((r) => ({ ...base, kind: 'AlterConnectorSet' as const, ...r })),
    fc.record({ name: identifier, keys: fc.array(text.map((key) => ({ key, loc })), { minLength: 1, maxLength: 3 }) }).map((r) => ({
      ...base,
      kind: 'AlterConnectorUnset' as const,
      ...r,
    })),
    fc.record({ kind: fc.constantFrom('PauseConnector' as const, 'ResumeConnector' as const, 'RestartConnector' as const), name: identifier }).map((r) => ({ ...base, ...r })),
    fc.record({ name: variableName, value: text }).map((r) => ({ ...base, kind: 'DefineVariable' as const, nameLoc: loc, valueLoc: loc, ...r })),
    variableName.map((name) => ({ ...base, kind: 'UndefineVariable' as const, name, nameLoc: loc })),
    fc.constant({ ...base, kind: 'ListVariables' as const }),
    fc.record({ name: text, value: text }).map((r) => ({ ...base, kind: 'SetProperty' as const, nameLoc: loc, valueLoc: loc, ...r })),
    text.map((name) => ({ ...base, kind: 'UnsetProperty' as const, name, nameLoc: loc })),
    text.map((path) => ({ ...base, kind: 'RunScript' as const, path, pathLoc: loc })),
    fc.record({ all: fc.boolean(), extended: fc.boolean() }).map((r) => ({ ...base, kind: 'ListTopics' as const, ...r })),
    fc.record({ topic: text, fromBeginning: fc.boolean(), interval: count, limit: count }).map((r) => ({ ...base, kind: 'PrintTopic' as const, topicLoc: loc, ...r })),
  );

  it('format → parse → build gives the same AST, and formatting is a fixpoint', () => {
    fc.assert(
      fc.property(statement, (ast) => {
        const formatted = formatStatement(ast);
        const again = build(formatted);
        expect(strip(again)).toEqual(strip(ast));
        expect(formatStatement(again)).toBe(formatted);
      }),
      { seed: 20240611, numRuns: 1500 },
    );
  });
});
