import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_KEYWORDS } from '../grammar/keywords.js';
import { tokenize } from '../grammar/lexer.js';
import { LIMITS } from '../grammar/limits.js';
import { Catalog } from '../src/catalog/index.js';
import { Engine } from '../src/engine/engine.js';
import type { Entity } from '../src/engine/results.js';
import { Session } from '../src/engine/session.js';
import { SqlSyntaxError } from '../src/errors/base.js';
import type { Statement } from '../src/sql/ast.js';
import { buildStatement } from '../src/sql/build-ast.js';
import { formatStatement } from '../src/sql/format.js';
import { parseScript } from '../src/sql/parse.js';

// Fuzzing the statement language end to end. Whatever the input, the engine must never throw, and every error
// must say where it is: a code and a line and column inside the input. A fixed seed makes any failure reproduce;
// run with FUZZ_SEED=<n> (and FUZZ_SCALE=<k> for k times the runs) to explore further.

const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5111ce);
const SCALE = Number(process.env['FUZZ_SCALE'] ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

// RUN SCRIPT resolves paths against the session's base dir: point it at an empty directory.
const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-fuzz-'));
afterAll(() => fs.rmSync(baseDir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------------------
// Checks

/** Lines as the lexer counts them: \r\n, \r and \n each end one. */
function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function checkPosition(text: string, line: unknown, column: unknown, what: string): void {
  expect(Number.isInteger(line) && (line as number) >= 1, `${what}: line ${String(line)}`).toBe(true);
  expect(Number.isInteger(column) && (column as number) >= 1, `${what}: column ${String(column)}`).toBe(true);
  const all = lines(text);
  expect(line as number, `${what}: line beyond the input`).toBeLessThanOrEqual(all.length);
  // An end-of-input error sits just past the last character of its line.
  expect(column as number, `${what}: column beyond its line`).toBeLessThanOrEqual(all[(line as number) - 1]!.length + 1);
}

function checkEntities(text: string, entities: Entity[]): void {
  expect(Array.isArray(entities)).toBe(true);
  for (const e of entities) {
    expect(typeof e['@type']).toBe('string');
    expect(typeof e.statementText).toBe('string');
    if (e['@type'] !== 'statement_error') continue;
    expect(typeof e.code === 'string' && e.code.length > 0, `code of ${JSON.stringify(e)}`).toBe(true);
    expect(e.code, e.message).not.toBe('INTERNAL_ERROR');
    expect(typeof e.error_code).toBe('number');
    checkPosition(text, e.line, e.column, `${e.code} ${e.message}`);
  }
}

const VARIABLES: Record<string, string> = { X: 'abc', N: '42', NEG: '-7', S: "'str''s'", Q: '"Quoted Name"', B: '`back`', BAD: 'EXTENDED _id_', T: 'true' };
const lookup = (name: string) => VARIABLES[name.toUpperCase()];

const POSITION_KEYS = new Set(['loc', 'keyLoc', 'valueLoc', 'typeLoc', 'nameLoc', 'pathLoc', 'topicLoc', 'text']);
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k, v]) => !POSITION_KEYS.has(k) && v !== undefined).map(([k, v]) => [k, strip(v)]));
  }
  return value;
}

/** parseScript and buildStatement on their own: no throw but SqlSyntaxError with a position, and a round trip. */
function checkParse(text: string): void {
  const items = parseScript(text);
  for (const item of items) {
    if (!item.ok) {
      expect(['SYNTAX_ERROR', 'LEXICAL_ERROR', 'UNSUPPORTED_STATEMENT', 'INPUT_TOO_LARGE']).toContain(item.error.code);
      checkPosition(text, item.error.loc?.line, item.error.loc?.column, `${item.error.code} ${item.error.message}`);
      continue;
    }
    for (const variables of [lookup, undefined]) {
      let ast: Statement;
      try {
        ast = buildStatement(item.statement, { variables });
      } catch (err) {
        expect(err, String(err)).toBeInstanceOf(SqlSyntaxError);
        const e = err as SqlSyntaxError;
        expect(['VARIABLE_ERROR', 'SYNTAX_ERROR']).toContain(e.code);
        checkPosition(text, e.loc?.line, e.loc?.column, `${e.code} ${e.message}`);
        continue;
      }
      // Whatever was accepted formats to text that parses back to the same statement.
      const formatted = formatStatement(ast);
      const again = parseScript(formatted);
      expect(again.length, formatted).toBe(1);
      const first = again[0]!;
      if (!first.ok) throw new Error(`formatted text does not parse: ${formatted}\n${first.error.message}`);
      const rebuilt = buildStatement(first.statement, { variables: lookup });
      expect(strip(rebuilt), formatted).toEqual(strip(ast));
    }
  }
}

