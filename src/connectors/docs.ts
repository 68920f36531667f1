import { frameworkFieldsFor } from './framework.js';
import type { ConnectorRegistry } from './registry.js';
import type { ConfigField, ConnectorDefinition } from './schema.js';

/**
 * Markdown generated from the schemas, embedded in the README between markers. Output depends only on the
 * definitions (no dates, no sorting by locale), so a staleness test can regenerate and compare it.
 */

/** Pipes and newlines would break a table row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return text === '' ? '`""`' : `\`${text.replace(/\|/g, '\\|')}\``;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

export function renderConnectorTable(registry: ConnectorRegistry): string {
  const rows = registry.list().map((d) => [
    `${code(d.className)}${d.aliases.length > 0 ? `<br>${d.aliases.map(code).join(', ')}` : ''}`,
    code(d.name),
    d.kind,
    d.guarantees.join(', '),
    cell(d.summary),
  ]);
  return table(['Class (aliases)', 'Name', 'Kind', 'Guarantees', 'Summary'], rows);
}

function defaultText(f: ConfigField): string {
  if (f.default === undefined) return '';
  if (f.default === null) return '*unset*';
  return code(f.default);
}

function keyRows(fields: readonly ConfigField[]): string[][] {
  return fields.map((f) => [
    code(f.prefix ? `${f.key}*` : f.key),
    f.prefix ? 'prefix' : f.type,
    defaultText(f),
    f.required ? 'yes' : '',
    f.allowed ? f.allowed.map(code).join(', ') + (f.caseInsensitive ? ' (any case)' : '') : rangeText(f),
    f.secret || f.type === 'password' ? 'yes' : '',
    cell(f.description),
  ]);
}

function rangeText(f: ConfigField): string {
  if (f.min !== undefined && f.max !== undefined) return `${f.min} … ${f.max}`;
  if (f.min !== undefined) return `≥ ${f.min}`;
  if (f.max !== undefined) return `≤ ${f.max}`;
  return '';
}

const KEY_HEADER = ['Key', 'Type', 'Default', 'Required', 'Allowed', 'Secret', 'Description'] as const;

/** Every key a connector accepts: its own first, then the framework keys of its kind. */
export function renderConnectorReference(def: ConnectorDefinition): string {
  const aliases = def.aliases.length > 0 ? ` (aliases: ${def.aliases.map(code).join(', ')})` : '';
  return [
    `### ${def.name}`,
    '',
    `${cell(def.summary)}`,
    '',
    `${def.kind === 'source' ? 'Source' : 'Sink'} connector ${code(def.className)}${aliases}, version ${def.version}. ` +
      `Guarantees: ${def.guarantees.join(', ')}.`,
    '',
    `#### ${def.name} keys`,
    '',
    table(KEY_HEADER, keyRows(def.fields)),
    '',
    `#### Framework keys (every ${def.kind} connector)`,
    '',
    table(KEY_HEADER, keyRows(frameworkFieldsFor(def.kind))),
    '',
  ].join('\n');
}
