import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/index.js';
import { Engine } from '../engine/engine.js';
import type { Entity } from '../engine/results.js';
import { Session } from '../engine/session.js';
import { hasReference, substituteInString, VARIABLE_NAME, Variables } from './variables.js';

const lookup = (values: Record<string, string>) => (name: string) => values[name];

describe('substituteInString', () => {
  const env = lookup({ env: 'qa', a: 'A', b: 'B', nested: '${a}', quote: "it's", empty: '' });

  it.each([
    ['topic_${env}', 'topic_qa'],
    ['${a}${b}', 'AB'],
    ['${a}-${a}', 'A-A'],
    ['x${empty}y', 'xy'],
    ['no references', 'no references'],
    ['', ''],
    // $$ escapes a ${ (ksqlDB substitute-variables.md: '$${format}' gives '${format}').
    ['$${env}', '${env}'],
    ['$${', '${'],
    ['topic_$${${env}}', 'topic_${qa}'],
    ['$$$${env}', '$$${env}'],
    // $$ not followed by { is just text, and so is a lone $.
    ['$$', '$$'],
    ['a$b', 'a$b'],
    ['cost: $5', 'cost: $5'],
    ['$${env}${env}', '${env}qa'],
    // Undefined references stay as written (ksqlDB issue #7767).
    ['${KAFKA_TOPIC}', '${KAFKA_TOPIC}'],
    ['x_${missing}_${env}', 'x_${missing}_qa'],
    // Not references at all.
    ['${ env}', '${ env}'],
    ['${env }', '${env }'],
    ['${1env}', '${1env}'],
    ['${env', '${env'],
    ['$env', '$env'],
    ['{env}', '{env}'],
    // Values are inserted as they are and never re-scanned.
    ['${nested}', '${a}'],
    ['${quote}', "it's"],
  ])('%j → %j', (text, expected) => {
    expect(substituteInString(text, env)).toBe(expected);
  });

  it('looks each name up as written (folding case is the lookup’s job)', () => {
    const seen: string[] = [];
    substituteInString('${Env} ${ENV} ${a_1@}', (n) => {
      seen.push(n);
      return undefined;
    });
    expect(seen).toEqual(['Env', 'ENV', 'a_1@']);
  });

  it('$ in a value is not treated as a replacement pattern', () => {
    expect(substituteInString('${v}', lookup({ v: "$& $' $` $$ $1" }))).toBe("$& $' $` $$ $1");
  });
});

