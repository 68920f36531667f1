import { ConnectorConfigError } from '../errors/base.js';
import type { SluiceError } from '../errors/base.js';
import type { ErrorCode } from '../errors/codes.js';
import type { Loc } from '../sql/ast.js';
import { didYouMean } from './did-you-mean.js';
import { UNSUPPORTED_FAMILIES, allFieldsFor, frameworkField, frameworkFieldsFor, frameworkProblems } from './framework.js';
import { GUARANTEES } from './schema.js';
import type { ConfigField, ConnectorDefinition, Guarantee } from './schema.js';
import { MASK, isSecretKey } from './secrets.js';
import { maskUrlSecrets } from './url-secrets.js';
import { checkValue, findField, matchAllowed } from './values.js';

/**
 * The rules shared by CREATE and ALTER: one config, each key possibly carrying where it was written.
 * CREATE locates every key; ALTER only the keys it changed, and `locate` decides where the rest point.
 */

export interface LocatedValue {
  value: string;
  keyLoc?: Loc | undefined;
  valueLoc?: Loc | undefined;
}

export interface CheckInput {
  /** Undefined when connector.class could not be resolved: only framework keys can then be judged. */
  definition: ConnectorDefinition | undefined;
  kind: 'source' | 'sink';
  entries: ReadonlyMap<string, LocatedValue>;
  /** Where a problem with a key that carries no location of its own points. */
  locate: (key: string) => Loc;
  defaultUnknownKeys?: 'error' | 'warn' | undefined;
}

export interface CheckResult {
  config: Record<string, string>;
  errors: SluiceError[];
  warnings: string[];
}

export function configError(code: ErrorCode, message: string, loc: Loc, hint?: string): SluiceError {
  return new ConnectorConfigError(code, message, { loc, hint });
}

