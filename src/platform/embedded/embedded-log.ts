import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDataDir, isSqliteError } from '../../catalog/files.js';
import { assertNotTooNew, migrate } from '../../catalog/migrate.js';
import { configureConnection, openCatalogFile, openCatalogFileReadonly } from '../../catalog/open-db.js';
import { SluiceError } from '../../errors/base.js';
import type {
  Log,
  LogRecord,
  ProducerRecord,
  SinkCommit,
  SinkPosition,
  SourceOffset,
  TopicConfig,
  TopicInfo,
  TopicPartition,
} from '../log.js';
import { BatchReader, encodeBatch, type EncodedBatch } from '../encoded-batch.js';
import { StoredRecord } from '../stored-record.js';
import { assertTopicName, canonicalJson, partitionForKey } from './keys.js';
import { createPartitionTableSql, LATEST_LOG_SCHEMA_VERSION, LOG_FILE, LOG_MIGRATIONS, partitionTable } from './schema.js';

export interface EmbeddedLogOptions {
  /** Partitions of a topic auto-created by `append` (or `ensureTopic` without `partitions`). Default 1. */
  defaultPartitions?: number;
  /** Open without writing anything (e.g. PRINT from a second process); every write throws. */
  readonly?: boolean;
  /**
   * How often a pending `waitForData` looks for commits made through other connections (other processes).
   * Appends through this process wake it at once. Default 100 ms.
   */
  pollIntervalMs?: number;
}

/** More partitions than this is a typo, not a plan: each one is a table. */
export const MAX_PARTITIONS = 1000;
export const DEFAULT_POLL_INTERVAL_MS = 100;
/** setTimeout's ceiling; longer waits are capped (a spurious wake-up is allowed by the contract). */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface TopicMeta {
  id: number;
  name: string;
  partitions: number;
  /** Round-robin cursor for keyless records without an explicit partition (per process, not persisted). */
  rr: number;
}

interface TopicRow {
  id: number;
  name: string;
  partitions: number;
  created_at: string;
  retention_ms: number | null;
  retention_bytes: number | null;
}

/** One partition being appended to inside the current transaction. */
interface PartitionWrite {
  insert: Database.Statement;
  next: number;
  bytes: number;
}

type PartitionEnd = { topic: string; partition: number; end: number };
type Position = TopicPartition & { offset: number };
type RecordRow = [offset: number, ts: number, key: string | null, value: string | null, headers: string | null];

/**
 * Appends committed by any EmbeddedLog of this process, keyed by database file, so a `waitForData` in this process
 * wakes at once instead of at its next poll.
 */
const appended = new EventEmitter();
appended.setMaxListeners(0);
let memoryLogs = 0;

/**
 * The default platform log: durable topics in `DATA_DIR/log.db` (SQLite, WAL, synchronous=FULL).
 *
 * - Each topic partition is its own rowid table whose rowid is the offset; `partitions` holds each partition's
 *   next offset and retained byte total, updated in the same transaction as the records.
 * - `append` is one IMMEDIATE transaction for the whole batch, source offsets included: after a crash either
 *   all of it is there or none of it.
 * - Readers in other processes (opened `readonly`) see committed transactions only (WAL snapshot isolation).
 *
 * better-sqlite3 is synchronous; the async methods only satisfy the `Log` interface, and no transaction ever
 * spans an `await`.
 */
export class EmbeddedLog implements Log {
  readonly isReadonly: boolean;
  /** The database file; undefined in memory. */
  readonly file: string | undefined;
  private readonly channel: string;
  private readonly defaultPartitions: number;
  private readonly pollIntervalMs: number;
  private readonly topics = new Map<string, TopicMeta>();
  /** Prepared statements by SQL text (fixed tables). */
  private readonly statements = new Map<string, Database.Statement>();
  /** Prepared statements per partition table, by a short name; dropped when a transaction creating it fails. */
  private readonly tableStatements = new Map<string, Map<string, Database.Statement>>();
  /** Wake-ups of pending waitForData calls, run by close(). */
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private db: Database.Database;
  /**
   * Read-only and the log did not exist yet: an empty in-memory stand-in is used until the file appears (checked
   * on every call), so a PRINT started before the first write still sees it.
   */
  private pendingFile: string | undefined;