// One engine and session for a batch of inputs, so state (connectors, variables, properties) builds up.
let engine = new Engine({ catalog: Catalog.inMemory() });
let session = new Session({ baseDir });
let executed = 0;

function checkEngine(text: string): void {
  if (++executed % 250 === 0) {
    engine = new Engine({ catalog: Catalog.inMemory() });
    session = new Session({ baseDir });
  }
  let out: Entity[];
  try {
    out = engine.execute(text, session);
  } catch (err) {
    throw new Error(`engine.execute threw for ${JSON.stringify(text)}: ${(err as Error).stack ?? String(err)}`);
  }
  checkEntities(text, out);
}

function check(text: string): void {
  checkParse(text);
  checkEngine(text);
}

function assertProperty<T>(name: string, arb: fc.Arbitrary<T>, toText: (t: T) => string, numRuns: number): void {
  const result = fc.check(
    fc.property(arb, (t) => {
      check(toText(t));
    }),
    { seed: SEED, numRuns },
  );
  if (result.failed) {
    const input = result.counterexample ? toText(result.counterexample[0]) : '(none)';
    throw new Error(
      `${name} failed with FUZZ_SEED=${SEED} (path ${result.counterexamplePath ?? '?'}) after ${result.numRuns} runs\n` +
        `input: ${JSON.stringify(input)}\n${String(result.errorInstance instanceof Error ? result.errorInstance.stack : result.errorInstance)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Generators

const FILE_SOURCE = "'connector.class'='FileStreamSource', 'topic'='t'";
const JDBC = "'connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite::memory:', 'mode'='bulk'";

/** Valid statements of every kind, plus ksqlDB's own examples. */
const CORPUS = [
  `CREATE SOURCE CONNECTOR src WITH (${FILE_SOURCE});`,
  `CREATE SOURCE CONNECTOR IF NOT EXISTS \`jdbc-connector\` WITH (${JDBC}, 'connection.password'='hunter2', 'poll.interval.ms'=1000);`,
  "CREATE SINK CONNECTOR snk WITH ('connector.class'='FileStreamSink', 'topics'='t', 'file'='/dev/null');",
  "CREATE SOURCE CONNECTOR foo WITH ('foo.bar'='foo');",
  'CREATE SINK CONNECTOR foo WITH ("foo.bar"=\'foo\');',
  "--this is a comment. \nCREATE SOURCE CONNECTOR `test-connector` WITH (    \"connector.class\" = 'PostgresSource', \n    'connection.url' = 'jdbc:postgresql://localhost:5432/my.db',\n    \"mode\"='bulk',\n    \"topic.prefix\"='jdbc-',\n    \"table.whitelist\"='users',\n    \"key\"='username');",
  "CREATE SOURCE CONNECTOR IF NOT EXISTS testconnector WITH (\"connector.class\" = 'PostgresSource', `mode`='bulk');",
  "CREATE Sink CONNECTO `test-connector` WITH (\"connector.class\" = 'x', 'connection.password' = 'p');",
  "CREATE SOURCE CONNECTOR x WITH ('a'=NULL, 'b'=TRUE, 'c'=-1.5e3, 'd'=.5, 'e'='it''s', 'f'='$${v}');",
  'DROP CONNECTOR "foo"',
  'DROP CONNECTOR IF EXISTS src;',
  'SHOW CONNECTORS;',
  'LIST SOURCE CONNECTORS;',
  'SHOW SINK CONNECTORS;',
  'LIST CONNECTOR PLUGINS;',
  'DESCRIBE CONNECTOR src EXTENDED;',
  'DESCRIBE CONNECTOR `mock-connector`;',
  "ALTER CONNECTOR src SET ('batch.size'=10, 'topic'='t2');",
  "ALTER CONNECTOR src UNSET ('batch.size', 'topic');",
  'PAUSE CONNECTOR src; RESUME CONNECTOR src; RESTART CONNECTOR src;',
  "DEFINE topicName = 'topic_$${${env}}';",
  "define var1 = '1'; undefine var1; SHOW VARIABLES;",
  "DEFINE connectorName = 'D';CREATE SINK CONNECTOR ${connectorName} WITH ('connector.class'='FileStreamSink', 'topics'='d');",
  'DESCRIBE CONNECTOR ${x}; DESCRIBE CONNECTOR ${q}; DESCRIBE CONNECTOR ${bad};',
  "set 'auto.offset.reset'='earliest';",
  "SET 'ksql.variable.substitution.enable'='false'; UNSET 'ksql.variable.substitution.enable';",
  "SET 'sluice.unknown.keys'='warn';",
  "RUN SCRIPT 'does-not-exist.sql';",
  'SHOW ALL TOPICS EXTENDED;',
  "PRINT topic_name_in_lower_case; PRINT 'people' FROM BEGINNING; PRINT t FROM BEGINNING INTERVAL 1 LIMIT 2;",
  '/* this is a bracketed comment. */\nSHOW CONNECTORS;/*another comment!*/',
  'SHOW -- inline comment\nCONNECTORS;',
  "SET 'x' = 'this isn''t a comment -- the first quote isn''t closed' -- comment",
  // What ksqlDB scripts and tools send: statements Sluice answers, and ones it refuses as unsupported.
  "SET 'ksql.streams.cache.max.bytes.buffering' = '0'; SET 'processing.guarantee' = 'exactly_once_v2'; SHOW PROPERTIES;",
  'SHOW STREAMS; LIST TABLES EXTENDED; SHOW QUERIES;',
  "ALTER CONNECTOR src UNSET (\"batch.size\", `topic`, bare);",
  'SELECT * FROM orders WHERE id > 1 EMIT CHANGES;',
  "CREATE STREAM s (id INT KEY, v VARCHAR) WITH (kafka_topic='t', value_format='json');",
  'CREATE OR REPLACE TABLE t AS SELECT id, COUNT(*) FROM s GROUP BY id;',
  "INSERT INTO s (id, v) VALUES (1, 'a');",
];

const randomCase = (word: string) => fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((up) => [...word].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

/** Token-ish fragments, valid and not. */
const fragment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ALL_KEYWORDS).chain(randomCase) },
  { weight: 3, arbitrary: fc.constantFrom('(', ')', ',', '=', ';', '-', '.', '*', '$', '{', '}', '@', '#', '?', '\\', '/', '"', "'", '`') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'x',
      'SELECT',
      'INSERT',
      'STREAM',
      'TABLE',
      'src',
      '_a@1',
      '1abc',
      '"Quoted ""x"""',
      '`back``tick`',
      '""',
      "'str'",
      "'it''s'",
      "''",
      "'multi\nline'",
      "'connector.class'",
      "'FileStreamSource'",
      "'connection.password'",
      "'hunter2'",
      "'topic'",
      "'$${x}'",
      "'${x}'",
      '${x}',
      '${N}',
      '${neg}',
      '${S}',
      '${Q}',
      '${bad}',
      '${undefined_var}',
      '${ x}',
      '0',
      '42',
      '-1',
      '1.5',
      '.5',
      '1e3',
      '1.5E-3',
      '99999999999999999999',
      '-- comment\n',
      '--',
      '/* c */',
      '/*',
      '*/',
      "'unclosed",
      '"unclosed',
      '`unclosed',
      'é',
      '€',
      '😀',
      '\u0000',
      '\u0007',
      '\u200b',
      '\r',
      '\r\n',
      '\t',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 4 }) },
);

