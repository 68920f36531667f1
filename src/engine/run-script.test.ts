import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Session } from './session.js';
import { isError } from './results.js';
import { FILE_SINK, FILE_SOURCE, at, codes, harness, only, onlyErrors, type Harness } from './testing.js';

// RUN SCRIPT: paths relative to the including file, nesting, shared variables, error positions in the included
// file, and "an included script runs only if all of it is valid".

let dir: string;
let elsewhere: string;
let h: Harness;

function write(rel: string, text: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Runs a file the way `sluice run`/`shell --file` do: its text, named by its path. */
function execFile(file: string) {
  return h.engine.execute(fs.readFileSync(file, 'utf8'), h.session, { file });
}

const names = () => h.catalog.listConnectors().map((c) => c.name);

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-runscript-')));
  // The session's own directory is elsewhere, so a path resolved against it instead of the file would miss
  // (and files outside it are shown by their absolute paths).
  elsewhere = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-session-')));
  h = harness(new Session({ baseDir: elsewhere }));
});

afterEach(() => {
  h.catalog.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(elsewhere, { recursive: true, force: true });
});

describe('RUN SCRIPT', () => {
  it('resolves paths relative to the including file, also when nested', () => {
    write('main.sql', "RUN SCRIPT 'lib/one.sql';\n");
    write('lib/one.sql', `${FILE_SOURCE('one')}\nRUN SCRIPT 'deeper/two.sql';\n`);
    write('lib/deeper/two.sql', FILE_SINK('two'));
    const out = execFile(path.join(dir, 'main.sql'));
    expect(out.map((e) => e['@type'])).toEqual(['connector_info', 'connector_info']);
    expect(names()).toEqual(['ONE', 'TWO']);
  });

  it('resolves nested paths correctly when the session directory is not the process directory', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      fs.mkdirSync(path.join(dir, 'elsewhere'));
      const session = new Session({ baseDir: path.join(dir, 'elsewhere') });
      const main = write('lib/main.sql', "RUN SCRIPT 'sub/one.sql';\n");
      write('lib/sub/one.sql', "RUN SCRIPT 'two.sql';\n");
      write('lib/sub/two.sql', FILE_SOURCE('two'));
      const out = h.engine.execute(fs.readFileSync(main, 'utf8'), session, { file: main });
      expect(out.map((e) => (isError(e) ? `${e.code} ${e.message}` : e['@type']))).toEqual(['connector_info']);
    } finally {
      process.chdir(cwd);
    }
  });

  it('without an including file, resolves against the session directory', () => {
    write('x.sql', FILE_SOURCE('x'));
    const session = new Session({ baseDir: dir });
    only(h.engine.execute("RUN SCRIPT 'x.sql';", session), 'connector_info');
    expect(names()).toEqual(['X']);
  });

  it('shares variables with the session both ways', () => {
    write('inc.sql', `${FILE_SOURCE('a', '${topic}')}\nDEFINE from_inner = 'yes';\n`);
    h.exec("DEFINE topic = 'orders';");
    const out = h.exec(`RUN SCRIPT '${path.join(dir, 'inc.sql')}';`);
    expect(out.map((e) => e['@type'])).toEqual(['connector_info', 'variable']);
    expect(h.catalog.getConnector('A')?.config['topic']).toBe('orders');
    expect(h.session.variables.get('from_inner')).toBe('yes');
  });

  it('names the included file, and the line and column inside it, in its errors', () => {
    const inc = write('lib/bad.sql', "-- one\n-- two\nCREATE SOURCE CONNECTOR b WITH ('connector.class' = 'FileStreamSource',\n   'tpoic' = 't');\n");
    const main = write('main.sql', "\n\nRUN SCRIPT 'lib/bad.sql';\n");
    const errs = onlyErrors(execFile(main));
    const typo = errs.find((e) => e.code === 'UNKNOWN_CONFIG_KEY');
    expect(typo).toMatchObject({ file: inc, ...at(fs.readFileSync(inc, 'utf8'), "'tpoic'"), sourceLine: "   'tpoic' = 't');" });
    expect(errs.every((e) => e.file === inc)).toBe(true);
  });

  it('a missing file is SCRIPT_NOT_FOUND at the path', () => {
    const main = write('main.sql', `${FILE_SOURCE('before')}\n  RUN SCRIPT 'nope/missing.sql';\n${FILE_SOURCE('after')}\n`);
    const out = execFile(main);
    const [err] = out.filter(isError);
    expect(err).toMatchObject({ code: 'SCRIPT_NOT_FOUND', error_code: 40000, file: main, ...at(fs.readFileSync(main, 'utf8'), "'nope/missing.sql'") });
    expect(err!.message).toContain('nope/missing.sql');
    expect(names()).toEqual(['AFTER', 'BEFORE']);
  });

  it('a script that includes itself is SCRIPT_RECURSION at the path, directly or through another', () => {
    const self = write('self.sql', "SHOW VARIABLES;\nRUN SCRIPT 'self.sql';\n");
    const out = execFile(self);
    expect(out.map((e) => (isError(e) ? e.code : e['@type']))).toEqual(['variables', 'SCRIPT_RECURSION']);
    expect(out[1]).toMatchObject({ line: 2, column: 12, file: self });

    write('a.sql', "RUN SCRIPT 'b.sql';\n");
    const b = write('b.sql', `${FILE_SOURCE('from_b')}\nRUN SCRIPT './a.sql';\n`);
    const viaB = onlyErrors(execFile(path.join(dir, 'a.sql')));
    expect(viaB).toEqual([expect.objectContaining({ code: 'SCRIPT_RECURSION', file: b, line: 2, column: 12 })]);
    // b.sql had an error, so none of it ran.
    expect(names()).toEqual([]);
  });

  it('runs none of an included script when one of its statements is bad', () => {
    write('part.sql', `${FILE_SOURCE('good1')}\nCREATE SOURCE CONNECTOR bad WITH ('connector.class' = 'FileStreamSource', 'tpoic' = 'x');\n${FILE_SOURCE('good2')}\nDEFINE leaked = 'x';\n`);
    const main = write('main.sql', `${FILE_SINK('outer')}\nRUN SCRIPT 'part.sql';\nSHOW CONNECTORS;\n`);
    const out = execFile(main);
    expect(out.map((e) => (isError(e) ? e.code : e['@type']))).toEqual(['connector_info', 'UNKNOWN_CONFIG_KEY', 'connector_list']);
    expect(names()).toEqual(['OUTER']);
    expect(h.session.variables.has('leaked')).toBe(false);
  });

  it('validation gives the same verdict as execution for statements after a bad included script', () => {
    write('part.sql', `${FILE_SOURCE('good1')}\nDROP CONNECTOR nope;\n`);
    const main = write('main.sql', `RUN SCRIPT 'part.sql';\n${FILE_SOURCE('good1')}\nDESCRIBE CONNECTOR good1;\n`);
    const text = fs.readFileSync(main, 'utf8');
    const validated = h.engine.validate(text, h.session, { file: main });
    // part.sql does not run, so GOOD1 does not exist when line 2 creates it: only part.sql's error is real.
    expect(codes(validated)).toEqual(['CONNECTOR_NOT_FOUND']);
    expect(validated.filter(isError)[0]).toMatchObject({ file: path.join(dir, 'part.sql'), line: 2 });
    const outcome = h.engine.run(text, h.session, { file: main });
    expect(outcome.executed).toBe(false);
    expect(codes(outcome.entities)).toEqual(['CONNECTOR_NOT_FOUND']);
    expect(names()).toEqual([]);
    // Executed statement by statement, the outcome is the one validation predicted.
    expect(codes(execFile(main))).toEqual(['CONNECTOR_NOT_FOUND']);
    expect(names()).toEqual(['GOOD1']);
  });

  it('run validates included scripts too: a bad one stops the whole run', () => {
    write('inc.sql', 'PAUSE CONNECTOR missing;\n');
    const main = write('main.sql', `${FILE_SOURCE('outer')}\nRUN SCRIPT 'inc.sql';\n`);
    const outcome = h.engine.run(fs.readFileSync(main, 'utf8'), h.session, { file: main });
    expect(outcome.executed).toBe(false);
    expect(onlyErrors(outcome.entities)).toEqual([expect.objectContaining({ code: 'CONNECTOR_NOT_FOUND', file: path.join(dir, 'inc.sql'), line: 1, column: 17 })]);
    expect(names()).toEqual([]);
  });

  it('records the included statements in the history, named by their file', () => {
    write('inc.sql', FILE_SOURCE('a'));
    const main = write('main.sql', "RUN SCRIPT 'inc.sql';\n");
    execFile(main);
    const [last] = h.catalog.listStatements();
    expect(last).toMatchObject({ kind: 'CreateConnector', ok: true, source: `shell:${path.join(dir, 'inc.sql')}` });
  });
});