  private constructor(db: Database.Database | undefined, file: string | undefined, readonly_: boolean, opts: EmbeddedLogOptions) {
    this.db = db ?? memoryDb();
    this.pendingFile = db ? undefined : file;
    this.file = file;
    this.isReadonly = readonly_;
    this.channel = file ?? `:memory:#${++memoryLogs}`;
    this.defaultPartitions = checkPartitions(opts.defaultPartitions ?? 1, 'defaultPartitions');
    const poll = opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    if (!Number.isFinite(poll) || poll <= 0) throw invalid(`pollIntervalMs must be a positive number, got ${poll}`);
    this.pollIntervalMs = poll;
  }

  /** Swaps the stand-in of a read-only log for the real file once it exists (and is migrated). */
  private attach(): void {
    if (this.pendingFile === undefined) return;
    const db = openReadonly(this.pendingFile);
    if (!db) return;
    this.db.close();
    this.db = db;
    this.pendingFile = undefined;
    this.statements.clear();
    this.tableStatements.clear();
    this.topics.clear();
  }

  /** Opens (creating if needed) `DATA_DIR/log.db`: the dir 0700, the file 0600, as the catalog. */
  static open(dataDir: string, opts: EmbeddedLogOptions = {}): EmbeddedLog {
    const dir = path.resolve(dataDir);
    const file = path.join(dir, LOG_FILE);
    let db: Database.Database | undefined;
    try {
      if (opts.readonly) {
        // undefined: no log yet (see pendingFile).
        db = openReadonly(file);
      } else {
        ensureDataDir(dir);
        db = openCatalogFile(file);
        migrate(db, file, LOG_MIGRATIONS);
      }
      return new EmbeddedLog(db, file, opts.readonly ?? false, opts);
    } catch (err) {
      if (db?.open) db.close();
      throw storageError(err, `cannot open the embedded log in ${dir}`);
    }
  }

  /** A private log in memory, for tests. */
  static inMemory(opts: Omit<EmbeddedLogOptions, 'readonly'> = {}): EmbeddedLog {
    return new EmbeddedLog(memoryDb(), undefined, false, opts);
  }

  // ---------------------------------------------------------------------------------------------- topics

  async ensureTopic(name: string, config: TopicConfig = {}): Promise<TopicInfo> {
    assertTopicName(name);
    const settings = topicSettings(config, this.defaultPartitions);
    this.write((created) => {
      if (!this.topic(name)) this.createTopic(name, settings, created);
    });
    return this.guard(() => this.describe(name)!);
  }

  async listTopics(): Promise<TopicInfo[]> {
    return this.guard(() =>
      this.db.transaction(() => {
        const rows = this.sql('SELECT id, name, partitions, created_at, retention_ms, retention_bytes FROM topics ORDER BY name').all() as TopicRow[];
        return rows.map((r) => this.info(r));
      })(),
    );
  }

  async describeTopic(name: string): Promise<TopicInfo | undefined> {
    assertTopicName(name);
    return this.guard(() => this.describe(name));
  }

  // ---------------------------------------------------------------------------------------------- append

  async append(
    records: readonly ProducerRecord[],
    commit?: { connector: string; sourceOffsets: readonly SourceOffset[] },
  ): Promise<(TopicPartition & { offset: number })[]> {
    const batch = this.guard(() => encodeBatch(records));
    const positions: Position[] = new Array<Position>(batch.length);
    this.appendBatch(batch, commit, positions);
    return positions;
  }

  async appendEncoded(batch: EncodedBatch, commit?: { connector: string; sourceOffsets: readonly SourceOffset[] }): Promise<void> {
    this.appendBatch(batch, commit, undefined);
  }

