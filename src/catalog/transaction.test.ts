import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { CatalogError } from '../errors/base.js';

/** Everything a statement could have touched, for before/after comparison. */
function snapshot(catalog: Catalog) {
  return {
    connectors: catalog.listConnectors(),
    versions: catalog.listConnectors().map((c) => catalog.listConfigVersions(c.name)),
    dropped: catalog.listConfigVersions('victim'),
    statements: catalog.listStatements(),
  };
}

const boom = new Error('boom');

describe('transaction', () => {
  let catalog: Catalog;
  beforeEach(() => {
    catalog = Catalog.inMemory();
    catalog.createConnector({ name: 'victim', type: 'SOURCE', className: 'x', config: { k: '1' }, statementText: 'c' });
  });
  afterEach(() => catalog.close());

  it('returns the result and keeps the writes when fn succeeds', () => {
    const result = catalog.transaction(() => {
      catalog.updateConnectorConfig('victim', { k: '2' }, 'a');
      return 42;
    });
    expect(result).toBe(42);
    expect(catalog.getConnector('victim')?.version).toBe(2);
  });

  it('leaves no trace when fn throws after several writes', () => {
    const before = snapshot(catalog);
    expect(() =>
      catalog.transaction(() => {
        catalog.createConnector({ name: 'new', type: 'SINK', className: 'y', config: {}, statementText: 'c' });
        catalog.updateConnectorConfig('victim', { k: '2' }, 'a');
        catalog.setDesiredState('victim', 'PAUSED');
        catalog.requestRestart('victim');
        catalog.recordStatement({ kind: 'X', text: 't', ok: true });
        catalog.dropConnector('victim');
        throw boom;
      }),
    ).toThrow(boom);
    expect(snapshot(catalog)).toEqual(before);
    // the id sequence was rolled back too: the next connector gets the id the failed one had
    const next = catalog.createConnector({ name: 'new', type: 'SINK', className: 'y', config: {}, statementText: 'c' });
    expect(next.id).toBe((before.connectors[0]?.id ?? 0) + 1);
  });

  it('rolls back a failed catalog call inside it when the error escapes', () => {
    const before = snapshot(catalog);
    expect(() =>
      catalog.transaction(() => {
        catalog.updateConnectorConfig('victim', { k: '2' }, 'a');
        catalog.createConnector({ name: 'victim', type: 'SOURCE', className: 'x', config: {}, statementText: 'dup' });
      }),
    ).toThrow(CatalogError);
    expect(snapshot(catalog)).toEqual(before);
  });

  it('undoes only the inner call when the outer one catches its error (savepoint)', () => {
    catalog.transaction(() => {
      catalog.updateConnectorConfig('victim', { k: 'outer' }, 'outer');
      expect(() =>
        catalog.transaction(() => {
          catalog.updateConnectorConfig('victim', { k: 'inner' }, 'inner');
          catalog.recordStatement({ kind: 'INNER', text: 't', ok: true });
          throw boom;
        }),
      ).toThrow(boom);
      expect(catalog.getConnector('victim')?.config).toEqual({ k: 'outer' });
    });
    expect(catalog.getConnector('victim')).toMatchObject({ version: 2, config: { k: 'outer' } });
    expect(catalog.listConfigVersions('victim').map((v) => v.statementText)).toEqual(['c', 'outer']);
    expect(catalog.listStatements()).toEqual([]);
  });

  it('undoes a successful inner transaction when the outer one throws', () => {
    const before = snapshot(catalog);
    expect(() =>
      catalog.transaction(() => {
        catalog.transaction(() => catalog.updateConnectorConfig('victim', { k: 'inner' }, 'inner'));
        catalog.transaction(() => catalog.transaction(() => catalog.recordStatement({ kind: 'DEEP', text: 't', ok: true })));
        throw boom;
      }),
    ).toThrow(boom);
    expect(snapshot(catalog)).toEqual(before);
  });

  it('keeps working after a rollback', () => {
    expect(() => catalog.transaction(() => { throw boom; })).toThrow(boom);
    catalog.transaction(() => catalog.requestRestart('victim'));
    expect(catalog.getConnector('victim')?.restartGeneration).toBe(1);
  });

  it('refuses an async function instead of committing before it finishes', () => {
    expect(() => catalog.transaction(async () => catalog.requestRestart('victim'))).toThrow(TypeError);
    expect(catalog.getConnector('victim')?.restartGeneration).toBe(0);
  });
});
