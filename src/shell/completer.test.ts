import { describe, expect, it } from 'vitest';
import { allFieldsFor } from '../connectors/framework.js';
import { defaultRegistry } from '../connectors/registry.js';
import { complete, connectorNameLiteral, type CompletionContext } from './completer.js';

const SOURCE_KEYS = ['connector.class', 'tasks.max', 'file', 'topic', 'batch.size', 'value.converter.'];
const SINK_KEYS = ['connector.class', 'tasks.max', 'file', 'topics'];

const ctx: CompletionContext = {
  connectorNames: () => ['MY_SINK', 'jdbc-orders', 'LIMIT', 'Other', 'SHOW'],
  keysForClass: (cls) => (cls === 'FileStreamSource' ? SOURCE_KEYS : cls === 'FileStreamSink' ? SINK_KEYS : undefined),
  classNames: () => ['FileStreamSource', 'FileStreamSourceConnector', 'FileStreamSink', 'org.apache.kafka.connect.file.FileStreamSinkConnector'],
  classOfConnector: (name) => (name === 'MY_SINK' ? 'FileStreamSink' : undefined),
};

/** Only the two methods the shell must provide: optional ones missing must not break completion. */
const minimalCtx: CompletionContext = { connectorNames: () => ['MY_SINK'], keysForClass: ctx.keysForClass };

describe('complete: keywords', () => {
  it('offers statement starts (and shell commands) on an empty buffer', () => {
    const { candidates, replace } = complete('', ctx);
    expect(replace).toBe('');
    expect(candidates).toEqual(expect.arrayContaining(['CREATE', 'DROP', 'SHOW', 'LIST', 'DESCRIBE', 'ALTER', 'PAUSE', 'help', 'exit']));
  });

  it('offers the keywords that can follow, filtered by the partial word', () => {
    expect(complete('SHOW CONN', ctx)).toEqual({ candidates: ['CONNECTORS', 'CONNECTOR'], replace: 'CONN' });
  });

  it('keeps lower case when the user types lower case', () => {
    expect(complete('show conn', ctx).candidates.sort()).toEqual(['connector', 'connectors']);
    expect(complete('show ', ctx).candidates).toContain('variables');
    expect(complete('SHOW ', ctx).candidates).toContain('VARIABLES');
    expect(complete('Show Conn', ctx).candidates).toContain('CONNECTORS');
  });

  it('completes a keyword that is already whole to itself and its longer forms', () => {
    expect(complete('SHOW CONNECTOR', ctx).candidates.sort()).toEqual(['CONNECTOR', 'CONNECTORS']);
  });

  it('only looks at the statement after the last semicolon', () => {
    expect(complete('SHOW CONNECTORS; DESC', ctx).candidates).toEqual(['DESCRIBE']);
    expect(complete("DEFINE a = 'x;y'; SHOW V", ctx).candidates).toEqual(['VARIABLES']);
  });

  it('offers optional trailing keywords after a name', () => {
    expect(complete('DESCRIBE CONNECTOR MY_SINK ', ctx).candidates).toEqual(['EXTENDED']);
    expect(complete('DROP CONNECTOR ', ctx).candidates).toContain('IF');
  });

  it('offers nothing after a complete statement or invalid input', () => {
    expect(complete('SHOW CONNECTORS ', ctx).candidates).toEqual([]);
    expect(complete('FOO BAR ', ctx).candidates).toEqual([]);
  });

  it('offers nothing inside a comment', () => {
    expect(complete('SHOW -- conn', ctx)).toEqual({ candidates: [], replace: '' });
    expect(complete('SHOW /* conn', ctx).candidates).toEqual([]);
  });
});