  /** One transaction for the batch (and the source offsets, when given); fills `positions` when given. */
  private appendBatch(batch: EncodedBatch, commit: { connector: string; sourceOffsets: readonly SourceOffset[] } | undefined, positions: Position[] | undefined): void {
    if (commit) assertConnector(commit.connector);
    for (const t of batch.topics) assertTopicName(t);
    if (batch.length === 0 && (!commit || commit.sourceOffsets.length === 0)) return this.guard(() => undefined);
    const now = Date.now();
    const ends = this.write((created) => {
      const records = new BatchReader(batch);
      const topics = batch.topics.map(
        (name) => this.topic(name) ?? this.createTopic(name, { partitions: this.defaultPartitions, retentionMs: undefined, retentionBytes: undefined }, created),
      );
      const touched = new Map<TopicMeta, (PartitionWrite | undefined)[]>();
      for (let i = 0; i < batch.length; i++) {
        const topic = topics[records.topicIndex(i)]!;
        const keyText = records.key(i);
        const valueText = records.value(i);
        const headersText = records.headersJson(i);
        const partition = this.choosePartition(topic, records.partition(i), keyText, i);
        const ts = records.timestamp(i) ?? now;
        let writes = touched.get(topic);
        if (!writes) touched.set(topic, (writes = []));
        let w = writes[partition];
        if (!w) {
          const table = partitionTable(topic.id, partition);
          w = writes[partition] = {
            insert: this.tableSql(table, 'insert', 'INSERT INTO $T ("offset", ts, bytes, key, value, headers) VALUES (?, ?, ?, ?, ?, ?)'),
            next: this.nextOffset(topic.id, partition),
            bytes: 0,
          };
        }
        const bytes = byteLength(keyText) + byteLength(valueText) + byteLength(headersText);
        w.insert.run(w.next, ts, bytes, keyText, valueText, headersText);
        if (positions) positions[i] = { topic: topic.name, partition, offset: w.next };
        w.next++;
        w.bytes += bytes;
      }
      const ends: PartitionEnd[] = [];
      const update = this.sql('UPDATE partitions SET next_offset = ?, bytes = bytes + ? WHERE topic_id = ? AND "partition" = ?');
      for (const [topic, writes] of touched) {
        writes.forEach((w, partition) => {
          if (!w) return;
          update.run(w.next, w.bytes, topic.id, partition);
          ends.push({ topic: topic.name, partition, end: w.next });
        });
      }
      if (commit) this.upsertSourceOffsets(commit.connector, commit.sourceOffsets, new Date(now).toISOString());
      return ends;
    });
    if (ends.length > 0) appended.emit(this.channel, ends);
  }

  // ---------------------------------------------------------------------------------------------- source offsets

  async commitSourceOffsets(connector: string, offsets: readonly SourceOffset[]): Promise<void> {
    assertConnector(connector);
    if (offsets.length === 0) return;
    const now = new Date().toISOString();
    this.write(() => this.upsertSourceOffsets(connector, offsets, now));
  }

  async listSourceOffsets(connector: string): Promise<SourceOffset[]> {
    assertConnector(connector);
    return this.guard(() => {
      const rows = this.sql('SELECT partition_json, offset_json FROM source_offsets WHERE connector = ? ORDER BY partition_json')
        .raw()
        .all(connector) as [string, string][];
      return rows.map(([p, o]) => ({ partition: JSON.parse(p) as Record<string, unknown>, offset: JSON.parse(o) as Record<string, unknown> | null }));
    });
  }

  // ---------------------------------------------------------------------------------------------- read

  /**
   * Records of one partition from `offset` on, in offset order. An offset that retention has already deleted
   * is not an error: the read starts at the first retained record (a consumer that fell behind retention moves
   * on, as Kafka's `auto.offset.reset=earliest`); the records' own offsets show the gap. An unknown topic reads
   * as empty (a sink may start before its source has written anything).
   */
  async read(tp: TopicPartition, offset: number, max: number): Promise<LogRecord[]> {
    assertTopicName(tp.topic);
    checkIndex(tp.partition, 'partition');
    checkIndex(offset, 'offset');
    checkIndex(max, 'max');
    return this.guard(() => {
      if (max === 0) return [];
      const topic = this.topic(tp.topic);
      if (!topic) return [];
      this.assertPartition(topic, tp.partition);
      const table = partitionTable(topic.id, tp.partition);
      const rows = this.tableSql(table, 'read', 'SELECT "offset", ts, key, value, headers FROM $T WHERE "offset" >= ? ORDER BY "offset" LIMIT ?', true).all(
        offset,
        max,
      ) as RecordRow[];
      return rows.map(([o, ts, key, value, headers]) => new StoredRecord(topic.name, tp.partition, o, ts, key, value, headers));
    });
  }

