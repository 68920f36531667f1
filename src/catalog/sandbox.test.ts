import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { tempDataDir } from './fixtures/helpers.js';

function seed(catalog: Catalog): void {
  catalog.createConnector({ name: 'a', type: 'SOURCE', className: 'x', config: { k: '1' }, statementText: 'CREATE a' });
  catalog.updateConnectorConfig('a', { k: '2' }, 'ALTER a');
  catalog.createConnector({ name: 'gone', type: 'SINK', className: 'y', config: {}, statementText: 'CREATE gone' });
  catalog.dropConnector('gone');
  catalog.recordStatement({ kind: 'X', text: 't', ok: true });
}

function everything(catalog: Catalog) {
  return {
    connectors: catalog.listConnectors(),
    a: catalog.listConfigVersions('a'),
    gone: catalog.listConfigVersions('gone'),
    statements: catalog.listStatements(),
    schema: catalog.schemaVersion(),
  };
}

describe('sandbox', () => {
  let dirs: ReturnType<typeof tempDataDir>;
  beforeEach(() => (dirs = tempDataDir()));
  afterEach(() => dirs.cleanup());

  it('is an exact, in-memory copy of a file catalog (including what is still only in the WAL)', () => {
    const real = Catalog.open(dirs.dataDir);
    seed(real);
    const sandbox = real.sandbox();
    expect(sandbox.dataDir).toBeUndefined();
    expect(everything(sandbox)).toEqual(everything(real));
    sandbox.close();
    real.close();
  });

  it('is independent both ways', () => {
    const real = Catalog.open(dirs.dataDir);
    seed(real);
    const sandbox = real.sandbox();
    const realBefore = everything(real);
    const sandboxBefore = everything(sandbox);

    sandbox.updateConnectorConfig('a', { k: 'sandbox' }, 'ALTER in sandbox');
    sandbox.dropConnector('a');
    sandbox.createConnector({ name: 'only-in-sandbox', type: 'SOURCE', className: 'x', config: {}, statementText: 's' });
    expect(everything(real)).toEqual(realBefore);

    real.setDesiredState('a', 'PAUSED');
    real.createConnector({ name: 'only-in-real', type: 'SINK', className: 'x', config: {}, statementText: 's' });
    expect(sandbox.getConnector('only-in-real')).toBeUndefined();
    expect(sandbox.getConnector('a')).toBeUndefined();
    expect(sandbox.listConfigVersions('a').map((v) => v.statementText)).toEqual([...sandboxBefore.a.map((v) => v.statementText), 'ALTER in sandbox']);
    expect(real.getConnector('only-in-sandbox')).toBeUndefined();

    sandbox.close();
    // closing the sandbox closes nothing real, and the file never saw the sandbox's writes
    expect(real.getConnector('a')?.desiredState).toBe('PAUSED');
    real.close();
    const reopened = Catalog.open(dirs.dataDir);
    expect(reopened.getConnector('only-in-sandbox')).toBeUndefined();
    expect(reopened.getConnector('a')?.config).toEqual({ k: '2' });
    reopened.close();
  });

  it('keeps the same ids and rules, so validation there matches execution here', () => {
    const real = Catalog.inMemory();
    seed(real);
    const sandbox = real.sandbox();
    const inSandbox = sandbox.createConnector({ name: 'n', type: 'SOURCE', className: 'x', config: {}, statementText: 's' });
    const inReal = real.createConnector({ name: 'n', type: 'SOURCE', className: 'x', config: {}, statementText: 's' });
    expect(inSandbox.id).toBe(inReal.id);
    expect(() => sandbox.createConnector({ name: 'a', type: 'SOURCE', className: 'x', config: {}, statementText: 's' })).toThrow(
      expect.objectContaining({ code: 'CONNECTOR_EXISTS' }),
    );
    // a sandbox of a sandbox works too, and a failed transaction in it changes nothing there
    const nested = sandbox.sandbox();
    expect(() => nested.transaction(() => { nested.dropConnector('a'); throw new Error('x'); })).toThrow('x');
    expect(nested.getConnector('a')).toBeDefined();
    for (const c of [nested, sandbox, real]) c.close();
  });

  it('is writable even when taken from a read-only catalog', () => {
    const writer = Catalog.open(dirs.dataDir);
    seed(writer);
    const reader = Catalog.open(dirs.dataDir, { readonly: true });
    const sandbox = reader.sandbox();
    expect(sandbox.isReadonly).toBe(false);
    sandbox.dropConnector('a');
    expect(sandbox.getConnector('a')).toBeUndefined();
    expect(writer.getConnector('a')).toBeDefined();
    for (const c of [sandbox, reader, writer]) c.close();
  });
});
