/**
 * Connector config schemas as data. A schema is the one source of truth for a connector's keys: validation,
 * defaults, docs, DESCRIBE, did-you-mean and secret masking all read it, so no key string is written twice.
 */

import type { ConnectorRuntime } from './api.js';

export type Guarantee = 'ATMOST_ONCE' | 'ATLEAST_ONCE' | 'EFFECTIVELY_ONCE';
/** Weakest first, so "what can it provide instead" lists read naturally. */
export const GUARANTEES: readonly Guarantee[] = ['ATMOST_ONCE', 'ATLEAST_ONCE', 'EFFECTIVELY_ONCE'];

/** Kafka Connect's ConfigDef types (SHORT is folded into int with a max). */
export type ConfigType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'list' | 'password' | 'class';

export interface ConfigField {
  key: string;
  type: ConfigType;
  description: string;
  /** undefined = no default; null = "unset" is meaningful (e.g. no file means stdin). */
  default?: string | null;
  required?: boolean;
  allowed?: readonly string[];
  /** Allowed values match ignoring case, as Kafka Connect's CaseInsensitiveValidString. */
  caseInsensitive?: boolean;
  secret?: boolean;
  min?: number;
  max?: number;
  group?: string;
  importance?: 'high' | 'medium' | 'low';
  /** The key is a prefix family such as 'value.converter.' matching any longer key that starts with it. */
  prefix?: boolean;
  /**
   * Only a Kafka log uses this key: given for the embedded log, it is kept and a warning says it has no effect.
   * For a prefix family, every key but those in `except`.
   */
  kafkaOnly?: { except?: readonly string[] };
}

export interface ConfigProblem {
  key: string;
  code: 'INVALID_CONFIG_VALUE' | 'MISSING_REQUIRED_CONFIG';
  message: string;
}

export type ConfigMap = Readonly<Record<string, string>>;

export interface ConnectorDefinition {
  /** Short Sluice name, e.g. 'jdbc-source'. */
  name: string;
  kind: 'source' | 'sink';
  /** Canonical Kafka Connect class. */
  className: string;
  aliases: readonly string[];
  version: string;
  summary: string;
  /** Connector-specific keys only; framework keys come from framework.ts. */
  fields: readonly ConfigField[];
  /** What the connector can ever provide; guaranteeProblem narrows it per config. */
  guarantees: readonly Guarantee[];
  /** Why this config cannot provide `g`, or undefined when it can. */
  guaranteeProblem?(config: ConfigMap, g: Guarantee): string | undefined;
  /** Cross-field rules; single-field type/allowed/required checks are done from the schema. */
  validate?(config: ConfigMap): ConfigProblem[];
  /**
   * The half that moves data, loaded only when a connector runs, so validating a statement never loads a
   * database driver.
   */
  load?(): Promise<ConnectorRuntime>;
}

/** Everything of a field except what its declaring helper fixes. */
export type FieldOptions = Omit<ConfigField, 'key' | 'type' | 'description'>;

function declare(type: ConfigType) {
  return (key: string, description: string, options: FieldOptions = {}): ConfigField => ({
    key,
    type,
    description,
    ...options,
  });
}

/** Terse field declarations: `field.int('batch.size', 'Max records per poll.', { default: '2000', min: 1 })`. */
export const field = {
  string: declare('string'),
  int: declare('int'),
  long: declare('long'),
  double: declare('double'),
  boolean: declare('boolean'),
  list: declare('list'),
  password: (key: string, description: string, options: FieldOptions = {}): ConfigField => ({
    key,
    type: 'password',
    description,
    secret: true,
    ...options,
  }),
  class: declare('class'),
  /** A prefix family; the key must end with '.' so 'a.b.' never matches 'a.bc'. */
  prefix: (key: string, description: string, options: FieldOptions = {}): ConfigField => {
    if (!key.endsWith('.')) throw new Error(`prefix field '${key}' must end with '.'`);
    return { key, type: 'string', description, prefix: true, ...options };
  },
};

/** The value a config gives a field, falling back to the field's default (null/undefined → undefined). */
export function valueOf(config: ConfigMap, f: ConfigField): string | undefined {
  return config[f.key] ?? f.default ?? undefined;
}

/** True when the field has a non-blank value (given or default). */
export function isSet(config: ConfigMap, f: ConfigField): boolean {
  return (valueOf(config, f) ?? '').trim() !== '';
}

/** Kafka Connect list syntax: comma-separated, items trimmed, blanks dropped. */
export function listValue(config: ConfigMap, f: ConfigField): string[] {
  return (valueOf(config, f) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
