/** Opening a dialect (with connection.attempts / connection.backoff.ms) and discovering the tables to copy. */

import type { ActivityReporter } from '../api.js';
import type { Dialect, DialectOptions, TableRef } from './dialect.js';
import { jdbcField as F } from './index.js';
import { fatal, isRetriable, retriable } from './errors.js';
import type { Settings } from './settings.js';
import { describeTarget } from './url.js';

async function openOnce(s: Settings, signal?: AbortSignal): Promise<Dialect> {
  const base: Omit<DialectOptions, 'target'> = { user: s.user, password: s.password, zone: s.zone, ...(signal ? { signal } : {}) };
  const t = s.target;
  // Drivers are imported on demand: a SQLite source never loads pg or mysql2.
  if (t.kind === 'sqlite') return (await import('./dialects/sqlite.js')).openSqlite({ ...base, target: t });
  if (t.kind === 'postgresql') return (await import('./dialects/postgres.js')).openPostgres({ ...base, target: t });
  return (await import('./dialects/mysql.js')).openMysql({ ...base, target: t });
}

/**
 * openOnce, ended by a stop: the dialects close the attempt's socket, and should one still open (or not notice),
 * the stop does not wait for it and the connection is closed when it comes.
 */
async function openUnlessStopped(s: Settings, signal?: AbortSignal): Promise<Dialect> {
  if (!signal) return openOnce(s);
  const opening = openOnce(s, signal);
  let onAbort = () => undefined as void;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(retriable(`stopped while connecting to ${describeTarget(s.target)}`));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([opening, stopped]);
  } catch (err) {
    if (signal.aborted) opening.then((d) => d.close(), () => undefined).catch(() => undefined);
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Tries connection.attempts times, connection.backoff.ms apart, while failures are retriable, telling `activity`
 * of each attempt and each wait (with the error) so that the status shows it while it lasts. Connected, the
 * activity is over; the error of a last attempt is thrown to the caller, whose own retry (or failure) says the rest.
 */
export async function connectDialect(s: Settings, signal?: AbortSignal, activity?: ActivityReporter): Promise<Dialect> {
  const what = describeTarget(s.target);
  const of = s.attempts > 1 ? { attempts: s.attempts } : {};
  for (let attempt = 1; ; attempt++) {
    activity?.({ phase: 'connecting', what, attempt, ...of });
    try {
      const dialect = await openUnlessStopped(s, signal);
      activity?.(undefined);
      return dialect;
    } catch (err) {
      if (!isRetriable(err) || attempt >= s.attempts || signal?.aborted) {
        if (isRetriable(err) && s.attempts > 1) throw retriable(`${(err as Error).message} (after ${attempt} attempts)`);
        throw err;
      }
      activity?.({ phase: 'retrying', what: `the connection to ${what}`, attempt, ...of, retryInMs: s.backoffMs, error: err });
      await sleep(s.backoffMs, signal);
      // Stopped (PAUSE, DROP, RESTART, shutdown) during the wait: no further attempt, which could hang on a host that
      // does not answer and would be counted and logged as a failure of a task that is no longer running.
      if (signal?.aborted) throw err;
    }
  }
}

/**
 * The tables a table-mode connector copies: table.types from the catalog (schema.pattern / catalog.pattern
 * narrow it), then table.whitelist (every entry must exist; matched on the table name or its qualified name) or
 * table.blacklist, or table.include.list less table.exclude.list (regular expressions matched whole against either
 * name; an include list that selects nothing is an error, as a whitelist naming no table is). Two selected tables
 * with the same name would share a topic, which is refused.
 */
export async function discoverTables(dialect: Dialect, s: Settings): Promise<TableRef[]> {
  const all = await dialect.listTables({ types: s.tableTypes, schemaPattern: s.schemaPattern, catalogPattern: s.catalogPattern });
  const matches = (t: TableRef, entry: string) => t.name === entry || dialect.fqn(t) === entry;
  let selected: TableRef[];
  if (s.whitelist.length > 0) {
    for (const entry of s.whitelist) {
      if (all.some((t) => matches(t, entry))) continue;
      const near = all.find((t) => t.name.toLowerCase() === entry.toLowerCase() || dialect.fqn(t).toLowerCase() === entry.toLowerCase());
      const hint = near ? ` (did you mean '${near.name}'? names are case-sensitive)` : '';
      throw fatal(`table '${entry}' listed in '${F.whitelist.key}' does not exist in ${dialect.description}${hint}`);
    }
    selected = all.filter((t) => s.whitelist.some((e) => matches(t, e)));
  } else if (s.include.length > 0) {
    const matchesAny = (t: TableRef, patterns: readonly RegExp[]) => patterns.some((p) => p.test(t.name) || p.test(dialect.fqn(t)));
    selected = all.filter((t) => matchesAny(t, s.include) && !matchesAny(t, s.exclude));
    if (selected.length === 0) {
      const some = `${all.slice(0, 5).map((t) => `'${dialect.fqn(t)}'`).join(', ')}${all.length > 5 ? ', …' : ''}`;
      const exclude = s.exclude.length > 0 ? ` less '${F.excludeList.key}'` : '';
      throw fatal(`'${F.includeList.key}'${exclude} selects no table in ${dialect.description} (${all.length === 0 ? 'it has none' : `it has ${some}`})`);
    }
  } else {
    selected = all.filter((t) => !s.blacklist.some((e) => matches(t, e)));
  }
  const seen = new Map<string, TableRef>();
  for (const t of selected) {
    const other = seen.get(t.name);
    if (other) {
      throw fatal(
        `tables '${dialect.fqn(other)}' and '${dialect.fqn(t)}' would both write topic '${s.topicPrefix}${t.name}'; ` +
          `narrow the tables with '${F.schemaPattern.key}', '${F.catalogPattern.key}', '${s.include.length > 0 ? F.includeList.key : F.whitelist.key}'`,
      );
    }
    seen.set(t.name, t);
  }
  return selected;
}
