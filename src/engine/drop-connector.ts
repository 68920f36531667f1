import type { DropConnector } from '../sql/ast.js';
import type { ExecContext } from './context.js';
import { requireConnector } from './connector-lookup.js';
import type { DropConnectorEntity, WarningEntity } from './results.js';

export function dropConnector(s: DropConnector, ctx: ExecContext): DropConnectorEntity | WarningEntity {
  if (s.ifExists && !ctx.catalog.getConnector(s.name.value)) {
    return { '@type': 'warning_entity', statementText: s.text, warnings: [], message: `Connector '${s.name.value}' does not exist.` };
  }
  const record = requireConnector(ctx, s.name);
  ctx.catalog.dropConnector(record.name);
  return { '@type': 'drop_connector', statementText: s.text, warnings: [], connectorName: record.name };
}
