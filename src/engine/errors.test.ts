import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { renderError } from '../render/error.js';
import { Engine } from './engine.js';
import { MAX_ERRORS_PER_STATEMENT } from './errors.js';
import { isError, type StatementErrorEntity } from './results.js';
import { Session } from './session.js';

const exec = (sql: string) => new Engine({ catalog: Catalog.inMemory() }).execute(sql, new Session()).filter(isError);

describe('error entities at scale', () => {
  it('lists at most MAX_ERRORS_PER_STATEMENT errors, the last one counting the rest', () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => `'k${i}'='v'`).join(',');
    const errors = exec(`CREATE SOURCE CONNECTOR a WITH ('connector.class'='FileStreamSource','topic'='t',${keys});`);
    expect(errors).toHaveLength(MAX_ERRORS_PER_STATEMENT);
    expect(errors.slice(0, -1).every((e) => e.code === 'UNKNOWN_CONFIG_KEY')).toBe(true);
    const last = errors.at(-1)!;
    expect(last.code).toBe('TOO_MANY_ERRORS');
    expect(last.message).toMatch(new RegExp(`^${5_000 - (MAX_ERRORS_PER_STATEMENT - 1)} more errors`));
    expect(last.column).toBeGreaterThan(1);
  });

  it('masks a long line once for all its errors (each error tokenized all of it: 90 s for a 2 MB CREATE)', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `'k${i}'='v'`).join(',');
    const started = performance.now();
    const errors = exec(`CREATE SOURCE CONNECTOR a WITH ('connector.class'='FileStreamSource','topic'='t','connection.password'='hunter22',${keys});`);
    // Before the fix this took 50 tokenizations of the 450 kB line, over 10 s here; now about one.
    expect(performance.now() - started).toBeLessThan(6_000);
    expect(errors).toHaveLength(MAX_ERRORS_PER_STATEMENT);
    expect(errors.map((e) => e.sourceLine).join('')).not.toContain('hunter22');
    // Each caret is still under its own key.
    for (const e of errors.slice(1, -1)) expect(e.sourceLine!.slice(e.sourceColumn! - 1)).toMatch(/^'k\d+'/);
  });

  it('masks a line once for all the statements on it (each tokenized it again: 270 s for 3000 on one line)', () => {
    const started = performance.now();
    const errors = exec('SELECT 1;'.repeat(2_000));
    expect(performance.now() - started).toBeLessThan(6_000);
    expect(errors).toHaveLength(2_000);
    expect(errors.at(-1)).toMatchObject({ code: 'UNSUPPORTED_STATEMENT', line: 1, column: 1 + 9 * 1_999 });
  });

  it('shows an excerpt of a long source line, with the caret still under the problem', () => {
    const [e] = exec(`SHOW CONNECTORS /* ${'x'.repeat(400)} */ 'bogus';`) as [StatementErrorEntity];
    expect(e.sourceLine!.length).toBeLessThan(240);
    expect(e.sourceLine).toMatch(/^…/);
    const caretLine = renderError(e).split('\n')[2]!;
    const lineShown = renderError(e).split('\n')[1]!;
    // The character above the caret is the first character of the offending token.
    const caretAt = caretLine.indexOf('^');
    expect(lineShown[caretAt]).toBe("'");
    expect(e.column).toBeGreaterThan(240);
  });
});

describe('where config errors point', () => {
  const at = (e: StatementErrorEntity | undefined) => `${e?.code} ${e?.line}:${e?.column}`;

  it("at the value an ALTER sets, and at a NULL given for a required key", () => {
    const engine = new Engine({ catalog: Catalog.inMemory() });
    const session = new Session();
    engine.execute("CREATE SINK CONNECTOR s WITH ('connector.class'='FileStreamSink', 'file'='x.txt', 'topics'='t');", session);
    const run = (sql: string) => engine.execute(sql, session).filter(isError);
    expect(run("ALTER CONNECTOR s SET (\n  'tasks.max' = 'abc');").map(at)).toEqual(['INVALID_CONFIG_VALUE 2:17']);
    expect(run("CREATE SOURCE CONNECTOR f WITH ('connector.class'='FileStreamSource',\n  'topic'=NULL);").map(at)).toEqual(['MISSING_REQUIRED_CONFIG 2:11']);
    expect(run("CREATE SOURCE CONNECTOR f WITH (\n 'connector.class' = NULL, 'topic'='t');").map(at)).toEqual(['MISSING_CONNECTOR_CLASS 2:22']);
    expect(run("CREATE SOURCE CONNECTOR f WITH ('connector.class'='FileStreamSource', 'topic'=NULL, 'topic'='t');").map(at)).toEqual(['MISSING_REQUIRED_CONFIG 1:79', 'DUPLICATE_CONFIG_KEY 1:85']);
  });
});
