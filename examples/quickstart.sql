-- Sluice quick start: a JDBC source that reads the `users` table of a SQLite database incrementally, and a
-- file sink that writes every record of its topic as one JSON line. Safe to run again: IF NOT EXISTS.
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
  'connector.class' = 'FileStreamSink',
  'file'            = 'users.jsonl',
  'topics'          = 'jdbc-users'
);

SHOW CONNECTORS;
DESCRIBE CONNECTOR `jdbc-users`;
