import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { tempDataDir } from './fixtures/helpers.js';
import { WalFlusher } from './wal-flusher.js';
import type { SluiceError } from '../errors/base.js';

const dirs: (() => void)[] = [];
afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));

function tempFile(): string {
  const t = tempDataDir();
  dirs.push(t.cleanup);
  const file = path.join(t.root, 'x.db-wal');
  fs.writeFileSync(file, 'frames');
  return file;
}

function synchronousOf(catalog: Catalog): number {
  return (catalog as unknown as { db: { pragma(s: string, o: object): number } }).db.pragma('synchronous', { simple: true });
}

describe('WalFlusher', () => {
  it('shares flushes: callers while one runs join a single next one, answered in the order they asked', async () => {
    const flusher = new WalFlusher(tempFile());
    const order: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => flusher.flush().then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // The first starts at once; the other nineteen may not trust it (it began before they asked) and share one.
    expect(flusher.count).toBe(2);
    await flusher.flush();
    expect(flusher.count).toBe(3);
  });

  it('fails when the file is gone, and flushes again once it is back', async () => {
    const file = tempFile();
    fs.rmSync(file);
    const flusher = new WalFlusher(file);
    await expect(flusher.flush()).rejects.toMatchObject({ code: 'ENOENT' });
    fs.writeFileSync(file, 'frames');
    await expect(flusher.flush()).resolves.toBeUndefined();
  });
});

describe("a catalog opened with durability 'flush'", () => {
  it('commits without waiting for the disk and is durable after flush(); the default waits at every commit', async () => {
    const t = tempDataDir();
    dirs.push(t.cleanup);
    const catalog = Catalog.open(t.dataDir, { durability: 'flush' });
    expect(synchronousOf(catalog)).toBe(1); // NORMAL
    catalog.createConnector({ name: 'a', type: 'SINK', className: 'FileStreamSink', config: {}, statementText: 'CREATE …' });
    await catalog.flush();
    catalog.close();
    const again = Catalog.open(t.dataDir);
    expect(synchronousOf(again)).toBe(2); // FULL
    expect(again.getConnector('a')?.version).toBe(1);
    await expect(again.flush()).resolves.toBeUndefined();
    again.close();
  });

  it('reports a failed flush as CATALOG_ERROR', async () => {
    const t = tempDataDir();
    dirs.push(t.cleanup);
    const catalog = Catalog.open(t.dataDir, { durability: 'flush' });
    try {
      catalog.createConnector({ name: 'a', type: 'SINK', className: 'FileStreamSink', config: {}, statementText: 'CREATE …' });
      fs.rmSync(path.join(t.dataDir, 'catalog.db-wal'));
      const err = (await catalog.flush().catch((e: unknown) => e)) as SluiceError;
      expect(err.code).toBe('CATALOG_ERROR');
      expect(err.message).toMatch(/cannot flush the catalog to disk/);
    } finally {
      catalog.close();
    }
  });
});