const separator = fc.constantFrom(' ', ' ', ' ', '', '\n', '\t', '\r\n', ' /* c */ ', ' -- c\n');

const tokenSequence = fc
  .array(fc.tuple(fragment, separator), { maxLength: 30 })
  .map((parts) => parts.map(([f, s]) => f + s).join(''));

/** A statement-shaped sequence: a real statement start followed by random fragments, to get past the first token. */
const statementShaped = fc
  .tuple(
    fc.constantFrom('CREATE SOURCE CONNECTOR', 'CREATE SINK CONNECTOR IF NOT EXISTS', 'DROP CONNECTOR', 'ALTER CONNECTOR x SET (', 'ALTER CONNECTOR x UNSET (', 'DESCRIBE CONNECTOR', 'SHOW', 'LIST', 'PRINT', 'DEFINE', 'SET', 'UNSET', 'RUN SCRIPT', "CREATE SOURCE CONNECTOR c WITH ('connector.class'='FileStreamSource',"),
    fc.array(fc.tuple(fragment, separator), { maxLength: 12 }),
  )
  .map(([head, parts]) => `${head} ${parts.map(([f, s]) => f + s).join('')}`);

const randomText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...'abcXYZ_@019 \n\t\r\'"`$ {}()=,;-/*.#é'.split('')), maxLength: 80 }),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

