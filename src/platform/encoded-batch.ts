import { SluiceError } from '../errors/base.js';
import type { Headers, ProducerRecord } from './log.js';

/**
 * Producer records turned into the text the log stores, column by column: key, value and headers as JSON text.
 * Encoding is the costly part of an append, so it happens where the records were made (a source's worker thread)
 * and the writer only stores text; and a batch is a handful of strings and typed arrays, which crosses a thread
 * boundary as a few copies instead of one clone per record.
 *
 * A text column holds each record's JSON text joined by '\n' (JSON text never contains a raw newline), '' for
 * JSON null; a column that is null for every record is null.
 */
export interface EncodedBatch {
  readonly length: number;
  /** The distinct topics, in order of first use. */
  readonly topics: readonly string[];
  /** Each record's index into `topics`; null when every record goes to topics[0]. */
  readonly topicIndex: Uint32Array | null;
  readonly keys: string | null;
  readonly values: string | null;
  readonly headers: string | null;
  /** Each record's explicit partition, -1 to let the log choose; null when none has one. */
  readonly partitions: Int32Array | null;
  /** Each record's timestamp, NaN for "when appended"; null when none has one. */
  readonly timestamps: Float64Array | null;
}

/** Encodes records; errors name the record ("record 3: value is not JSON-serialisable"). */
export function encodeBatch(records: readonly ProducerRecord[]): EncodedBatch {
  const n = records.length;
  const topics: string[] = [];
  const topicIds = new Map<string, number>();
  let topicIndex: Uint32Array | null = null;
  // Keys and headers are often absent from every record: their columns are made on first use.
  let keys: string[] | null = null;
  const values = new Array<string>(n);
  let headers: string[] | null = null;
  let anyValue = false;
  let partitions: Int32Array | null = null;
  let timestamps: Float64Array | null = null;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    let t = topicIds.get(r.topic);
    if (t === undefined) {
      topicIds.set(r.topic, (t = topics.length));
      topics.push(r.topic);
    }
    if (t !== 0) topicIndex ??= new Uint32Array(n);
    if (topicIndex) topicIndex[i] = t;
    const k = toJson(r.key, i, 'key');
    if (k !== '') (keys ??= new Array<string>(n).fill(''))[i] = k;
    const v = toJson(r.value, i, 'value');
    values[i] = v;
    anyValue ||= v !== '';
    const h = headersJson(r.headers, i);
    if (h !== '') (headers ??= new Array<string>(n).fill(''))[i] = h;
    if (r.partition !== undefined && r.partition !== null) {
      partitions ??= new Int32Array(n).fill(-1);
      partitions[i] = checkPartition(r.partition, i);
    }
    if (r.timestamp !== undefined && r.timestamp !== null) {
      timestamps ??= new Float64Array(n).fill(NaN);
      timestamps[i] = checkTimestamp(r.timestamp, i);
    }
  }
  return {
    length: n,
    topics,
    topicIndex,
    keys: keys ? keys.join('\n') : null,
    values: anyValue ? values.join('\n') : null,
    headers: headers ? headers.join('\n') : null,
    partitions,
    timestamps,
  };
}

/** A batch read back record by record (the log's writer): JSON text or null per column. */
export class BatchReader {
  private readonly keys: string[] | null;
  private readonly values: string[] | null;
  private readonly headers: string[] | null;

  constructor(readonly batch: EncodedBatch) {
    this.keys = column(batch.keys, batch.length, 'keys');
    this.values = column(batch.values, batch.length, 'values');
    this.headers = column(batch.headers, batch.length, 'headers');
  }

  /** Record i's index into the batch's topics (checked: a batch from elsewhere may be malformed). */
  topicIndex(i: number): number {
    const t = this.batch.topicIndex ? this.batch.topicIndex[i]! : 0;
    if (t >= this.batch.topics.length) throw invalid(`record ${i}: the batch names no topic for it`);
    return t;
  }

  topic(i: number): string {
    return this.batch.topics[this.topicIndex(i)]!;
  }

  key(i: number): string | null {
    return this.keys?.[i] || null;
  }

  value(i: number): string | null {
    return this.values?.[i] || null;
  }

  headersJson(i: number): string | null {
    return this.headers?.[i] || null;
  }

  partition(i: number): number | undefined {
    const p = this.batch.partitions?.[i];
    return p === undefined || p < 0 ? undefined : p;
  }

  timestamp(i: number): number | undefined {
    const t = this.batch.timestamps?.[i];
    return t === undefined || Number.isNaN(t) ? undefined : t;
  }
}

function column(text: string | null, n: number, what: string): string[] | null {
  if (text === null) return null;
  const parts = text.split('\n');
  if (parts.length !== n) throw invalid(`an encoded batch of ${n} records has ${parts.length} ${what}`);
  return parts;
}

/** JSON text, or '' for JSON null / undefined (stored as SQL NULL). */
function toJson(value: unknown, i: number, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw invalid(`record ${i}: ${what} is not JSON-serialisable: ${err instanceof Error ? err.message : String(err)}`);
  }
  return text === undefined || text === 'null' ? '' : text;
}

function headersJson(headers: Headers | undefined, i: number): string {
  if (headers === undefined || headers === null) return '';
  if (typeof headers !== 'object' || Array.isArray(headers)) throw invalid(`record ${i}: headers must be an object of strings`);
  const names = Object.keys(headers);
  if (names.length === 0) return '';
  for (const n of names) {
    if (typeof headers[n] !== 'string') throw invalid(`record ${i}: header '${n}' must be a string`);
  }
  return JSON.stringify(headers);
}

function checkPartition(p: number, i: number): number {
  if (!Number.isSafeInteger(p) || p < 0 || p > 0x7fffffff) throw invalid(`record ${i}: partition must be a non-negative integer, got ${String(p)}`);
  return p;
}

function checkTimestamp(ts: number, i: number): number {
  if (typeof ts !== 'number' || !Number.isFinite(ts)) throw invalid(`record ${i}: timestamp must be a number of milliseconds, got ${String(ts)}`);
  return Math.trunc(ts);
}

function invalid(message: string): SluiceError {
  return new SluiceError('INVALID_ARGUMENT', message);
}
