import { describeChar } from '../../grammar/lexer.js';
import { isSecretKey, maskConfig, secretValues } from '../connectors/secrets.js';
import { validateConnectorConfig } from '../connectors/validate.js';
import { SqlSemanticError, SluiceErrors } from '../errors/base.js';
import type { CreateConnector } from '../sql/ast.js';
import { formatIdentifier } from '../sql/format.js';
import { maskStatementText } from '../sql/mask.js';
import type { ExecContext } from './context.js';
import { markSecretVariables } from './variables.js';
import { typeName } from './connector-lookup.js';
import type { ConnectorInfoEntity, WarningEntity } from './results.js';

const NAME_KEY = 'name';

/**
 * What is wrong with a connector name, said precisely, or undefined. Kafka Connect refuses these too; a blank or
 * control-character name cannot be typed back unambiguously.
 */
export function connectorNameProblem(name: string): string | undefined {
  if (name === '') return 'a connector name cannot be empty';
  if (name.trim() === '') return `a connector name cannot be blank: this one is only white space (${name.length} character${name.length === 1 ? '' : 's'})`;
  const control = /\p{Cc}/u.exec(name);
  if (control) {
    const described = describeChar(control[0]).text;
    return `a connector name cannot contain control characters: it has ${described} at character ${[...name.slice(0, control.index)].length + 1}`;
  }
  return undefined;
}

export function createConnector(s: CreateConnector, ctx: ExecContext): ConnectorInfoEntity | WarningEntity {
  const name = s.name.value;
  const problem = connectorNameProblem(name);
  if (problem) throw new SqlSemanticError('INVALID_ARGUMENT', problem, { loc: s.name.loc });
  const existing = ctx.catalog.findConnectorIgnoringCase(name);
  const validation = validateConnectorConfig({
    connectorType: s.connectorType,
    typeLoc: s.typeLoc,
    statementLoc: s.loc,
    properties: s.properties,
    registry: ctx.registry,
    defaultUnknownKeys: ctx.session.property('sluice.unknown.keys') === 'warn' ? 'warn' : 'error',
  });
  const def = validation.definition;
  const statementText = maskStatementText(s, (key) => isSecretKey(key, def));
  markSecretVariables(s.properties, s.text, s.loc.offset, (key) => isSecretKey(key, def), ctx);
  if (existing) {
    if (s.ifNotExists) {
      return { '@type': 'warning_entity', statementText, warnings: [], message: `Connector ${existing.name} already exists` };
    }
    const sameCase = existing.name === name;
    throw new SqlSemanticError(
      'CONNECTOR_EXISTS',
      sameCase
        ? `connector ${formatIdentifier(s.name)} already exists`
        : `connector ${formatIdentifier(s.name)} conflicts with existing connector ${formatIdentifier({ value: existing.name, quoting: 'back' })}: names may not differ only in case`,
      { loc: s.name.loc, hint: 'use CREATE … IF NOT EXISTS, or ALTER CONNECTOR to change it' },
    );
  }
  if (validation.errors.length > 0 || !def) throw new SluiceErrors(validation.errors);

  const warnings = validation.warnings.map((message) => ({ message }));
  const given = validation.config[NAME_KEY];
  if (given !== undefined && given !== name) {
    warnings.push({ message: `'${NAME_KEY}' is always the connector's name; '${given}' was replaced by '${name}'` });
  }
  const config = { ...validation.config, [NAME_KEY]: name };
  const record = ctx.catalog.createConnector({ name, type: s.connectorType, className: def.className, config, statementText });
  for (const value of secretValues(config, def)) ctx.redactor.add(value);
  const shown = maskConfig(record.config, def);
  for (const value of Object.values(shown)) ctx.redactor.addShown(value);
  return {
    '@type': 'connector_info',
    statementText,
    warnings,
    info: { name: record.name, config: shown, tasks: [], type: typeName(record.type) },
  };
}
