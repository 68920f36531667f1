import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { Engine } from '../engine/engine.js';
import { Session } from '../engine/session.js';
import { renderEntity } from './entity.js';
import { renderTable, visible } from './table.js';

const ESC = '\u001b';

describe('control characters in tables', () => {
  it('are shown as escapes, so a value cannot drive the terminal or break the rows', () => {
    expect(visible(`a${ESC}[2Jb\nc\td\u0007\u009b`)).toBe('a\\u001b[2Jb\\nc\\td\\u0007\\u009b');
    expect(visible('plain – ünïcode ✓')).toBe('plain – ünïcode ✓');
    const table = renderTable(['K', 'V'], [['x', `red${ESC}[31m\nnext`]]);
    expect(table).not.toContain(ESC);
    expect(table.split('\n')).toHaveLength(4);
  });

  it('in what DESCRIBE shows of a connector', () => {
    const engine = new Engine({ catalog: Catalog.inMemory() });
    const session = new Session();
    engine.execute(`CREATE SINK CONNECTOR s WITH ('connector.class' = 'FileStreamSink', 'file' = 'out${ESC}]0;owned${ESC}\\\\.txt', 'topics' = 't');`, session);
    const [described] = engine.execute('DESCRIBE CONNECTOR s EXTENDED;', session);
    const text = renderEntity(described!);
    expect(text).toContain('out\\u001b]0;owned\\u001b\\\\.txt');
    expect(text).not.toContain(ESC);
  });
});
