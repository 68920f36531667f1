import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchReader, encodeBatch } from './encoded-batch.js';
import type { ProducerRecord } from './log.js';

const decode = (text: string | null) => (text === null ? null : (JSON.parse(text) as unknown));

describe('encoded batches', () => {
  it('give back every record: topic, key, value, headers, partition and timestamp', () => {
    const records: ProducerRecord[] = [
      { topic: 'a', key: null, value: { id: 1, s: 'line\nbreak "quoted"' } },
      { topic: 'b', key: 'k', value: 'text', partition: 2, timestamp: 1700000000123.9, headers: { h: 'v' } },
      { topic: 'a', key: { x: [1, 2] }, value: null, headers: {} },
      { topic: 'a', key: undefined, value: '', timestamp: 0 },
    ];
    const r = new BatchReader(encodeBatch(records));
    expect(r.batch.topics).toEqual(['a', 'b']);
    expect([0, 1, 2, 3].map((i) => r.topic(i))).toEqual(['a', 'b', 'a', 'a']);
    expect([0, 1, 2, 3].map((i) => decode(r.key(i)))).toEqual([null, 'k', { x: [1, 2] }, null]);
    expect([0, 1, 2, 3].map((i) => decode(r.value(i)))).toEqual([{ id: 1, s: 'line\nbreak "quoted"' }, 'text', null, '']);
    expect([0, 1, 2, 3].map((i) => r.headersJson(i))).toEqual([null, '{"h":"v"}', null, null]);
    expect([0, 1, 2, 3].map((i) => r.partition(i))).toEqual([undefined, 2, undefined, undefined]);
    expect([0, 1, 2, 3].map((i) => r.timestamp(i))).toEqual([undefined, 1700000000123, undefined, 0]);
  });

  it('leave out columns nobody uses', () => {
    const b = encodeBatch([
      { topic: 't', key: null, value: 1 },
      { topic: 't', key: null, value: 2 },
    ]);
    expect(b).toMatchObject({ length: 2, topics: ['t'], topicIndex: null, keys: null, headers: null, partitions: null, timestamps: null, values: '1\n2' });
  });

  it('keep any JSON value intact (JSON text never holds a raw newline)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.jsonValue(), value: fc.jsonValue() }), { maxLength: 20 }), (rows) => {
        const r = new BatchReader(encodeBatch(rows.map((x) => ({ topic: 't', ...x }))));
        rows.forEach((x, i) => {
          expect(decode(r.key(i))).toEqual(JSON.parse(JSON.stringify(x.key)));
          expect(decode(r.value(i))).toEqual(JSON.parse(JSON.stringify(x.value)));
        });
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('name the record that cannot be encoded', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const bad: [ProducerRecord, RegExp][] = [
      [{ topic: 't', key: null, value: cyclic }, /record 1: value is not JSON-serialisable/],
      [{ topic: 't', key: 10n, value: 1 }, /record 1: key is not JSON-serialisable/],
      [{ topic: 't', key: null, value: 1, headers: { h: 1 as unknown as string } }, /record 1: header 'h' must be a string/],
      [{ topic: 't', key: null, value: 1, partition: -1 }, /record 1: partition must be a non-negative integer/],
      [{ topic: 't', key: null, value: 1, timestamp: Number.NaN }, /record 1: timestamp must be a number/],
    ];
    for (const [record, message] of bad) {
      expect(() => encodeBatch([{ topic: 't', key: null, value: 0 }, record])).toThrow(message);
    }
  });

  it('refuse a batch whose columns do not match its length', () => {
    const b = encodeBatch([{ topic: 't', key: null, value: 1 }]);
    expect(() => new BatchReader({ ...b, length: 2 })).toThrow(/2 records has 1 values/);
  });
});
