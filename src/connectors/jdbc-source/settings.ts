/** A JDBC source config read once into typed settings (keys and defaults come from the schema in index.ts). */

import { resolve } from 'node:path';
import type { ConfigMap } from '../api.js';
import { frameworkField } from '../framework.js';
import { listValue, valueOf, type ConfigField } from '../schema.js';
import { jdbcField as F, wholeMatch } from './index.js';
import { parseJdbcUrl, type Target } from './url.js';
import type { DecimalFormat, Granularity, NumericMapping } from './values.js';

export type Mode = 'bulk' | 'incrementing' | 'timestamp' | 'timestamp+incrementing';

export interface Settings {
  target: Target;
  user: string | undefined;
  password: string | undefined;
  attempts: number;
  backoffMs: number;
  mode: Mode;
  /** Empty: auto-detect the auto-increment column. */
  incrementingColumn: string;
  timestampColumns: string[];
  /** Epoch ms; -1 = the database's now; null = epoch 0. */
  timestampInitial: number | null;
  delayMs: number;
  granularity: Granularity;
  zone: string;
  whitelist: string[];
  blacklist: string[];
  /** table.include.list / table.exclude.list, compiled to match a whole name. */
  include: RegExp[];
  exclude: RegExp[];
  tableTypes: string[];
  schemaPattern: string | undefined;
  catalogPattern: string | undefined;
  /** Custom query ('' = table mode). */
  query: string;
  querySuffix: string;
  topicPrefix: string;
  pollIntervalMs: number;
  tablePollIntervalMs: number;
  batchMaxRows: number;
  validateNonNull: boolean;
  numericMapping: NumericMapping;
  key: string | undefined;
  valueEnvelope: boolean;
  keyEnvelope: boolean;
  decimalFormat: DecimalFormat;
}

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
/** JsonConverter's own setting names, read under the value.converter. / key.converter. prefixes. */
const SCHEMAS_ENABLE = 'schemas.enable';
const DECIMAL_FORMAT = 'decimal.format';

function str(config: ConfigMap, f: ConfigField): string {
  return (valueOf(config, f) ?? '').trim();
}

function num(config: ConfigMap, f: ConfigField): number {
  return Number(str(config, f));
}

function optional(config: ConfigMap, f: ConfigField): string | undefined {
  const v = valueOf(config, f);
  return v === undefined || v.trim() === '' ? undefined : v;
}

/**
 * Kafka Connect semantics: `<prefix>schemas.enable` decides; unset, an explicit JsonConverter means true (its
 * default) and anything else (the platform's default converter) means plain values.
 */
function schemasEnabled(config: ConfigMap, converter: ConfigField, props: ConfigField): boolean {
  const explicit = config[props.key + SCHEMAS_ENABLE];
  if (explicit !== undefined) return explicit.trim().toLowerCase() === 'true';
  return str(config, converter) === JSON_CONVERTER;
}

export function parseSettings(config: ConfigMap, cwd: string = process.cwd()): Settings {
  const initial = optional(config, F.timestampInitial);
  const mapping = (optional(config, F.numericMapping) ?? 'none').toLowerCase() as NumericMapping;
  const decimalFormat = (config[frameworkField.valueConverterProps.key + DECIMAL_FORMAT] ?? 'BASE64').trim().toUpperCase();
  return {
    target: parseJdbcUrl(str(config, F.url), cwd, resolve),
    user: optional(config, F.user),
    password: valueOf(config, F.password),
    attempts: Math.max(1, num(config, F.attempts) || 1),
    backoffMs: Math.max(0, num(config, F.backoff) || 0),
    mode: str(config, F.mode) as Mode,
    incrementingColumn: str(config, F.incrementingColumn),
    timestampColumns: listValue(config, F.timestampColumn),
    timestampInitial: initial === undefined ? null : Number(initial),
    delayMs: num(config, F.timestampDelay) || 0,
    granularity: (str(config, F.timestampGranularity) || 'connect_logical') as Granularity,
    zone: str(config, F.timezone) || 'UTC',
    whitelist: listValue(config, F.whitelist),
    blacklist: listValue(config, F.blacklist),
    include: listValue(config, F.includeList).map(wholeMatch),
    exclude: listValue(config, F.excludeList).map(wholeMatch),
    tableTypes: listValue(config, F.tableTypes).map((t) => t.toUpperCase()),
    schemaPattern: optional(config, F.schemaPattern),
    catalogPattern: optional(config, F.catalogPattern),
    query: str(config, F.query).replace(/;\s*$/, ''),
    querySuffix: str(config, F.querySuffix),
    topicPrefix: valueOf(config, F.topicPrefix) ?? '',
    pollIntervalMs: Math.max(1, num(config, F.pollInterval) || 1),
    tablePollIntervalMs: Math.max(1, num(config, F.tablePollInterval) || 1),
    batchMaxRows: Math.max(1, num(config, F.batchMaxRows) || 1),
    validateNonNull: str(config, F.validateNonNull).toLowerCase() !== 'false',
    numericMapping: mapping,
    key: optional(config, F.key)?.trim(),
    valueEnvelope: schemasEnabled(config, frameworkField.valueConverter, frameworkField.valueConverterProps),
    keyEnvelope: schemasEnabled(config, frameworkField.keyConverter, frameworkField.keyConverterProps),
    decimalFormat: decimalFormat === 'NUMERIC' ? 'NUMERIC' : 'BASE64',
  };
}

export const usesIncrementing = (m: Mode) => m === 'incrementing' || m === 'timestamp+incrementing';
export const usesTimestamp = (m: Mode) => m === 'timestamp' || m === 'timestamp+incrementing';
