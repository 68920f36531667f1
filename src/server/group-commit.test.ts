import { afterEach, describe, expect, it, vi } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { tempDataDir } from '../catalog/fixtures/helpers.js';
import { GroupCommit } from './group-commit.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function flushingCatalog(): Catalog {
  const t = tempDataDir();
  const catalog = Catalog.open(t.dataDir, { durability: 'flush' });
  cleanups.push(() => {
    catalog.close();
    t.cleanup();
  });
  return catalog;
}

const create = (catalog: Catalog, name: string) => () => {
  catalog.createConnector({ name, type: 'SINK', className: 'FileStreamSink', config: {}, statementText: `CREATE ${name}` });
};

describe('GroupCommit', () => {
  it('runs the requests of one turn in one transaction and answers them only after the flush', async () => {
    const catalog = flushingCatalog();
    let release!: () => void;
    const flush = vi.spyOn(catalog, 'flush').mockImplementation(() => new Promise<void>((r) => (release = r)));
    const commits = new GroupCommit(catalog);
    const answers: unknown[] = [];
    commits.submit(create(catalog, 'a'), (f) => answers.push(['a', f]));
    commits.submit(create(catalog, 'b'), (f) => answers.push(['b', f]));
    await new Promise((r) => setTimeout(r, 20));
    // Committed (others can read it) but not yet answered: the flush has not finished.
    expect(catalog.listConnectors().map((c) => c.name)).toEqual(['a', 'b']);
    expect(flush).toHaveBeenCalledTimes(1);
    expect(answers).toEqual([]);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(answers).toEqual([['a', undefined], ['b', undefined]]);
  });

  it('answers every request of a group with a failed flush', async () => {
    const catalog = flushingCatalog();
    vi.spyOn(catalog, 'flush').mockRejectedValue(new Error('disk gone'));
    const commits = new GroupCommit(catalog);
    const failures = await Promise.all(['a', 'b'].map((n) => new Promise((resolve) => commits.submit(create(catalog, n), resolve))));
    expect(failures.map((f) => (f as Error).message)).toEqual(['disk gone', 'disk gone']);
  });

  it('answers a failed transaction at once, without a flush, and the next group commits', async () => {
    const catalog = flushingCatalog();
    const flush = vi.spyOn(catalog, 'flush');
    const commits = new GroupCommit(catalog);
    const failure = await new Promise((resolve) => commits.submit(() => { throw new Error('bad'); }, resolve));
    expect((failure as Error).message).toBe('bad');
    expect(flush).not.toHaveBeenCalled();
    await expect(new Promise((resolve) => commits.submit(create(catalog, 'c'), resolve))).resolves.toBeUndefined();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(catalog.getConnector('c')).toBeDefined();
  });
});
