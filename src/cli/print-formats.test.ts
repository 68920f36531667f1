import { describe, expect, it } from 'vitest';
import { NO_DATA, NO_FORMAT, PrintFormats } from './print-formats.js';

/** The format lines printed over a run of records, each record's lines joined, empty when it changed nothing. */
function headers(records: { key: unknown; value: unknown }[]): string[][] {
  const formats = new PrintFormats();
  return records.map((r) => formats.linesBefore(r));
}

describe('PRINT format lines', () => {
  it('names plain text KAFKA_STRING and a null key as no data, as ksqlDB does', () => {
    expect(headers([{ key: null, value: 'hello world' }])).toEqual([[`Key format: ${NO_DATA}`, 'Value format: KAFKA_STRING']]);
  });

  it('offers JSON or KAFKA_STRING for JSON text, since JSON is text too', () => {
    expect(headers([{ key: 'k-one', value: { id: 1, name: 'a' } }, { key: 'k-two', value: [1, 2] }])).toEqual([
      ['Key format: KAFKA_STRING', 'Value format: JSON or KAFKA_STRING'],
      [],
    ]);
  });

  it('keeps the Kafka number formats only while every record has their width, then prints the narrower guess', () => {
    // 'abcd' is 4 bytes, as an int would be; '12345678' could be a long or a double; 'hello' fits neither.
    expect(headers([{ key: 7, value: 'abcd' }, { key: 12345678, value: 'hello' }, { key: 1, value: 'again' }])).toEqual([
      ['Key format: JSON or KAFKA_STRING', 'Value format: KAFKA_INT or KAFKA_STRING'],
      ['Value format: KAFKA_STRING'],
      [],
    ]);
    expect(headers([{ key: null, value: '12345678' }])[0]).toEqual([`Key format: ${NO_DATA}`, 'Value format: JSON or KAFKA_BIGINT or KAFKA_DOUBLE or KAFKA_STRING']);
  });

  it('says when nothing fits: an empty value is neither text nor a number', () => {
    expect(headers([{ key: null, value: 'x' }, { key: null, value: '' }])[1]).toEqual([`Value format: ${NO_FORMAT}`]);
  });
});
