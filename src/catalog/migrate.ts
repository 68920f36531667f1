import type Database from 'better-sqlite3';
import { CatalogError, SluiceError } from '../errors/base.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** A catalog written by a newer Sluice may hold tables or meanings we do not know: refuse, never guess. */
export function assertNotTooNew(db: Database.Database, where: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const found = readSchemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (found > latest) {
    throw new CatalogError(
      'CATALOG_TOO_NEW',
      `catalog ${where} has schema version ${found}, but this Sluice only knows versions up to ${latest}`,
      { hint: 'upgrade Sluice, or point it at another data dir' },
    );
  }
  return found;
}

/** The list must be 1, 2, 3, …: a gap or a reordering would skip or repeat a step on some catalogs. */
function assertWellFormed(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new SluiceError('INTERNAL_ERROR', `migration #${i} has version ${m.version}, expected ${i + 1}`);
    }
  });
}

/**
 * Applies every migration newer than `PRAGMA user_version`, each in its own transaction together with the
 * version bump, so a crash leaves the catalog at a whole version. Returns the versions applied.
 */
export function migrate(db: Database.Database, where: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  assertWellFormed(migrations);
  const applied: number[] = [];
  for (const m of migrations) {
    const step = db.transaction(() => {
      // Re-read inside the write transaction: what counts is the version we hold the write lock on.
      if (assertNotTooNew(db, where, migrations) >= m.version) return;
      db.exec(m.up);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
      // PRAGMA takes no bound parameters; the version is an integer we produced, not user text.
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    });
    step.immediate();
  }
  // No migrations and a too-new catalog still has to fail.
  assertNotTooNew(db, where, migrations);
  return applied;
}