function quoted(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

function where(loc: Loc | undefined): string {
  return loc ? ` at line ${loc.line}, column ${loc.column}` : '';
}

function unknownKeyHint(key: string, fields: readonly ConfigField[]): { hint?: string; guess?: string } {
  const family = UNSUPPORTED_FAMILIES.find((u) => key === u.prefix || key.startsWith(`${u.prefix}.`));
  if (family) return { hint: family.hint };
  // A prefix family is offered as "family + the rest of the key", so 'value.convertor.x' suggests 'value.converter.x'.
  const exact = fields.filter((f) => !f.prefix).map((f) => f.key);
  const families = fields.filter((f) => f.prefix && key.length > f.key.length).map((f) => f.key + key.slice(f.key.length));
  const guess = didYouMean(key, [...exact, ...families]);
  return guess === undefined ? {} : { hint: `did you mean '${guess}'?`, guess };
}

function unknownKeyMode(input: CheckInput): 'error' | 'warn' {
  const f = frameworkField.unknownKeys;
  const given = input.entries.get(f.key);
  const chosen = given === undefined ? undefined : matchAllowed(f, given.value.trim());
  return (chosen ?? input.defaultUnknownKeys ?? f.default) === 'warn' ? 'warn' : 'error';
}

export function checkConfig(input: CheckInput): CheckResult {
  const { definition: def, entries, locate } = input;
  const fields = def ? allFieldsFor(def) : frameworkFieldsFor(input.kind);
  const unknownMode = unknownKeyMode(input);
  const config: Record<string, string> = {};
  const errors: SluiceError[] = [];
  const warnings: string[] = [];
  const shown = (key: string, value: string) => (isSecretKey(key, def) ? MASK : `'${maskUrlSecrets(value, MASK)}'`);
  /**
   * Keys an unknown key was refused as a misspelling of: one mistake gets one error, the did-you-mean where the
   * mistake is written, not a second "missing" error at the statement for the key the user meant to give.
   */
  const meant = new Set<string>();

  for (const [key, entry] of entries) {
    const f = findField(fields, key);
    if (f === undefined) {
      // Without a definition there is no schema to call a key unknown against.
      if (def === undefined) config[key] = entry.value;
      else if (unknownMode === 'warn') {
        config[key] = entry.value;
        const { hint } = unknownKeyHint(key, fields);
        const why = `kept because '${frameworkField.unknownKeys.key}' is 'warn'`;
        warnings.push(`unknown key '${key}'${where(entry.keyLoc)} ${why}${hint ? `; ${hint}` : ''}`);
      } else {
        const { hint, guess } = unknownKeyHint(key, fields);
        if (guess !== undefined && !entries.has(guess)) meant.add(guess);
        errors.push(configError('UNKNOWN_CONFIG_KEY', `'${key}' is not a key of connector ${def.name}`, entry.keyLoc ?? locate(key), hint));
      }
      continue;
    }
    config[key] = entry.value;
    // A statement recalled from masked history would otherwise set the password to eight asterisks.
    if (entry.value === MASK && isSecretKey(key, def)) {
      errors.push(
        configError('INVALID_CONFIG_VALUE', `'${MASK}' is how Sluice shows a secret, not a value for '${key}'`, entry.valueLoc ?? locate(key), 'write the real value (or a ${variable} holding it)'),
      );
      continue;
    }
    // connector.class was already judged by resolving it against the registry.
    if (f === frameworkField.connectorClass) continue;
    const loc = entry.valueLoc ?? locate(key);
    if (f.required && entry.value.trim() === '') {
      errors.push(configError('INVALID_CONFIG_VALUE', `'${key}' is required and must not be empty`, loc, f.description));
      continue;
    }
    const expected = checkValue(f, entry.value);
    if (expected !== undefined) {
      const guess = f.allowed ? didYouMean(entry.value, f.allowed.filter((a) => a !== '')) : undefined;
      const message = `invalid value ${shown(key, entry.value)} for '${key}': ${expected}`;
      errors.push(configError('INVALID_CONFIG_VALUE', message, loc, guess && `did you mean '${guess}'?`));
    } else if (f === frameworkField.processingGuarantees) {
      config[key] = entry.value.trim().toUpperCase();
    }
    if (f.kafkaOnly && !f.kafkaOnly.except?.includes(key)) {
      warnings.push(`'${key}'${where(entry.keyLoc)} has no effect on the embedded log: only a Kafka log uses it`);
    }
  }

  for (const f of fields) {
    if (!f.required || f.prefix || entries.has(f.key) || meant.has(f.key) || f === frameworkField.connectorClass) continue;
    const options = f.allowed ? ` (one of ${quoted(f.allowed)})` : '';
    errors.push(configError('MISSING_REQUIRED_CONFIG', `missing required key '${f.key}'${options}`, locate(f.key), `add '${f.key}' = … (${f.description.replace(/\.$/, '')})`));
  }

  if (def !== undefined) {
    const problems = [...frameworkProblems(def.kind, config), ...(def.validate?.(config) ?? [])];
    for (const p of problems) {
      if (p.code === 'MISSING_REQUIRED_CONFIG' && meant.has(p.key)) continue;
      const entry = entries.get(p.key);
      const loc = p.code === 'INVALID_CONFIG_VALUE' || entry?.value.trim() === '' ? entry?.valueLoc : undefined;
      errors.push(configError(p.code, p.message, loc ?? locate(p.key)));
    }
    const guaranteeError = checkGuarantee(def, config, entries, locate);
    if (guaranteeError) errors.push(guaranteeError);
  }
  return { config, errors, warnings };
}

function guaranteeReason(def: ConnectorDefinition, config: Record<string, string>, g: Guarantee): string | undefined {
  if (!def.guarantees.includes(g)) return `${def.name} never provides ${g}`;
  return def.guaranteeProblem?.(config, g);
}

/** Refuses, never downgrades: a guarantee the config cannot keep is an error naming what it can keep instead. */
function checkGuarantee(
  def: ConnectorDefinition,
  config: Record<string, string>,
  entries: ReadonlyMap<string, LocatedValue>,
  locate: (key: string) => Loc,
): SluiceError | undefined {
  const f = frameworkField.processingGuarantees;
  const given = entries.get(f.key);
  const wanted = matchAllowed(f, (given?.value ?? f.default ?? '').trim().toUpperCase()) as Guarantee | undefined;
  if (wanted === undefined) return undefined; // already reported as an invalid value
  const reason = guaranteeReason(def, config, wanted);
  if (reason === undefined) return undefined;
  const possible = GUARANTEES.filter((g) => guaranteeReason(def, config, g) === undefined);
  const instead = possible.length > 0 ? `; it can provide ${possible.join(', ')}` : '; it can provide no guarantee with this configuration';
  const strongest = possible[possible.length - 1];
  return configError(
    'UNSUPPORTED_GUARANTEE',
    `connector ${def.name} cannot provide ${wanted} with this configuration: ${reason}${instead}`,
    given?.valueLoc ?? locate(f.key),
    strongest && `set '${f.key}'='${strongest}'`,
  );
}
