import { describe, expect, it } from 'vitest';
import { assertTopicName, canonicalJson, isValidTopicName, murmur2, partitionForKey } from './keys.js';

describe('topic names (Kafka rules)', () => {
  it('accepts letters, digits, dot, underscore and dash up to 249 characters', () => {
    for (const name of ['a', 'users', 'db.public.users', 'a_b-c.d', 'X'.repeat(249), '...', '.a', '0']) {
      expect(isValidTopicName(name)).toBe(true);
    }
  });

  it('rejects empty, too long, . and .., and other characters', () => {
    for (const name of ['', '.', '..', 'X'.repeat(250), 'a b', 'a/b', 'a;drop', 'ü', 'a\n', "it's", 'p1_0"']) {
      expect(isValidTopicName(name)).toBe(false);
    }
    expect(isValidTopicName(undefined)).toBe(false);
    expect(isValidTopicName(42)).toBe(false);
  });

  it('throws INVALID_ARGUMENT with a hint', () => {
    try {
      assertTopicName('bad name');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'invalid topic name "bad name"' });
      expect((err as { hint: string }).hint).toContain('249');
    }
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('sorts integer-like keys as strings, not in JS property order', () => {
    expect(canonicalJson({ b: 0, 10: 1, 2: 2 })).toBe('{"10":1,"2":2,"b":0}');
  });

  it('serialises like JSON.stringify otherwise', () => {
    expect(canonicalJson('x')).toBe('"x"');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBeUndefined();
    expect(canonicalJson({ a: undefined, b: new Date(0) })).toBe('{"b":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson({ 'é"': '✓' })).toBe('{"é\\"":"✓"}');
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('murmur2 / partitionForKey', () => {
  it("matches Kafka's Utils.murmur2 test vectors", () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [text, hash] of cases) expect(murmur2(Buffer.from(text))).toBe(hash);
  });

  it('is toPositive(murmur2(utf8)) % partitions, always in range', () => {
    expect(partitionForKey('foobar', 1000)).toBe((-790332482 & 0x7fffffff) % 1000);
    for (let i = 0; i < 200; i++) {
      const p = partitionForKey(JSON.stringify(`key-${i}-✓`), 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
    }
  });
});
