import type { Loc, Property } from '../sql/ast.js';
import { defaultRegistry } from './registry.js';
import type { ConnectorConfigInput } from './validate.js';

/**
 * Test support: builds what the parser would hand over for a CREATE statement laid out one property per line,
 * with locations that really point into `text`, so tests can assert exact line/column without a parser.
 */

export interface FakeStatement {
  text: string;
  input: ConnectorConfigInput;
}

function locAt(text: string, offset: number, length: number): Loc {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column, offset, length };
}

/** `pairs` in order (duplicates allowed); property i sits on line i + 2 with its quoted key at column 3. */
export function fakeCreate(type: 'SOURCE' | 'SINK', pairs: readonly (readonly [string, string])[]): FakeStatement {
  const head = `CREATE ${type} CONNECTOR c WITH (\n`;
  let text = head;
  const spans: { key: [number, number]; value: [number, number] }[] = [];
  pairs.forEach(([key, value], i) => {
    const keyText = `'${key}'`;
    const valueText = `'${value.replace(/'/g, "''")}'`;
    const keyAt = text.length + 2;
    const valueAt = keyAt + keyText.length + 3;
    text += `  ${keyText} = ${valueText}${i < pairs.length - 1 ? ',' : ''}\n`;
    spans.push({ key: [keyAt, keyText.length], value: [valueAt, valueText.length] });
  });
  text += ');';
  const properties: Property[] = pairs.map(([key, value], i) => {
    const span = spans[i]!;
    return {
      key,
      keyLoc: locAt(text, ...span.key),
      value,
      valueKind: 'string',
      valueLoc: locAt(text, ...span.value),
    };
  });
  return {
    text,
    input: {
      connectorType: type,
      typeLoc: locAt(text, 'CREATE '.length, type.length),
      statementLoc: locAt(text, 0, text.length),
      properties,
      registry: defaultRegistry,
    },
  };
}

/** The source text a location covers. */
export function textAt(text: string, loc: { offset?: number; length?: number } | undefined): string {
  if (loc?.offset === undefined) return '';
  return text.slice(loc.offset, loc.offset + (loc.length ?? 0));
}
