import { describe, expect, it } from 'vitest';
import { inputState } from './input-buffer.js';

describe('inputState', () => {
  it.each([
    ['', 'empty'],
    ['   \n  ', 'empty'],
    ['-- just a comment', 'empty'],
    ['/* c */', 'empty'],
    ['SHOW CONNECTORS', 'incomplete'],
    ['SHOW CONNECTORS;', 'complete'],
    ['SHOW CONNECTORS; -- trailing comment', 'complete'],
    ['SHOW CONNECTORS; /* trailing */', 'complete'],
    ["CREATE SOURCE CONNECTOR x WITH ('a' = 'b;", 'incomplete'],
    ["CREATE SOURCE CONNECTOR x WITH ('a' = 'it''s');", 'complete'],
    ["SET 'a' = 'x''''';", 'complete'],
    ["SET 'a' = 'x'''';", 'incomplete'],
    ['DESCRIBE CONNECTOR "a;b', 'incomplete'],
    ['DESCRIBE CONNECTOR `a;b`;', 'complete'],
    ['SHOW /* ; */ CONNECTORS', 'incomplete'],
    ['SHOW CONNECTORS /* open', 'incomplete'],
    ["SHOW CONNECTORS -- it's fine;\n", 'incomplete'],
    ["-- it's a comment\nSHOW CONNECTORS;", 'complete'],
    ['SHOW CONNECTORS;\nSHOW VARIABLES', 'incomplete'],
  ] as const)('%j is %s', (text, expected) => {
    expect(inputState(text)).toBe(expected);
  });
});