  /**
   * Resolves as soon as one of the partitions has a record at or after its position (at once if it already
   * has), on `timeoutMs`, on abort (it resolves, never rejects: check `signal.aborted`), or on close. Appends
   * through any EmbeddedLog of this process wake it immediately; commits by other processes are noticed by
   * polling `PRAGMA data_version` every `pollIntervalMs`. Every timer and listener is removed when it resolves.
   */
  async waitForData(positions: readonly SinkPosition[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    for (const p of positions) {
      assertTopicName(p.topic);
      checkIndex(p.partition, 'partition');
      checkIndex(p.offset, 'offset');
    }
    let version = this.guard(() => this.dataVersion());
    if (signal?.aborted || this.guard(() => this.hasData(positions)) || !(timeoutMs > 0)) return;
    const wanted = new Map<string, number>();
    for (const p of positions) {
      const k = tpKey(p.topic, p.partition);
      wanted.set(k, Math.min(wanted.get(k) ?? Infinity, p.offset));
    }
    await new Promise<void>((resolve) => {
      const onAppend = (ends: readonly PartitionEnd[]): void => {
        for (const e of ends) {
          const want = wanted.get(tpKey(e.topic, e.partition));
          if (want !== undefined && e.end > want) return done();
        }
      };
      const poll = setInterval(() => {
        try {
          if (this.closed) return done();
          this.attach();
          const now = this.dataVersion();
          if (now === version) return;
          version = now;
          if (this.hasData(positions)) done();
        } catch {
          done(); // the caller's next read reports the problem
        }
      }, this.pollIntervalMs);
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => done(), Math.min(timeoutMs, MAX_TIMER_MS)) : undefined;
      const done = (): void => {
        clearInterval(poll);
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        appended.off(this.channel, onAppend);
        this.waiters.delete(done);
        resolve();
      };
      signal?.addEventListener('abort', done, { once: true });
      appended.on(this.channel, onAppend);
      this.waiters.add(done);
    });
  }

  // ---------------------------------------------------------------------------------------------- sinks

  async readSinkCommit(connector: string): Promise<SinkCommit> {
    assertConnector(connector);
    return this.guard(() =>
      this.db.transaction(() => {
        const positions = this.sql('SELECT topic, "partition", "offset" FROM sink_commits WHERE connector = ? ORDER BY topic, "partition"').all(
          connector,
        ) as SinkPosition[];
        const state = this.sql('SELECT state_json FROM sink_state WHERE connector = ?').pluck().get(connector) as string | undefined;
        return state === undefined ? { positions, state: undefined } : { positions, state: JSON.parse(state) as unknown };
      })(),
    );
  }

  /**
   * One transaction: each position is upserted (partitions not named keep their committed position, as with
   * Kafka's commitSync, so tasks of one connector can commit their own partitions), and the state replaces the
   * previous one (`state: undefined` removes it).
   */
  async commitSink(connector: string, commit: SinkCommit): Promise<void> {
    assertConnector(connector);
    for (const p of commit.positions) {
      assertTopicName(p.topic);
      checkIndex(p.partition, 'partition');
      checkIndex(p.offset, 'offset');
    }
    const state = commit.state === undefined ? undefined : stateJson(commit.state);
    const now = new Date().toISOString();
    this.write(() => {
      const upsert = this.sql(
        'INSERT INTO sink_commits (connector, topic, "partition", "offset", updated_at) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (connector, topic, "partition") DO UPDATE SET "offset" = excluded."offset", updated_at = excluded.updated_at',
      );
      for (const p of commit.positions) upsert.run(connector, p.topic, p.partition, p.offset, now);
      if (state === undefined) this.sql('DELETE FROM sink_state WHERE connector = ?').run(connector);
      else {
        this.sql(
          'INSERT INTO sink_state (connector, state_json, updated_at) VALUES (?, ?, ?) ' +
            'ON CONFLICT (connector) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at',
        ).run(connector, state, now);
      }
    });
  }

  async resetOffsets(connector: string): Promise<void> {
    assertConnector(connector);
    this.write(() => {
      this.sql('DELETE FROM source_offsets WHERE connector = ?').run(connector);
      this.sql('DELETE FROM sink_commits WHERE connector = ?').run(connector);
      this.sql('DELETE FROM sink_state WHERE connector = ?').run(connector);
    });
  }

  // ---------------------------------------------------------------------------------------------- retention

