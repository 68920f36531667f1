import { CatalogError, SluiceError } from '../errors/base.js';
import type { ConfigVersion, ConnectorKind, ConnectorRecord, DesiredState, StatementRecord } from './types.js';

/** Row shapes exactly as SQLite returns them (snake_case, 0/1 for booleans, JSON text for configs). */
export interface ConnectorRow {
  id: number;
  name: string;
  type: string;
  class_name: string;
  config: string;
  desired_state: string;
  restart_generation: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConfigVersionRow {
  connector_id: number;
  name: string;
  version: number;
  config: string;
  statement_text: string;
  change: string;
  created_at: string;
}

export interface StatementRow {
  id: number;
  executed_at: string;
  kind: string;
  text: string;
  ok: number;
  error_code: string | null;
  source: string | null;
}

/** Configs are flat string maps; anything else is a caller bug, caught before it reaches the file. */
export function encodeConfig(config: Record<string, string>): string {
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') {
      throw new SluiceError('INTERNAL_ERROR', `config value of '${key}' is a ${typeof value}, not a string`);
    }
  }
  return JSON.stringify(config);
}

function decodeConfig(text: string, where: string): Record<string, string> {
  const parsed: unknown = JSON.parse(text);
  const ok =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => typeof v === 'string');
  if (!ok) throw new CatalogError('CATALOG_ERROR', `catalog holds a malformed config for ${where}`);
  return parsed as Record<string, string>;
}

export function toConnector(row: ConnectorRow): ConnectorRecord {
  return {
    id: row.id,
    name: row.name,
    // The table's CHECK constraints guarantee these unions.
    type: row.type as ConnectorKind,
    className: row.class_name,
    config: decodeConfig(row.config, `connector '${row.name}'`),
    desiredState: row.desired_state as DesiredState,
    restartGeneration: row.restart_generation,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toConfigVersion(row: ConfigVersionRow): ConfigVersion {
  return {
    connectorId: row.connector_id,
    name: row.name,
    version: row.version,
    config: decodeConfig(row.config, `connector '${row.name}' version ${row.version}`),
    statementText: row.statement_text,
    change: row.change as ConfigVersion['change'],
    createdAt: row.created_at,
  };
}

export function toStatement(row: StatementRow): StatementRecord {
  const record: StatementRecord = { id: row.id, executedAt: row.executed_at, kind: row.kind, text: row.text, ok: row.ok === 1 };
  // Absent rather than undefined, so records compare equal to what was recorded.
  if (row.error_code !== null) record.errorCode = row.error_code;
  if (row.source !== null) record.source = row.source;
  return record;
}
