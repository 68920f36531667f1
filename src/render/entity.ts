import type { Entity, StatementErrorEntity } from '../engine/results.js';
import { renderError } from './error.js';
import { renderKeyValues, renderTable } from './table.js';

const upper = (s: string) => s.toUpperCase();

function renderOffsets(offsets: readonly { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[]): string {
  return renderTable(
    ['Partition', 'Offset'],
    offsets.map((o) => [JSON.stringify(o.partition), JSON.stringify(o.offset)]),
  );
}

function message(text: string): string {
  return renderTable(['Message'], [[text]]);
}

/** Human rendering of one entity (table mode). Returns '' for entities ksqlDB's CLI prints nothing for. */
export function renderEntity(e: Entity, opts: { file?: string } = {}): string {
  const body = renderBody(e, opts);
  const warnings = e['@type'] === 'statement_error' ? [] : e.warnings.map((w) => `WARNING: ${w.message}`);
  return [body, ...warnings].filter((s) => s !== '').join('\n');
}

function renderBody(e: Entity, opts: { file?: string }): string {
  switch (e['@type']) {
    case 'connector_info':
      return message(`Created connector ${e.info.name}`);
    case 'connector_list':
      return renderTable(
        ['Connector Name', 'Type', 'Class', 'Status'],
        e.connectors.map((c) => [c.name, upper(c.type), c.className, c.activity ? `${c.state} — ${c.activity}` : c.state]),
      );
    case 'connector_description': {
      const parts = [
        renderKeyValues([
          ['Name', e.status.name],
          ['Class', e.connectorClass],
          ['Type', e.status.type],
          ['State', e.status.connector.state],
          ['WorkerId', e.status.connector.worker_id],
          ...(e.status.connector.trace ? ([['Trace', e.status.connector.trace]] as const) : []),
          ...(e.status.connector.activity ? ([['Activity', e.status.connector.activity.description]] as const) : []),
          ...e.status.tasks.flatMap((t) => (t.activity ? ([['Activity', `task ${t.id}: ${t.activity.description}`]] as const) : [])),
          ['Desired State', e.desiredState],
          ['Guarantee', e.processingGuarantee],
          ['Records In', String(e.recordsIn)],
          ['Records Out', String(e.recordsOut)],
          ...(e.lag !== undefined ? ([['Lag', String(e.lag)]] as const) : []),
          ['Errors', String(e.errors)],
          ...(e.lastError ? ([['Last Error', `${e.lastError.at} ${e.lastError.message}`]] as const) : []),
          ['Config Version', String(e.version)],
          ['Created', e.createdAt],
          ['Updated', e.updatedAt],
        ]),
        renderTable(
          ['Task ID', 'State', 'Error Trace'],
          e.status.tasks.map((t) => [String(t.id), t.state, t.trace ?? '']),
        ),
      ];
      if (e.topics.length > 0) parts.push(renderTable(['Related Topics'], e.topics.map((t) => [t])));
      if (e.offsets.length > 0) parts.push(renderOffsets(e.offsets));
      if (e.config) parts.push(renderTable(['Config Key', 'Value'], Object.entries(e.config).sort(([a], [b]) => a.localeCompare(b))));
      if (e.versions) parts.push(renderTable(['Version', 'Change', 'Created', 'Statement'], e.versions.map((v) => [String(v.version), v.change, v.createdAt, v.statementText.replace(/\s+/g, ' ')])));
      return parts.join('\n\n');
    }
    case 'drop_connector':
      return message(`Dropped connector "${e.connectorName}"`);
    case 'alter_connector': {
      if (e.changes.length === 0) return message(e.message);
      const changes = renderTable(
        ['Key', 'Change', 'Old', 'New'],
        e.changes.map((c) => [c.key, c.action, c.old ?? '', c.new ?? '']),
      );
      return `${message(e.message)}\n\n${changes}`;
    }
    case 'connector_state':
      return message(e.message);
    case 'connector_plugins_list':
      return renderTable(
        ['Class', 'Type', 'Version', 'Name'],
        e.connectorsPlugins.map((p) => [p.className, upper(p.type), p.version, p.name]),
      );
    case 'warning_entity':
      return message(e.message);
    case 'variables':
      return renderTable(['Variable Name', 'Value'], e.variables.map((v) => [v.name, v.value]));
    case 'variable':
      return '';
    case 'property':
      return e.message;
    case 'properties':
      // ksqlDB's columns; 'Default override' says where a value comes from: this session, or the default.
      return renderTable(
        ['Property', 'Scope', 'Default override', 'Effective Value'],
        e.properties.map((p) => [p.name, p.scope, e.overwrittenProperties.includes(p.name) ? 'SESSION' : e.defaultProperties.includes(p.name) ? '' : 'SERVER', p.value]),
      );
    // Always empty (Sluice has no streams, tables or queries): the headers say what was asked for.
    case 'streams':
    case 'tables':
    case 'source_descriptions': {
      const name = e['@type'] === 'tables' || /\bTABLES\b/i.test(e.statementText) ? 'Table Name' : 'Stream Name';
      return renderTable([name, 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'], []);
    }
    case 'queries':
    case 'query_descriptions':
      return renderTable(['Query ID', 'Query Type', 'Status', 'Sink Name', 'Sink Kafka Topic', 'Query String'], []);
    case 'kafka_topics':
      return renderTable(
        ['Topic', 'Partitions', 'Records'],
        e.topics.map((t) => [t.name, String(t.partitions), String(t.records)]),
      );
    case 'connector_offsets':
      return e.offsets.length === 0 ? message(`Connector ${e.connectorName} has no committed offsets`) : renderOffsets(e.offsets);
    case 'connector_offsets_reset':
      return message(e.message);
    case 'print_topic':
      return '';
    case 'statement_error':
      return renderError(e as StatementErrorEntity, opts.file);
  }
}
