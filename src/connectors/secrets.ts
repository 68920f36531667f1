import { allFieldsFor, frameworkFieldsFor } from './framework.js';
import type { ConnectorDefinition } from './schema.js';
import { findField } from './values.js';

/** Keys that look secret whatever the schema says, so keys passed through prefix families are covered too. */
export const SECRET_KEY_PATTERN = /password|secret|token|credential|api[._-]?key/i;
// A JAAS config embeds the password inline (e.g. consumer.override.sasl.jaas.config), without saying so in its name.
const JAAS_CONFIG = /(^|\.)sasl\.jaas\.config$/i;

export const MASK = '********';

export function isSecretKey(key: string, def?: ConnectorDefinition): boolean {
  // Without a definition the framework fields of either kind still apply.
  const fields = def ? allFieldsFor(def) : [...frameworkFieldsFor('source'), ...frameworkFieldsFor('sink')];
  const f = findField(fields, key);
  if (f && (f.secret === true || f.type === 'password')) return true;
  return SECRET_KEY_PATTERN.test(key) || JAAS_CONFIG.test(key);
}

/** A copy safe to show in DESCRIBE, logs and errors. */
export function maskConfig(config: Readonly<Record<string, string>>, def?: ConnectorDefinition): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) masked[key] = isSecretKey(key, def) ? MASK : value;
  return masked;
}
