import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { resolveDataDir } from '../cli/options.js';
import { Variables } from '../sql/variables.js';
import { Engine } from './engine.js';
import { isError } from './results.js';
import { Session } from './session.js';

const engine = () => new Engine({ catalog: Catalog.inMemory() });

describe('edges of input found in review', () => {
  it('a UTF-8 byte order mark before the first statement is ignored, positions unchanged', () => {
    const out = engine().execute('\uFEFFSHOW CONNECTORS;\r\nSHOW CONECTORS;', new Session());
    expect(out[0]!['@type']).toBe('connector_list');
    expect(out[1]).toMatchObject({ code: 'SYNTAX_ERROR', line: 2, column: 6 });
  });

  it("refuses the mask '********' as the value of a secret key (a statement recalled from masked history)", () => {
    const out = engine()
      .execute("CREATE SOURCE CONNECTOR j WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite:x.db', 'mode'='bulk', 'connection.password'='********');", new Session())
      .filter(isError);
    expect(out).toMatchObject([{ code: 'INVALID_CONFIG_VALUE', line: 1, column: 139 }]);
  });

  it('values of secret-named variables (also from --define) never show, wherever they are used', () => {
    const session = new Session({ variables: new Variables([['db_password', 'DefSecret88']]) });
    const out = engine().execute(
      "CREATE SOURCE CONNECTOR j WITH ('connector.class'='JdbcSource', 'connection.url'='jdbc:sqlite:x?password=${db_password}', 'mode'='bulk'); DESCRIBE CONNECTOR j EXTENDED; SHOW VARIABLES;",
      session,
    );
    expect(out).toHaveLength(3);
    expect(JSON.stringify(out)).not.toContain('DefSecret88');
  });

  it('a name no connector can have says why, not the name with its control characters unseen', () => {
    const out = engine().execute('DROP CONNECTOR "a\u007fb";\nDESCRIBE CONNECTOR `x\u0085`;\nPAUSE CONNECTOR " ";\nDROP CONNECTOR nope;', new Session()).filter(isError);
    expect(out.map((e) => [e.code, e.line, e.column, e.message])).toEqual([
      ['CONNECTOR_NOT_FOUND', 1, 16, 'no connector has this name: a connector name cannot contain control characters: it has control character U+007F (DEL) at character 2'],
      ['CONNECTOR_NOT_FOUND', 2, 20, 'no connector has this name: a connector name cannot contain control characters: it has control character U+0085 at character 2'],
      ['CONNECTOR_NOT_FOUND', 3, 17, 'no connector has this name: a connector name cannot be blank: this one is only white space (1 character)'],
      ['CONNECTOR_NOT_FOUND', 4, 16, 'connector NOPE does not exist'],
    ]);
  });

  it('an empty data dir setting counts as unset instead of meaning the current directory', () => {
    expect(resolveDataDir('', {})).toBe(resolveDataDir(undefined, {}));
    expect(resolveDataDir(undefined, { SLUICE_DATA_DIR: '' })).toMatch(/\.sluice$/);
    expect(resolveDataDir(undefined, { SLUICE_DATA_DIR: '  ' })).toMatch(/\.sluice$/);
  });
});

describe('RUN SCRIPT of a file that cannot be read', () => {
  it('says why in words, at the path', () => {
    const out = engine().execute("RUN SCRIPT '/';", new Session()).filter(isError);
    expect(out).toMatchObject([{ code: 'SCRIPT_NOT_FOUND', line: 1, column: 12 }]);
    expect(out[0]!.message).toMatch(/it is a directory, not a file/);
    expect(out[0]!.message).not.toMatch(/EISDIR/);
  });
});