  /**
   * Deletes, per partition, the oldest records: first every leading record older than `now - retentionMs`
   * (stopping at the first younger one, as Kafka stops at the first younger segment), then as many more
   * leading records as it takes to bring the partition to `retentionBytes` (a per-partition limit, as Kafka's
   * retention.bytes; a record counts the UTF-8 bytes of its key, value and headers JSON). Offsets are never
   * reused. One short transaction per partition. Returns the number of records removed.
   */
  async enforceRetention(now: number = Date.now()): Promise<number> {
    if (!Number.isFinite(now)) throw invalid(`enforceRetention: now must be a number, got ${now}`);
    const topics = this.guard(() => {
      this.assertWritable();
      return this.sql(
        'SELECT id, name, partitions, created_at, retention_ms, retention_bytes FROM topics WHERE retention_ms IS NOT NULL OR retention_bytes IS NOT NULL',
      ).all() as TopicRow[];
    });
    let removed = 0;
    for (const t of topics) {
      for (let p = 0; p < t.partitions; p++) removed += this.write(() => this.retain(t, p, now));
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
    this.statements.clear();
    this.tableStatements.clear();
    this.topics.clear();
    this.db.close();
  }

  // ---------------------------------------------------------------------------------------------- internals

  private retain(t: TopicRow, partition: number, now: number): number {
    const table = partitionTable(t.id, partition);
    const part = this.sql('SELECT next_offset, bytes FROM partitions WHERE topic_id = ? AND "partition" = ?').get(t.id, partition) as
      | { next_offset: number; bytes: number }
      | undefined;
    if (!part) return 0;
    /** Every offset below `cut` goes. */
    let cut = 0;
    let removedBytes = 0;
    if (t.retention_ms !== null) {
      const young = this.tableSql(table, 'firstYoung', 'SELECT "offset" FROM $T WHERE ts >= ? ORDER BY "offset" LIMIT 1')
        .pluck()
        .get(now - t.retention_ms) as number | undefined;
      cut = young ?? part.next_offset;
      removedBytes = this.tableSql(table, 'bytesBelow', 'SELECT coalesce(sum(bytes), 0) FROM $T WHERE "offset" < ?').pluck().get(cut) as number;
    }
    if (t.retention_bytes !== null && part.bytes - removedBytes > t.retention_bytes) {
      let remaining = part.bytes - removedBytes;
      const rows = this.tableSql(table, 'sizes', 'SELECT "offset", bytes FROM $T WHERE "offset" >= ? ORDER BY "offset"', true).iterate(cut) as IterableIterator<
        [number, number]
      >;
      for (const [offset, bytes] of rows) {
        if (remaining <= t.retention_bytes) break;
        remaining -= bytes;
        cut = offset + 1;
      }
      removedBytes = part.bytes - remaining;
    }
    if (cut === 0) return 0;
    const removed = this.tableSql(table, 'deleteBelow', 'DELETE FROM $T WHERE "offset" < ?').run(cut).changes;
    if (removed > 0) this.sql('UPDATE partitions SET bytes = bytes - ? WHERE topic_id = ? AND "partition" = ?').run(removedBytes, t.id, partition);
    return removed;
  }

  private choosePartition(topic: TopicMeta, explicit: number | undefined, keyText: string | null, i: number): number {
    if (explicit !== undefined) {
      if (explicit >= topic.partitions) {
        throw invalid(`record ${i}: topic '${topic.name}' has no partition ${explicit} (it has ${topic.partitions}: 0..${topic.partitions - 1})`);
      }
      return explicit;
    }
    if (topic.partitions === 1) return 0;
    if (keyText !== null) {
      // Objects hash by their canonical text, so {"a":1,"b":2} and {"b":2,"a":1} land in the same partition.
      const c = keyText.charCodeAt(0);
      const canonical = c === 123 /* { */ || c === 91 /* [ */ ? canonicalJson(JSON.parse(keyText))! : keyText;
      return partitionForKey(canonical, topic.partitions);
    }
    const p = topic.rr % topic.partitions;
    topic.rr = (topic.rr + 1) % topic.partitions;
    return p;
  }

  private upsertSourceOffsets(connector: string, offsets: readonly SourceOffset[], now: string): void {
    const upsert = this.sql(
      'INSERT INTO source_offsets (connector, partition_json, offset_json, updated_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (connector, partition_json) DO UPDATE SET offset_json = excluded.offset_json, updated_at = excluded.updated_at',
    );
    offsets.forEach((o, i) => {
      if (o.partition === null || typeof o.partition !== 'object' || Array.isArray(o.partition)) {
        throw invalid(`source offset ${i}: the partition must be an object`);
      }
      if (o.offset !== null && (typeof o.offset !== 'object' || Array.isArray(o.offset))) {
        throw invalid(`source offset ${i}: the offset must be an object or null`);
      }
      upsert.run(connector, canonical(o.partition, `source offset ${i}: partition`), canonical(o.offset, `source offset ${i}: offset`), now);
    });
  }

  /** Only inside a write transaction; the caller rolls the caches back if the transaction fails. */
  private createTopic(name: string, settings: TopicSettings, created: TopicMeta[]): TopicMeta {
    const id = Number(
      this.sql('INSERT INTO topics (name, partitions, created_at, retention_ms, retention_bytes) VALUES (?, ?, ?, ?, ?)').run(
        name,
        settings.partitions,
        new Date().toISOString(),
        settings.retentionMs ?? null,
        settings.retentionBytes ?? null,
      ).lastInsertRowid,
    );
    const addPartition = this.sql('INSERT INTO partitions (topic_id, "partition", next_offset, bytes) VALUES (?, ?, 0, 0)');
    for (let p = 0; p < settings.partitions; p++) {
      this.db.exec(createPartitionTableSql(id, p));
      addPartition.run(id, p);
    }
    const meta: TopicMeta = { id, name, partitions: settings.partitions, rr: 0 };
    this.topics.set(name, meta);
    created.push(meta);
    return meta;
  }

  /** Cached once seen: a topic's id and partition count never change. */
  private topic(name: string): TopicMeta | undefined {
    const cached = this.topics.get(name);
    if (cached) return cached;
    const row = this.sql('SELECT id, partitions FROM topics WHERE name = ?').get(name) as { id: number; partitions: number } | undefined;
    if (!row) return undefined;
    const meta: TopicMeta = { id: row.id, name, partitions: row.partitions, rr: 0 };
    this.topics.set(name, meta);
    return meta;
  }

  private describe(name: string): TopicInfo | undefined {
    return this.db.transaction(() => {
      const row = this.sql('SELECT id, name, partitions, created_at, retention_ms, retention_bytes FROM topics WHERE name = ?').get(name) as
        | TopicRow
        | undefined;
      return row && this.info(row);
    })();
  }

  private info(row: TopicRow): TopicInfo {
    const ends = this.sql('SELECT "partition", next_offset FROM partitions WHERE topic_id = ? ORDER BY "partition"').raw().all(row.id) as [
      number,
      number,
    ][];
    return {
      name: row.name,
      partitions: row.partitions,
      createdAt: row.created_at,
      offsets: ends.map(([partition, end]) => {
        const first = this.tableSql(partitionTable(row.id, partition), 'first', 'SELECT min("offset") FROM $T').pluck().get() as number | null;
        return { partition, start: first ?? end, end };
      }),
      retentionMs: row.retention_ms ?? undefined,
      retentionBytes: row.retention_bytes ?? undefined,
    };
  }

  private nextOffset(topicId: number, partition: number): number {
    const next = this.sql('SELECT next_offset FROM partitions WHERE topic_id = ? AND "partition" = ?').pluck().get(topicId, partition) as number | undefined;
    if (next === undefined) throw new SluiceError('INTERNAL_ERROR', `embedded log: partition ${partition} of topic #${topicId} has no row`);
    return next;
  }

  private hasData(positions: readonly SinkPosition[]): boolean {
    for (const p of positions) {
      const topic = this.topic(p.topic);
      if (!topic || p.partition >= topic.partitions) continue;
      if (this.nextOffset(topic.id, p.partition) > p.offset) return true;
    }
    return false;
  }

  private dataVersion(): number {
    return this.sql('PRAGMA data_version').pluck().get() as number;
  }

  private assertPartition(topic: TopicMeta, partition: number): void {
    if (partition >= topic.partitions) {
      throw invalid(`topic '${topic.name}' has no partition ${partition} (it has ${topic.partitions}: 0..${topic.partitions - 1})`);
    }
  }

  private sql(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) this.statements.set(text, (stmt = this.db.prepare(text)));
    return stmt;
  }