describe('complete: connector names', () => {
  it.each(['DROP', 'DESCRIBE', 'ALTER', 'PAUSE', 'RESUME', 'RESTART'])('offers existing names after %s CONNECTOR', (verb) => {
    const { candidates } = complete(`${verb} CONNECTOR `, ctx);
    expect(candidates).toEqual(expect.arrayContaining(['MY_SINK', '`jdbc-orders`', '`LIMIT`', '`Other`', 'SHOW']));
  });

  it('matches a bare partial name ignoring case, as unquoted names fold to upper case', () => {
    expect(complete('describe connector my', ctx)).toEqual({ candidates: ['MY_SINK'], replace: 'my' });
    expect(complete('DROP CONNECTOR IF EXISTS jd', ctx)).toEqual({ candidates: ['`jdbc-orders`'], replace: 'jd' });
  });

  it('keeps the quote style and exact case of a quoted partial name', () => {
    expect(complete('PAUSE CONNECTOR `jd', ctx)).toEqual({ candidates: ['`jdbc-orders`'], replace: '`jd' });
    expect(complete('PAUSE CONNECTOR "Oth', ctx)).toEqual({ candidates: ['"Other"'], replace: '"Oth' });
    expect(complete('PAUSE CONNECTOR `oth', ctx).candidates).toEqual([]);
  });

  it('does not offer existing names where a new name goes', () => {
    expect(complete('CREATE SOURCE CONNECTOR ', ctx).candidates).not.toContain('MY_SINK');
    expect(complete('CREATE SOURCE CONNECTOR ', ctx).candidates).toContain('IF');
  });

  it('quotes names that would not survive case folding or are reserved words', () => {
    expect(connectorNameLiteral('ORDERS_2')).toBe('ORDERS_2');
    expect(connectorNameLiteral('orders')).toBe('`orders`');
    expect(connectorNameLiteral('a`b')).toBe('`a``b`');
    expect(connectorNameLiteral('LIMIT')).toBe('`LIMIT`');
    expect(connectorNameLiteral('SINK')).toBe('SINK'); // non-reserved keywords are valid identifiers
  });
});

describe('complete: property keys', () => {
  it("offers 'connector.class' first, while the class is unknown", () => {
    expect(complete('CREATE SOURCE CONNECTOR x WITH (', ctx)).toEqual({ candidates: ["'connector.class'"], replace: '' });
    expect(complete("CREATE SOURCE CONNECTOR x WITH ('conn", ctx)).toEqual({ candidates: ["'connector.class'"], replace: "'conn" });
  });

  it("offers the class's keys once 'connector.class' is given, as quoted keys", () => {
    expect(complete("CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSource', 'to", ctx)).toEqual({
      candidates: ["'topic'"],
      replace: "'to",
    });
    const { candidates } = complete("CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSource', ", ctx);
    expect(candidates).toEqual(["'batch.size'", "'file'", "'tasks.max'", "'topic'", "'value.converter."]);
  });

  it('does not offer keys already in the list', () => {
    const { candidates } = complete("CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSource', 'topic' = 't', 'file' = 'f',", ctx);
    expect(candidates).toEqual(["'batch.size'", "'tasks.max'", "'value.converter."]);
  });

  it('completes a bare partial key to its quoted form', () => {
    expect(complete("CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSource', to", ctx).candidates).toEqual(["'topic'"]);
  });

  it('reads the class from earlier lines of a multi-line statement', () => {
    const text = "CREATE SOURCE CONNECTOR x WITH (\n  'connector.class' = 'FileStreamSource',\n  'b";
    expect(complete(text, ctx)).toEqual({ candidates: ["'batch.size'"], replace: "'b" });
  });

  it("follows a key typed in full with ' = ', then completes its value", () => {
    const create = 'CREATE SOURCE CONNECTOR x WITH (';
    expect(complete(`${create}'connector.class'`, ctx)).toEqual({ candidates: ["'connector.class' = "], replace: "'connector.class'" });
    // The quote not closed yet: the only key it can be.
    expect(complete(`${create}'connector.class`, ctx)).toEqual({ candidates: ["'connector.class' = "], replace: "'connector.class" });
    // After the key and a space, the '=' itself.
    expect(complete(`${create}'connector.class' `, ctx)).toEqual({ candidates: ['='], replace: '' });
    expect(complete(`${create}'connector.class' = `, ctx).candidates).toEqual(expect.arrayContaining(["'FileStreamSource'"]));
    const given = `${create}'connector.class' = 'FileStreamSource', `;
    expect(complete(`${given}'topic'`, ctx)).toEqual({ candidates: ["'topic' = "], replace: "'topic'" });
    expect(complete(`${given}'topic' `, ctx).candidates).toEqual(['=']);
    expect(complete("alter connector my_sink set ('file'", ctx).candidates).toEqual(["'file' = "]);
    expect(complete("SET 'sluice.unknown.keys' ", ctx).candidates).toEqual(['=']);
    // Not complete yet: the keys it may become, as before.
    expect(complete(`${given}'fi`, ctx).candidates).toEqual(["'file'"]);
    // UNSET lists keys without values: no '='.
    expect(complete("ALTER CONNECTOR MY_SINK UNSET ('file'", ctx).candidates).toEqual(["'file'"]);
  });

  it('offers no keys for an unknown class', () => {
    expect(complete("CREATE SOURCE CONNECTOR x WITH ('connector.class'='Nope', ", ctx).candidates).toEqual([]);
  });

  it('uses the named connector’s class for ALTER … SET and UNSET', () => {
    expect(complete("alter connector my_sink set ('f", ctx)).toEqual({ candidates: ["'file'"], replace: "'f" });
    expect(complete("ALTER CONNECTOR MY_SINK UNSET ('topics', 't", ctx).candidates).toEqual(["'tasks.max'"]);
  });

  it('falls back to connector.class when the ALTERed connector is unknown', () => {
    expect(complete('ALTER CONNECTOR ghost SET (', ctx).candidates).toEqual(["'connector.class'"]);
    expect(complete('ALTER CONNECTOR MY_SINK SET (', minimalCtx).candidates).toEqual(["'connector.class'"]);
  });
});

