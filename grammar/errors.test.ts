import { describe, expect, it } from 'vitest';
import { parseScript } from '../src/sql/parse.js';

function firstError(sql: string) {
  const item = parseScript(sql).find((i) => !i.ok);
  if (!item || item.ok) throw new Error(`expected a syntax error in ${sql}`);
  return item.error;
}

describe('syntax error messages', () => {
  it.each([
    ['CREATE SOURCE CONNECTOR x WTIH (a=1);', 'WITH'], // adjacent letters swapped
    ['CRATE SOURCE CONNECTOR x WITH (a=1);', 'CREATE'],
    ['SHOW CONECTORS;', 'CONNECTORS'],
    ['CREATE SINK CONNECTO x WITH (a=1);', 'CONNECTOR'],
  ])('%s suggests %s', (sql, keyword) => {
    expect(firstError(sql).message).toContain(`did you mean ${keyword}?`);
  });

  it.each(['INSERT INTO x;', 'CREATE SOURCE CONNECTOR x WITH (a=bulk);', 'SELECT 1;'])('%s suggests no far-fetched keyword', (sql) => {
    expect(firstError(sql).message).not.toContain('did you mean');
  });

  it('a bare word where a value belongs is told to quote it, at the word', () => {
    const e = firstError("CREATE SOURCE CONNECTOR x WITH ('mode'=bulk);");
    expect(e.code).toBe('SYNTAX_ERROR');
    expect(e.loc).toMatchObject({ line: 1, column: 40 });
    expect(e.message).toContain("'bulk'");
    expect(e.message).toMatch(/single quotes/);
  });

  it('never quotes the content of a string it stumbled on', () => {
    const e = firstError("CREATE SOURCE CONNECTOR x WITH ('connection.password' 'hunter2hunter2');");
    expect(e.loc).toMatchObject({ line: 1, column: 55 });
    expect(e.message).not.toContain('hunter2hunter2');
  });

  it.each([
    ['SET "auto.offset.reset" = \'earliest\';', 5, '"'],
    ['UNSET `ksql.streams.x`;', 7, '`'],
    ['RUN SCRIPT "setup.sql";', 12, '"'],
  ])('%s: where only a string fits, a quoted name is told to use single quotes', (sql, column, q) => {
    const e = firstError(sql);
    expect(e.loc).toMatchObject({ line: 1, column });
    expect(e.message).toMatch(new RegExp(`; here it is written in single quotes \\('…'\\), not \\${q}…\\${q}$`));
  });

  it('and does not repeat it there: it may be a secret', () => {
    const e = firstError('SET \'connection.password\' = "hunter2hunter2";');
    expect(e.message).not.toContain('hunter2hunter2');
    expect(e.message).toContain('single quotes');
  });
});
