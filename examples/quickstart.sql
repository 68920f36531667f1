-- Sluice quick start: a JDBC source reads the `users` table of examples/shop.db incrementally into the topic
-- `jdbc-users`, and a file sink writes each record of that topic as one JSON line to users.jsonl.
-- Run from the repository root:  npx sluice run examples/quickstart.sql --until-idle && cat users.jsonl
-- Safe to run again (IF NOT EXISTS): connectors resume from their committed offsets, nothing is written twice.
DEFINE db = 'examples/shop.db';

CREATE SOURCE CONNECTOR IF NOT EXISTS `jdbc-users` WITH (
  'connector.class'          = 'io.confluent.connect.jdbc.JdbcSourceConnector',
  'connection.url'           = 'jdbc:sqlite:${db}',
  'mode'                     = 'incrementing',
  'incrementing.column.name' = 'id',
  'topic.prefix'             = 'jdbc-',
  'table.whitelist'          = 'users',
  'processing.guarantees'    = 'EFFECTIVELY_ONCE'
);

CREATE SINK CONNECTOR IF NOT EXISTS users_file WITH (
  'connector.class'       = 'FileStreamSink',
  'file'                  = 'users.jsonl',
  'topics'                = 'jdbc-users',
  'processing.guarantees' = 'EFFECTIVELY_ONCE'
);

SHOW CONNECTORS;