  /** `$T` in `text` is the table; `raw` statements return rows as arrays. */
  private tableSql(table: string, name: string, text: string, raw = false): Database.Statement {
    let byName = this.tableStatements.get(table);
    if (!byName) this.tableStatements.set(table, (byName = new Map()));
    let stmt = byName.get(name);
    if (!stmt) {
      stmt = this.db.prepare(text.replaceAll('$T', table));
      if (raw) stmt.raw(true);
      byName.set(name, stmt);
    }
    return stmt;
  }

  /**
   * Runs fn in one IMMEDIATE transaction (the write lock from the start, so two writers queue on busy_timeout
   * instead of failing to upgrade). If it fails, topics it created are forgotten along with their statements.
   */
  private write<T>(fn: (created: TopicMeta[]) => T): T {
    return this.guard(() => {
      this.assertWritable();
      const created: TopicMeta[] = [];
      try {
        return this.db.transaction(() => fn(created)).immediate();
      } catch (err) {
        for (const t of created) {
          this.topics.delete(t.name);
          for (let p = 0; p < t.partitions; p++) this.tableStatements.delete(partitionTable(t.id, p));
        }
        throw err;
      }
    });
  }

  private guard<T>(fn: () => T): T {
    if (this.closed) throw new SluiceError('CATALOG_ERROR', 'the embedded log is closed');
    try {
      this.attach();
      return fn();
    } catch (err) {
      throw storageError(err, 'embedded log');
    }
  }

