/** The embedded (default) platform log. */
export { EmbeddedLog, MAX_PARTITIONS, DEFAULT_POLL_INTERVAL_MS, type EmbeddedLogOptions } from './embedded-log.js';
export { LOG_FILE, LOG_MIGRATIONS, LATEST_LOG_SCHEMA_VERSION } from './schema.js';
export { canonicalJson, isValidTopicName, murmur2, partitionForKey } from './keys.js';
