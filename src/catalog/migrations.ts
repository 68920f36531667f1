/**
 * The catalog schema as an ordered list of migrations. `PRAGMA user_version` records the last one applied.
 * Never edit a released migration: append a new one, so every existing catalog walks the same path.
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'connectors, config versions, statement history',
    up: `
      -- Which migrations ran and when: user_version says how far, this says when (for support questions).
      CREATE TABLE schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
      );

      -- A DROP only marks the row (dropped_at) so its config versions stay valid history, and so runtime
      -- tables added later can reference connectors(id) without dangling. AUTOINCREMENT keeps ids from
      -- ever being reused: a re-created connector of the same name is a different connector.
      CREATE TABLE connectors (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        name               TEXT NOT NULL,
        type               TEXT NOT NULL CHECK (type IN ('SOURCE', 'SINK')),
        class_name         TEXT NOT NULL,
        config             TEXT NOT NULL CHECK (json_valid(config) AND json_type(config) = 'object'),
        desired_state      TEXT NOT NULL CHECK (desired_state IN ('RUNNING', 'PAUSED')),
        restart_generation INTEGER NOT NULL DEFAULT 0,
        version            INTEGER NOT NULL,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        dropped_at         TEXT
      );
      -- Names are unique among live connectors only.
      CREATE UNIQUE INDEX connectors_live_name ON connectors (name) WHERE dropped_at IS NULL;
      CREATE INDEX connectors_name ON connectors (name, id);

      -- Every CREATE and ALTER, with the (masked) statement that caused it.
      CREATE TABLE config_versions (
        connector_id   INTEGER NOT NULL REFERENCES connectors (id),
        version        INTEGER NOT NULL,
        config         TEXT NOT NULL CHECK (json_valid(config) AND json_type(config) = 'object'),
        statement_text TEXT NOT NULL,
        change         TEXT NOT NULL CHECK (change IN ('CREATE', 'ALTER')),
        created_at     TEXT NOT NULL,
        PRIMARY KEY (connector_id, version)
      );

      CREATE TABLE statements (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        executed_at TEXT NOT NULL,
        kind        TEXT NOT NULL,
        text        TEXT NOT NULL,
        ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
        error_code  TEXT,
        source      TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'runtime status',
    up: `
      -- What the runtime last observed per connector (state, tasks, traces, counters), as one JSON document:
      -- it is written whole on every state change and read whole by DESCRIBE, never queried by field.
      CREATE TABLE connector_status (
        connector_id INTEGER PRIMARY KEY REFERENCES connectors (id),
        status       TEXT NOT NULL CHECK (json_valid(status)),
        updated_at   TEXT NOT NULL
      );
    `,
  },
];

/** The schema version this build writes. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;