  private assertWritable(): void {
    if (this.isReadonly) throw new SluiceError('CATALOG_ERROR', 'the embedded log was opened read-only');
  }
}

// ------------------------------------------------------------------------------------------------ helpers

interface TopicSettings {
  partitions: number;
  retentionMs: number | undefined;
  retentionBytes: number | undefined;
}

function topicSettings(config: TopicConfig, defaultPartitions: number): TopicSettings {
  return {
    partitions: config.partitions === undefined ? defaultPartitions : checkPartitions(config.partitions, 'partitions'),
    retentionMs: retentionLimit(config.retentionMs, 'retentionMs'),
    retentionBytes: retentionLimit(config.retentionBytes, 'retentionBytes'),
  };
}

/** undefined, null or -1 (Kafka's spelling) mean unlimited. */
function retentionLimit(value: number | undefined | null, what: string): number | undefined {
  if (value === undefined || value === null || value === -1) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(`${what} must be a non-negative integer or -1 (unlimited), got ${String(value)}`);
  return value;
}

function checkPartitions(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PARTITIONS) throw invalid(`${what} must be an integer from 1 to ${MAX_PARTITIONS}, got ${String(n)}`);
  return n;
}

function checkIndex(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`${what} must be a non-negative integer, got ${String(n)}`);
}

function assertConnector(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw invalid('a connector name must be a non-empty string');
}

function stateJson(state: unknown): string {
  try {
    return JSON.stringify(state) ?? 'null';
  } catch (err) {
    throw invalid(`sink state is not JSON-serialisable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function canonical(value: unknown, what: string): string {
  try {
    return canonicalJson(value) ?? 'null';
  } catch (err) {
    throw invalid(`${what} is not JSON-serialisable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function byteLength(text: string | null): number {
  return text === null ? 0 : Buffer.byteLength(text, 'utf8');
}

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function invalid(message: string): SluiceError {
  return new SluiceError('INVALID_ARGUMENT', message);
}

/**
 * SQLite failures become SluiceErrors (CATALOG_ERROR, the code for "the data dir's database could not be read
 * or written"); lock contention, a full disk and I/O errors are marked retriable.
 */
function storageError(err: unknown, context: string): unknown {
  if (err instanceof SluiceError) return err;
  if (isSqliteError(err)) {
    const retriable = isSqliteError(err, 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR');
    return new SluiceError('CATALOG_ERROR', `${context}: ${(err as Error).message}`, { cause: err, retriable });
  }
  return err;
}

function memoryDb(): Database.Database {
  const db = new Database(':memory:');
  configureConnection(db);
  migrate(db, ':memory:', LOG_MIGRATIONS);
  return db;
}

/**
 * No lock, no writes. undefined when there is no log yet (or one still being created: schema version 0). An
 * older schema must be upgraded by a read-write open first.
 */
function openReadonly(file: string): Database.Database | undefined {
  if (!fs.existsSync(file)) return undefined;
  const db = openCatalogFileReadonly(file);
  try {
    const version = assertNotTooNew(db, file, LOG_MIGRATIONS);
    if (version === LATEST_LOG_SCHEMA_VERSION) return db;
    db.close();
    if (version === 0) return undefined;
    throw new SluiceError(
      'CATALOG_ERROR',
      `the embedded log ${file} has schema version ${version}; this Sluice reads version ${LATEST_LOG_SCHEMA_VERSION}`,
      { hint: 'open the data dir read-write once (e.g. sluice run) to upgrade it' },
    );
  } catch (err) {
    if (db.open) db.close();
    throw err;
  }
}