describe('hasReference', () => {
  it.each([
    ['${a}', true],
    ['x ${a} y', true],
    ['$${a}', false],
    ['$${a} ${b}', true],
    ['plain', false],
    ['${ a}', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(hasReference(text)).toBe(expected);
  });

  it('gives the same answer when called repeatedly (no shared regex state)', () => {
    for (let i = 0; i < 5; i++) {
      expect(hasReference('${a}')).toBe(true);
      expect(substituteInString('${a}', lookup({ a: 'x' }))).toBe('x');
      expect(hasReference('nothing')).toBe(false);
    }
  });
});

describe('VARIABLE_NAME', () => {
  it.each(['a', '_', 'A1', 'a_b@c', 'x@'])('%s is a valid name', (n) => expect(VARIABLE_NAME.test(n)).toBe(true));
  it.each(['', '1a', '@a', 'a-b', 'a b', 'a.b', 'é'])('%j is not', (n) => expect(VARIABLE_NAME.test(n)).toBe(false));
});

describe('Variables', () => {
  it('names are case-insensitive; the last spelling set is kept', () => {
    const v = new Variables();
    v.set('topicName', 'a');
    expect(v.get('TOPICNAME')).toBe('a');
    expect(v.get('topicname')).toBe('a');
    expect(v.has('TopicName')).toBe(true);
    v.set('TOPICNAME', 'b');
    expect(v.list()).toEqual([{ name: 'TOPICNAME', value: 'b' }]);
    expect(v.delete('topicNAME')).toBe(true);
    expect(v.delete('topicname')).toBe(false);
    expect(v.get('topicName')).toBeUndefined();
  });

  it('lists sorted by name, ignoring case', () => {
    const v = new Variables([
      ['b', '2'],
      ['A', '1'],
      ['c', '3'],
      ['_z', '0'],
    ]);
    expect(v.list().map((e) => e.name)).toEqual(['_z', 'A', 'b', 'c']);
  });

  it('clones are independent', () => {
    const v = new Variables([['x', '1']]);
    const c = v.clone();
    c.set('x', '2');
    c.set('y', '3');
    expect(v.get('x')).toBe('1');
    expect(v.has('y')).toBe(false);
    expect(c.get('X')).toBe('2');
  });

  it('lookup works detached from the object', () => {
    const v = new Variables([['Env', 'qa']]);
    const { lookup: detached } = v;
    expect(detached('ENV')).toBe('qa');
    expect(substituteInString('t_${env}', v.lookup)).toBe('t_qa');
  });
});

describe('variables through the engine', () => {
  const FILE_SOURCE = "'connector.class'='FileStreamSource'";

  function run(text: string, session = new Session(), engine = new Engine({ catalog: Catalog.inMemory() })): Entity[] {
    return engine.execute(text, session);
  }

  it('DEFINE, SHOW VARIABLES, UNDEFINE (case-insensitive), and UNDEFINE of an unknown name warns', () => {
    const s = new Session();
    const out = run("DEFINE env = 'qa'; DEFINE Topic = 't1'; SHOW VARIABLES; UNDEFINE ENV; LIST VARIABLES; UNDEFINE env;", s);
    expect(out.map((e) => e['@type'])).toEqual(['variable', 'variable', 'variables', 'variable', 'variables', 'warning_entity']);
    expect(out[2]).toMatchObject({
      variables: [
        { name: 'env', value: 'qa' },
        { name: 'Topic', value: 't1' },
      ],
    });
    expect(out[4]).toMatchObject({ variables: [{ name: 'Topic', value: 't1' }] });
    expect(s.variables.list()).toEqual([{ name: 'Topic', value: 't1' }]);
  });

  it('a DEFINE value may use other variables, and $$ keeps a literal ${', () => {
    const s = new Session();
    run("DEFINE env = 'qa'; DEFINE topicName = 'topic_$${${env}}'; DEFINE full = '${ENV}_${topicName}';", s);
    expect(s.variables.get('topicName')).toBe('topic_${qa}');
    // The inserted value is not re-scanned: its ${qa} stays literal even once qa is defined.
    run("DEFINE qa = 'nope'; DEFINE again = '${topicName}';", s);
    expect(s.variables.get('full')).toBe('qa_topic_${qa}');
    expect(s.variables.get('again')).toBe('topic_${qa}');
  });

  it('variables are substituted into names, string values and unquoted values of a CREATE', () => {
    const e = new Engine({ catalog: Catalog.inMemory() });
    const s = new Session();
    const out = run(
      `DEFINE name = 'orders_src'; DEFINE topic = 'orders'; DEFINE batch = '10';
       CREATE SOURCE CONNECTOR \${name} WITH (${FILE_SOURCE}, 'topic'='\${topic}_v1', 'batch.size'=\${batch});`,
      s,
      e,
    );
    const info = out[3]!;
    expect(info).toMatchObject({ '@type': 'connector_info', info: { name: 'ORDERS_SRC', config: { topic: 'orders_v1', 'batch.size': '10' } } });
  });

  it("SET 'ksql.variable.substitution.enable'='false' turns substitution off for the session, UNSET turns it back on", () => {
    const e = new Engine({ catalog: Catalog.inMemory() });
    const s = new Session();
    run("DEFINE x = 'SRC'; SET 'ksql.variable.substitution.enable'='false';", s, e);
    expect(s.substitutionEnabled).toBe(false);

    const created = run(`CREATE SOURCE CONNECTOR c WITH (${FILE_SOURCE}, 'topic'='t', 'file'='t_\${x}_$\${y}');`, s, e)[0]!;
    // Strings keep ${…} and $${…} exactly as written (a file name here: a topic name may not contain them).
    expect(created).toMatchObject({ '@type': 'connector_info', info: { config: { file: 't_${x}_$${y}' } } });

    const [describe] = run('SHOW CONNECTORS;\nDESCRIBE CONNECTOR ${x};', s, e).slice(1);
    expect(describe).toMatchObject({ '@type': 'statement_error', code: 'VARIABLE_ERROR', line: 2, column: 20 });

    const [value] = run(`ALTER CONNECTOR c SET ('topic'=\${x});`, s, e);
    expect(value).toMatchObject({ '@type': 'statement_error', code: 'VARIABLE_ERROR', line: 1, column: 32 });

    run("UNSET 'ksql.variable.substitution.enable';", s, e);
    expect(s.substitutionEnabled).toBe(true);
    expect(run('DESCRIBE CONNECTOR ${x};', s, e)[0]).toMatchObject({ '@type': 'statement_error', code: 'CONNECTOR_NOT_FOUND' });
    expect(run('DESCRIBE CONNECTOR c;', s, e)[0]).toMatchObject({ '@type': 'connector_description' });
  });

  it('the switch can also be set directly on the session', () => {
    const s = new Session();
    s.properties.set('ksql.variable.substitution.enable', 'false');
    s.variables.set('x', 'y');
    expect(run('DESCRIBE CONNECTOR ${x};', s)[0]).toMatchObject({ code: 'VARIABLE_ERROR', line: 1, column: 20 });
    // DEFINE still records its value verbatim while substitution is off.
    run("DEFINE z = '${x}';", s);
    expect(s.variables.get('z')).toBe('${x}');
  });

  it('an undefined variable used as a name is an error at its position; in a string it stays literal', () => {
    const e = new Engine({ catalog: Catalog.inMemory() });
    const s = new Session();
    expect(run('SHOW CONNECTORS;\n  DROP CONNECTOR ${nope};', s, e)[1]).toMatchObject({ '@type': 'statement_error', code: 'VARIABLE_ERROR', line: 2, column: 18 });
    const out = run(`CREATE SOURCE CONNECTOR c WITH (${FILE_SOURCE}, 'topic'='t', 'file'='\${nope}');`, s, e)[0];
    expect(out).toMatchObject({ info: { config: { file: '${nope}' } } });
  });
});