describe('complete: values', () => {
  it("offers class names and aliases after 'connector.class' =", () => {
    expect(complete("CREATE SINK CONNECTOR x WITH ('connector.class' = 'FileStreamSi", ctx)).toEqual({
      candidates: ["'FileStreamSink'"],
      replace: "'FileStreamSi",
    });
    expect(complete("CREATE SINK CONNECTOR x WITH ('connector.class' = ", ctx).candidates).toHaveLength(4);
    expect(complete("CREATE SINK CONNECTOR x WITH ('connector.class' = 'org.", minimalCtx).candidates).toEqual([]);
  });

  it('offers only keyword literals for other values', () => {
    const { candidates } = complete("CREATE SINK CONNECTOR x WITH ('connector.class' = 'FileStreamSink', 'topics' = ", ctx);
    expect(candidates.sort()).toEqual(['FALSE', 'NULL', 'TRUE']);
  });
});

describe('complete: shell commands', () => {
  it('completes shell commands only as the first word of the buffer', () => {
    expect(complete('he', ctx).candidates).toEqual(['help']);
    expect(complete('SHOW CONNECTORS;\nhe', ctx).candidates).toEqual([]);
    expect(complete('output j', ctx)).toEqual({ candidates: ['json'], replace: 'j' });
    expect(complete('output ', ctx).candidates).toEqual(['table', 'json']);
  });
});

describe('complete: with the real connector registry', () => {
  const real: CompletionContext = {
    connectorNames: () => [],
    keysForClass: (cls) => {
      const def = defaultRegistry.resolve(cls);
      return def && allFieldsFor(def).map((f) => f.key);
    },
    classNames: () => defaultRegistry.list().flatMap((d) => [...d.aliases, d.name, d.className]),
  };

  it("completes FileStreamSource's 'topic' key and the alias itself", () => {
    // 'topic' and the source-only topic.creation.* keys share the prefix.
    expect(complete("CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSource', 'to", real).candidates.sort()).toEqual([
      "'topic'",
      "'topic.creation.default.partitions'",
      "'topic.creation.default.replication.factor'",
      "'topic.creation.default.retention.bytes'",
      "'topic.creation.default.retention.ms'",
    ]);
    expect(complete("CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSource', 'fi", real).candidates).toEqual(["'file'"]);
    expect(complete("CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSource', 'tasks", real).candidates).toEqual(["'tasks.max'"]);
    expect(complete("CREATE SOURCE CONNECTOR x WITH ('connector.class'='FileStreamSou", real).candidates).toEqual([
      "'FileStreamSourceConnector'",
      "'FileStreamSource'",
    ]);
  });
});
