import type { Migration } from '../../catalog/migrations.js';

/** The log's file in the data dir, beside the catalog's `catalog.db`. */
export const LOG_FILE = 'log.db';

/**
 * The log schema as ordered migrations, applied by the catalog's `migrate()` (same rules: `PRAGMA user_version`
 * says how far, each step is one transaction, never edit a released step).
 *
 * Records live in one rowid table per topic partition (see `partitionTable`), created with the topic. They are
 * not part of a migration: a later migration that changes their layout must loop over `partitions`.
 */
export const LOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'topics, partitions, source offsets, sink commits',
    up: `
      CREATE TABLE schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
      );

      -- AUTOINCREMENT: a topic id (and so a partition table name) is never reused.
      CREATE TABLE topics (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        name            TEXT NOT NULL UNIQUE,
        partitions      INTEGER NOT NULL CHECK (partitions >= 1),
        created_at      TEXT NOT NULL,
        retention_ms    INTEGER CHECK (retention_ms IS NULL OR retention_ms >= 0),
        retention_bytes INTEGER CHECK (retention_bytes IS NULL OR retention_bytes >= 0)
      );

      -- One row per topic partition, written in the same transaction as its records: the next offset survives
      -- retention deleting every record (offsets are never reused), and the retained byte total lets size
      -- retention run without summing the partition.
      CREATE TABLE partitions (
        topic_id    INTEGER NOT NULL REFERENCES topics (id),
        "partition" INTEGER NOT NULL CHECK ("partition" >= 0),
        next_offset INTEGER NOT NULL CHECK (next_offset >= 0),
        bytes       INTEGER NOT NULL CHECK (bytes >= 0),
        PRIMARY KEY (topic_id, "partition")
      ) WITHOUT ROWID;

      -- partition_json is canonical JSON (object keys sorted at every level), so one source partition is one row.
      CREATE TABLE source_offsets (
        connector      TEXT NOT NULL,
        partition_json TEXT NOT NULL CHECK (json_valid(partition_json)),
        offset_json    TEXT NOT NULL CHECK (json_valid(offset_json)),
        updated_at     TEXT NOT NULL,
        PRIMARY KEY (connector, partition_json)
      ) WITHOUT ROWID;

      CREATE TABLE sink_commits (
        connector  TEXT NOT NULL,
        topic      TEXT NOT NULL,
        "partition" INTEGER NOT NULL CHECK ("partition" >= 0),
        "offset"   INTEGER NOT NULL CHECK ("offset" >= 0),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (connector, topic, "partition")
      ) WITHOUT ROWID;

      CREATE TABLE sink_state (
        connector  TEXT PRIMARY KEY,
        state_json TEXT NOT NULL CHECK (json_valid(state_json)),
        updated_at TEXT NOT NULL
      );
    `,
  },
];

export const LATEST_LOG_SCHEMA_VERSION: number = LOG_MIGRATIONS.at(-1)?.version ?? 0;

/**
 * The records table of one partition. Built only from integers (the topic's row id and the partition number),
 * never from a topic name, so no user text ever reaches SQL as an identifier.
 */
export function partitionTable(topicId: number, partition: number): string {
  if (!Number.isSafeInteger(topicId) || topicId < 1 || !Number.isSafeInteger(partition) || partition < 0) {
    throw new Error(`bad partition table ids ${topicId}/${partition}`);
  }
  return `p${topicId}_${partition}`;
}

/**
 * `offset` is the rowid, so an append is a b-tree append and a read is a range scan. `ts` and `bytes` come before
 * the payload columns: retention reads them without touching key/value (which may spill to overflow pages).
 * key and value are JSON text, SQL NULL for JSON null; headers JSON text or NULL when there are none.
 */
export function createPartitionTableSql(topicId: number, partition: number): string {
  return `CREATE TABLE ${partitionTable(topicId, partition)} (
    "offset" INTEGER PRIMARY KEY,
    ts       INTEGER NOT NULL,
    bytes    INTEGER NOT NULL,
    key      TEXT,
    value    TEXT,
    headers  TEXT
  )`;
}
