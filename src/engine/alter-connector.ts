import type { ConnectorDefinition } from '../connectors/schema.js';
import { isSecretKey, maskConfig, maskValue, secretValues } from '../connectors/secrets.js';
import { validateAlteredConfig } from '../connectors/validate.js';
import { SqlSemanticError, SluiceErrors } from '../errors/base.js';
import type { AlterConnectorSet, AlterConnectorUnset, Loc } from '../sql/ast.js';
import { maskStatementText } from '../sql/mask.js';
import type { ExecContext } from './context.js';
import { markSecretVariables } from './variables.js';
import { requireConnector } from './connector-lookup.js';
import type { AlterConnectorEntity, ConfigChange } from './results.js';

const NAME_KEY = 'name';

function diff(before: Record<string, string>, after: Record<string, string>, def: ConnectorDefinition): ConfigChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const show = (k: string, v: string | undefined) => (v === undefined ? undefined : maskValue(k, v, def));
  const changes: ConfigChange[] = [];
  for (const key of keys) {
    const [o, n] = [before[key], after[key]];
    if (o === n) continue;
    const action = o === undefined ? 'added' : n === undefined ? 'removed' : 'changed';
    const change: ConfigChange = { key, action };
    const [so, sn] = [show(key, o), show(key, n)];
    if (so !== undefined) change.old = so;
    if (sn !== undefined) change.new = sn;
    changes.push(change);
  }
  return changes;
}

/** ALTER CONNECTOR … SET (…) / UNSET (…): merge, re-validate the whole config with CREATE's rules, keep a version. */
export function alterConnector(s: AlterConnectorSet | AlterConnectorUnset, ctx: ExecContext): AlterConnectorEntity {
  const record = requireConnector(ctx, s.name);
  const def = ctx.registry.resolve(record.className);
  if (!def) {
    throw new SqlSemanticError('UNKNOWN_CONNECTOR_CLASS', `connector ${record.name} uses ${record.className}, which this Sluice does not know`, {
      loc: s.name.loc,
    });
  }
  if (s.kind === 'AlterConnectorSet') markSecretVariables(s.properties, s.text, s.loc.offset, (key) => isSecretKey(key, def), ctx);
  const merged: Record<string, string> = { ...record.config };
  const changedLocs = new Map<string, Loc>();
  const valueLocs = new Map<string, Loc>();
  const errors: SqlSemanticError[] = [];
  if (s.kind === 'AlterConnectorSet') {
    for (const p of s.properties) {
      if (changedLocs.has(p.key)) {
        errors.push(new SqlSemanticError('DUPLICATE_CONFIG_KEY', `'${p.key}' is given twice`, { loc: p.keyLoc }));
        continue;
      }
      changedLocs.set(p.key, p.keyLoc);
      valueLocs.set(p.key, p.valueLoc);
      if (p.valueKind === 'null') delete merged[p.key];
      else merged[p.key] = p.value;
    }
  } else {
    for (const k of s.keys) {
      changedLocs.set(k.key, k.loc);
      if (!(k.key in merged)) errors.push(new SqlSemanticError('INVALID_ARGUMENT', `'${k.key}' is not set on connector ${record.name}`, { loc: k.loc }));
      delete merged[k.key];
    }
  }
  const nameLoc = changedLocs.get(NAME_KEY);
  if (nameLoc) errors.push(new SqlSemanticError('IMMUTABLE_CONFIG_KEY', `'${NAME_KEY}' is the connector's name and cannot be changed`, { loc: nameLoc }));
  const checked = validateAlteredConfig({
    definition: def,
    config: merged,
    changedLocs,
    valueLocs,
    statementLoc: s.loc,
    defaultUnknownKeys: ctx.session.property('sluice.unknown.keys') === 'warn' ? 'warn' : 'error',
  });
  const allErrors = [...errors, ...checked.errors].sort((a, b) => (a.loc?.offset ?? 0) - (b.loc?.offset ?? 0));
  if (allErrors.length > 0) throw new SluiceErrors(allErrors);

  const secret = (k: string) => isSecretKey(k, def);
  const statementText = s.kind === 'AlterConnectorSet' ? maskStatementText(s, secret) : s.text;
  const config = { ...checked.config, [NAME_KEY]: record.name };
  const changes = diff(record.config, config, def);
  const warnings = checked.warnings.map((message) => ({ message }));
  if (changes.length === 0) {
    return {
      '@type': 'alter_connector',
      statementText,
      warnings,
      connectorName: record.name,
      version: record.version,
      changes,
      restart: false,
      message: `No change: connector ${record.name} already has this configuration`,
    };
  }
  const updated = ctx.catalog.updateConnectorConfig(record.name, config, statementText);
  for (const value of secretValues(config, def)) ctx.redactor.add(value);
  for (const value of Object.values(maskConfig(config, def))) ctx.redactor.addShown(value);
  const restart = updated.desiredState === 'RUNNING';
  return {
    '@type': 'alter_connector',
    statementText,
    warnings,
    connectorName: updated.name,
    version: updated.version,
    changes,
    restart,
    message: restart
      ? `Altered connector ${updated.name} (version ${updated.version}); it restarts with the new configuration`
      : `Altered connector ${updated.name} (version ${updated.version}); it is paused, the new configuration applies on RESUME`,
  };
}
