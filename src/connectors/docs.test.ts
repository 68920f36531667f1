import { describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS } from './builtin.js';
import { renderConnectorReference, renderConnectorTable } from './docs.js';
import { fileSink } from './file-sink/index.js';
import { jdbcSource } from './jdbc-source/index.js';
import { ConnectorRegistry, defaultRegistry } from './registry.js';

function tableRows(markdown: string): string[] {
  return markdown.split('\n').filter((l) => l.startsWith('|'));
}

/** Cells of a row, honouring escaped pipes. */
function cells(row: string): string[] {
  return row
    .slice(2, -2)
    .split(/(?<!\\) \| /);
}

describe('renderConnectorTable', () => {
  it('has one row per connector, in registry order, with a fixed column count', () => {
    const rows = tableRows(renderConnectorTable(defaultRegistry));
    expect(rows).toHaveLength(2 + BUILTIN_CONNECTORS.length);
    for (const r of rows) expect(cells(r)).toHaveLength(5);
    BUILTIN_CONNECTORS.forEach((d, i) => {
      const [cls, name, kind, guarantees] = cells(rows[i + 2]!);
      expect(cls).toContain(d.className);
      expect(name).toBe(`\`${d.name}\``);
      expect(kind).toBe(d.kind);
      expect(guarantees).toBe(d.guarantees.join(', '));
    });
  });

  it('escapes pipes in summaries', () => {
    const registry = new ConnectorRegistry([{ ...fileSink, summary: 'a | b\nc' }]);
    const row = tableRows(renderConnectorTable(registry))[2]!;
    expect(cells(row)).toHaveLength(5);
    expect(row).toContain('a \\| b c');
  });

  it('is deterministic', () => {
    expect(renderConnectorTable(defaultRegistry)).toBe(renderConnectorTable(new ConnectorRegistry(BUILTIN_CONNECTORS)));
  });
});

describe('renderConnectorReference', () => {
  const doc = renderConnectorReference(jdbcSource);

  it('renders type, default, required, allowed values and secret flags', () => {
    const row = (key: string) => cells(tableRows(doc).find((r) => r.startsWith(`| \`${key}\` |`))!);
    expect(row('mode').slice(0, 6)).toEqual([
      '`mode`',
      'string',
      '',
      'yes',
      '`bulk`, `incrementing`, `timestamp`, `timestamp+incrementing`',
      '',
    ]);
    expect(row('batch.max.rows').slice(0, 5)).toEqual(['`batch.max.rows`', 'int', '`1000`', '', '≥ 1']);
    expect(row('connection.password').slice(0, 6)).toEqual(['`connection.password`', 'password', '', '', '', 'yes']);
    expect(row('dialect.name')[2]).toBe('`""`');
    expect(row('schema.pattern')[2]).toBe('*unset*');
    expect(row('processing.guarantees')[4]).toContain('(any case)');
    expect(cells(tableRows(doc).find((r) => r.startsWith('| `value.converter.*` |'))!)[1]).toBe('prefix');
  });

  it('is deterministic and separates connector keys from framework keys', () => {
    expect(renderConnectorReference(jdbcSource)).toBe(doc);
    expect(doc.indexOf('`connection.url`')).toBeLessThan(doc.indexOf('Framework keys'));
    expect(doc.indexOf('`tasks.max`')).toBeGreaterThan(doc.indexOf('Framework keys'));
    expect(renderConnectorReference(fileSink)).toContain('`topics.regex`');
    expect(doc).not.toContain('`topics.regex`');
  });
});
