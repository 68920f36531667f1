import type { Headers, LogRecord } from './log.js';

const UNREAD: unique symbol = Symbol('unread');

/**
 * A record as read back from the log's JSON text. key, value and headers are parsed on first use: a sink that
 * writes JSON copies `valueJson` and never pays for a parse and a second stringify. Copy one with its fields
 * named (a spread copies only the plain fields, not the parsed accessors).
 */
export class StoredRecord implements LogRecord {
  #key: unknown = UNREAD;
  #value: unknown = UNREAD;
  #headers: Headers | typeof UNREAD = UNREAD;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly timestamp: number,
    readonly keyJson: string | null,
    readonly valueJson: string | null,
    readonly headersJson: string | null,
  ) {}

  get key(): unknown {
    if (this.#key === UNREAD) this.#key = this.keyJson === null ? null : (JSON.parse(this.keyJson) as unknown);
    return this.#key;
  }

  get value(): unknown {
    if (this.#value === UNREAD) this.#value = this.valueJson === null ? null : (JSON.parse(this.valueJson) as unknown);
    return this.#value;
  }

  get headers(): Headers {
    if (this.#headers === UNREAD) this.#headers = this.headersJson === null ? {} : (JSON.parse(this.headersJson) as Headers);
    return this.#headers;
  }

  /** A plain object with every field, e.g. for JSON output. */
  toJSON(): { topic: string; partition: number; offset: number; timestamp: number; key: unknown; value: unknown; headers: Headers } {
    return { topic: this.topic, partition: this.partition, offset: this.offset, timestamp: this.timestamp, key: this.key, value: this.value, headers: this.headers };
  }
}
