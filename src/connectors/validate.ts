import type { SluiceError } from '../errors/base.js';
import type { Loc, Property } from '../sql/ast.js';
import { checkConfig, configError } from './check-config.js';
import type { LocatedValue } from './check-config.js';
import { frameworkField } from './framework.js';
import { ConnectorRegistry } from './registry.js';
import type { ConnectorDefinition } from './schema.js';

export interface ConnectorConfigInput {
  connectorType: 'SOURCE' | 'SINK';
  typeLoc: Loc;
  statementLoc: Loc;
  properties: readonly Property[];
  registry: ConnectorRegistry;
  /** The session's choice when the statement does not set sluice.unknown.keys itself. */
  defaultUnknownKeys?: 'error' | 'warn';
}

export interface ConnectorConfigResult {
  definition?: ConnectorDefinition;
  /** The given keys only (no defaults filled in), values as strings, processing.guarantees in upper case. */
  config: Record<string, string>;
  /** Every problem found, in text order. */
  errors: SluiceError[];
  warnings: string[];
}

function byPosition(errors: SluiceError[]): SluiceError[] {
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.loc?.offset ?? -1) - (b.e.loc?.offset ?? -1) || a.i - b.i)
    .map(({ e }) => e);
}

function knownClasses(registry: ConnectorRegistry): string {
  return registry
    .list()
    .map((d) => d.className)
    .join(', ');
}

function resolveClass(input: ConnectorConfigInput, given: Property | undefined, errors: SluiceError[]): ConnectorDefinition | undefined {
  const key = frameworkField.connectorClass.key;
  const { registry } = input;
  if (given === undefined || given.valueKind === 'null') {
    const at = given?.valueLoc ?? input.statementLoc;
    errors.push(configError('MISSING_CONNECTOR_CLASS', `missing required key '${key}'`, at, `known classes: ${knownClasses(registry)}`));
    return undefined;
  }
  const name = given.value.trim();
  const def = name === '' ? undefined : registry.resolve(given.value);
  if (def === undefined) {
    const what = name === '' ? `'${key}' is empty` : `'${key}' names no known connector: '${given.value}'`;
    const guess = registry.suggest(given.value);
    const message = `${what}; known classes: ${knownClasses(registry)}`;
    errors.push(configError('UNKNOWN_CONNECTOR_CLASS', message, given.valueLoc, guess && `did you mean '${guess}'?`));
    return undefined;
  }
  const wanted = input.connectorType === 'SOURCE' ? 'source' : 'sink';
  if (def.kind !== wanted) {
    errors.push(
      configError(
        'CONNECTOR_TYPE_MISMATCH',
        `${given.value} is a ${def.kind} connector: write CREATE ${def.kind.toUpperCase()} CONNECTOR`,
        input.typeLoc,
      ),
    );
  }
  return def;
}

/** Validates CREATE SOURCE|SINK CONNECTOR ... WITH (...) and reports every problem at once. */
export function validateConnectorConfig(input: ConnectorConfigInput): ConnectorConfigResult {
  const errors: SluiceError[] = [];
  const entries = new Map<string, LocatedValue>();
  const first = new Map<string, Property>();
  /** Keys given as NULL: not set (Kafka Connect's PATCH uses null the same way), so their defaults apply. */
  const nulls = new Map<string, Loc>();
  for (const p of input.properties) {
    const earlier = first.get(p.key);
    if (earlier) {
      const at = `line ${earlier.keyLoc.line}, column ${earlier.keyLoc.column}`;
      errors.push(configError('DUPLICATE_CONFIG_KEY', `'${p.key}' is given twice (first at ${at})`, p.keyLoc));
      continue;
    }
    first.set(p.key, p);
    if (p.valueKind === 'null') nulls.set(p.key, p.valueLoc);
    else entries.set(p.key, { value: p.value, keyLoc: p.keyLoc, valueLoc: p.valueLoc });
  }
  const classGiven = first.get(frameworkField.connectorClass.key);
  const definition = resolveClass(input, classGiven, errors);
  const checked = checkConfig({
    definition,
    // An unresolved class still lets the framework keys of the stated kind be judged.
    kind: definition?.kind ?? (input.connectorType === 'SOURCE' ? 'source' : 'sink'),
    entries,
    // A required key given as NULL is missing where the NULL is written.
    locate: (key) => nulls.get(key) ?? input.statementLoc,
    defaultUnknownKeys: input.defaultUnknownKeys,
  });
  const result: ConnectorConfigResult = {
    config: checked.config,
    errors: byPosition([...errors, ...checked.errors]),
    warnings: checked.warnings,
  };
  if (definition) result.definition = definition;
  return result;
}

export interface AlteredConfigInput {
  definition: ConnectorDefinition;
  /** The whole config after applying SET/UNSET to the stored one. */
  config: Readonly<Record<string, string>>;
  /** Each key the ALTER statement set or unset, with where it was written. */
  changedLocs: ReadonlyMap<string, Loc>;
  /** Where each value the statement SET was written: value errors point there. */
  valueLocs?: ReadonlyMap<string, Loc>;
  statementLoc: Loc;
  defaultUnknownKeys?: 'error' | 'warn';
}

/**
 * Re-validates a merged config after ALTER ... SET/UNSET with the same rules as CREATE. Problems on unchanged
 * keys point at the first change, since the stored config passed before the statement touched it.
 */
export function validateAlteredConfig(input: AlteredConfigInput): Omit<ConnectorConfigResult, 'definition'> {
  const { definition: def, changedLocs } = input;
  const errors: SluiceError[] = [];
  const firstChange = [...changedLocs.values()].sort((a, b) => a.offset - b.offset)[0];
  const classKey = frameworkField.connectorClass.key;
  const classLoc = changedLocs.get(classKey);
  const newClass = input.config[classKey];
  if (classLoc && (newClass === undefined || new ConnectorRegistry([def]).resolve(newClass) !== def)) {
    const message = `'${classKey}' cannot be changed by ALTER (connector is ${def.className})`;
    errors.push(configError('IMMUTABLE_CONFIG_KEY', message, classLoc, 'drop the connector and create it again'));
  }
  const entries = new Map<string, LocatedValue>();
  for (const [key, value] of Object.entries(input.config)) {
    const loc = changedLocs.get(key);
    entries.set(key, { value, keyLoc: loc, valueLoc: input.valueLocs?.get(key) ?? loc });
  }
  const checked = checkConfig({
    definition: def,
    kind: def.kind,
    entries,
    // An unset key is absent from the config, so its UNSET position is where a "missing" error belongs.
    locate: (key) => input.valueLocs?.get(key) ?? changedLocs.get(key) ?? firstChange ?? input.statementLoc,
    defaultUnknownKeys: input.defaultUnknownKeys,
  });
  return { config: checked.config, errors: byPosition([...errors, ...checked.errors]), warnings: checked.warnings };
}
