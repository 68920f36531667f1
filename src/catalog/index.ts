/** The catalog subsystem's one entry point. */
export { Catalog, type CatalogOpenOptions, type CreateConnectorInput } from './catalog.js';
export { DataDirLock } from './lock.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';
export type { ConfigVersion, ConnectorKind, ConnectorRecord, ConnectorStatusRecord, DesiredState, RuntimeState, StatementRecord, TaskStatusRecord } from './types.js';