type Mutation =
  | { op: 'deleteChars'; at: number; len: number }
  | { op: 'insertChars'; at: number; text: string }
  | { op: 'swapChars'; at: number; other: number }
  | { op: 'duplicateChars'; at: number; len: number }
  | { op: 'deleteToken'; at: number }
  | { op: 'insertToken'; at: number; text: string }
  | { op: 'swapTokens'; at: number; other: number }
  | { op: 'duplicateToken'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('deleteChars' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ op: fc.constant('insertChars' as const), at: fc.nat(), text: fc.oneof(fragment, fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })) }),
  fc.record({ op: fc.constant('swapChars' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant('duplicateChars' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant('deleteToken' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insertToken' as const), at: fc.nat(), text: fragment }),
  fc.record({ op: fc.constant('swapTokens' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant('duplicateToken' as const), at: fc.nat() }),
);

/** Token spans of a text (all tokens and comments), for token-level mutations. */
function spans(text: string): [number, number][] {
  const r = tokenize(text);
  return [...r.tokens, ...r.comments].map((t) => [t.startOffset, (t.endOffset ?? t.startOffset) + 1] as [number, number]).sort((a, b) => a[0] - b[0]);
}

function mutate(text: string, m: Mutation): string {
  const n = text.length;
  switch (m.op) {
    case 'deleteChars': {
      const at = n === 0 ? 0 : m.at % n;
      return text.slice(0, at) + text.slice(at + m.len);
    }
    case 'insertChars': {
      const at = m.at % (n + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'swapChars': {
      if (n < 2) return text;
      const [a, b] = [m.at % n, m.other % n].sort((x, y) => x - y) as [number, number];
      return text.slice(0, a) + text[b] + text.slice(a + 1, b) + text[a] + text.slice(b + 1);
    }
    case 'duplicateChars': {
      const at = n === 0 ? 0 : m.at % n;
      return text.slice(0, at + m.len) + text.slice(at, at + m.len) + text.slice(at + m.len);
    }
    default: {
      const s = spans(text);
      if (s.length === 0) return text + (m.op === 'insertToken' ? m.text : '');
      const [start, end] = s[m.at % s.length]!;
      switch (m.op) {
        case 'deleteToken':
          return text.slice(0, start) + text.slice(end);
        case 'insertToken':
          return `${text.slice(0, start)}${m.text} ${text.slice(start)}`;
        case 'duplicateToken':
          return `${text.slice(0, end)} ${text.slice(start, end)}${text.slice(end)}`;
        case 'swapTokens': {
          const [s2, e2] = s[m.other % s.length]!;
          if (s2 === start) return text;
          const [first, second] = start < s2 ? [[start, end], [s2, e2]] : [[s2, e2], [start, end]];
          const [a0, a1] = first as [number, number];
          const [b0, b1] = second as [number, number];
          return text.slice(0, a0) + text.slice(b0, b1) + text.slice(a1, b0) + text.slice(a0, a1) + text.slice(b1);
        }
      }
    }
  }
}

const mutated = fc
  .tuple(fc.array(fc.constantFrom(...CORPUS), { minLength: 1, maxLength: 3 }), fc.constantFrom('\n', ' ', ''), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([statements, sep, mutations]) => mutations.reduce(mutate, statements.join(sep)));

/** A statement with one part blown up to around a size limit (just under, just over) or to 10 MB. */
const HUGE_TEMPLATES = [
  "SET 'x' = '%';",
  'DESCRIBE CONNECTOR "%";',
  'DROP CONNECTOR `%`;',
  'DROP CONNECTOR %;',
  "CREATE SOURCE CONNECTOR c WITH ('connector.class'='FileStreamSource', 'topic'='t', 'file'='%');",
  "CREATE SOURCE CONNECTOR c WITH ('connector.class'='FileStreamSource', 'topic'='t', 'connection.password'='%');",
  "SELECT '%' FROM t; SHOW CONNECTORS;",
  'SHOW CONNECTORS; /* % */ SHOW TOPICS;',
  '-- %\nSHOW CONNECTORS;',
  'PRINT t LIMIT %;',
  "SET 'x' = '%",
  'PRINT ${%};',
  '%',
];
// One-token fills blown up to just under or over a limit, or to 10 MB. Fills of many tokens stay smaller: how fast
// a statement of hundreds of thousands of tokens is checked is a matter of speed, not of limits.
const HUGE_FILLS = ['a', 'é', "''", '""', ' ', '\n', '1', '\u0000'];
const HUGE_SIZES = [LIMITS.nameChars + 1, LIMITS.literalChars - 1, LIMITS.literalChars + 3, LIMITS.statementChars + 1, 10 * 1024 * 1024];
const MANY_TOKEN_FILLS = ['x;', 'SHOW CONNECTORS;', "'k'='v',", '(', 'é ', '*'];
const hugeInput = fc.oneof(
  fc.tuple(fc.constantFrom(...HUGE_TEMPLATES), fc.constantFrom(...HUGE_FILLS), fc.constantFrom(...HUGE_SIZES)),
  fc.tuple(fc.constantFrom(...HUGE_TEMPLATES), fc.constantFrom(...MANY_TOKEN_FILLS), fc.constantFrom(2_000, 20_000)),
).map(([template, fill, size]) => template.replace('%', fill.repeat(Math.ceil(size / fill.length))));

// ---------------------------------------------------------------------------------------------------------------
// Properties

describe(`fuzz (FUZZ_SEED=${SEED})`, () => {
  it('the corpus itself runs cleanly through the checks', () => {
    for (const text of CORPUS) check(text);
  });

  it('random token sequences', () => {
    assertProperty('token sequences', tokenSequence, (t) => t, runs(1000));
  });

  it('statement-shaped token sequences', () => {
    assertProperty('statement-shaped sequences', statementShaped, (t) => t, runs(800));
  });

  it('random strings and bytes', () => {
    assertProperty('random strings', randomText, (t) => t, runs(800));
  });

  it('mutations of valid statements', () => {
    assertProperty('mutations', mutated, (t) => t, runs(1500));
  });

  it('huge literals, names, comments and statements: a limit error with a position, never an internal one', () => {
    // Every template just over the name and literal limits (fills taken in turn), then random combinations up to
    // 10 MB (parse.test.ts has a 10 MB literal, a 1 MB name and a 4 MiB statement each).
    let i = 0;
    for (const template of HUGE_TEMPLATES) {
      for (const size of [LIMITS.nameChars + 1, LIMITS.literalChars + 3]) {
        const fill = HUGE_FILLS[i++ % HUGE_FILLS.length]!;
        check(template.replace('%', fill.repeat(Math.ceil(size / fill.length))));
      }
    }
    assertProperty('huge inputs', hugeInput, (t) => t, runs(10));
  }, 30_000);

  it('ran at least 3000 inputs', () => {
    expect(executed).toBeGreaterThanOrEqual(Math.min(3000, runs(3000)));
  });
});
