/**
 * PRINT's `Key format:` / `Value format:` lines, guessed from the records printed as ksqlDB's PRINT guesses them:
 * every format that could have produced each key (value) seen so far, in ksqlDB's order, joined with " or ". A
 * record's bytes are what a Kafka topic would hold for it: a string as its text (how PRINT shows it), anything
 * else as its JSON text. Schema Registry formats (AVRO, PROTOBUF, JSON_SR) and windowed keys never occur in a Sluice
 * log, so they are not offered.
 */

interface Candidate {
  name: string;
  fits(text: string, bytes: number): boolean;
}

/** Text that is valid UTF-8 decodes without U+FFFD; ksqlDB refuses text with it as a string and as JSON. */
const clean = (text: string) => text !== '' && !Buffer.from(text, 'utf8').toString('utf8').includes('\uFFFD');

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Kafka's IntegerDeserializer, LongDeserializer and DoubleDeserializer accept exactly 4, 8 and 8 bytes. */
const CANDIDATES: readonly Candidate[] = [
  { name: 'JSON', fits: (text) => clean(text) && isJson(text) },
  { name: 'KAFKA_INT', fits: (_, bytes) => bytes === 4 },
  { name: 'KAFKA_BIGINT', fits: (_, bytes) => bytes === 8 },
  { name: 'KAFKA_DOUBLE', fits: (_, bytes) => bytes === 8 },
  { name: 'KAFKA_STRING', fits: (text) => clean(text) },
];

export const NO_DATA = '¯\\_(ツ)_/¯ - no data processed';
export const NO_FORMAT = 'does not match any supported format (not UTF-8 text, nor a Kafka number)';

class Guess {
  #left: Candidate[] = [...CANDIDATES];
  #seen = false;

  see(v: unknown): void {
    if (v === null || v === undefined) return;
    this.#seen = true;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    const bytes = Buffer.byteLength(text, 'utf8');
    this.#left = this.#left.filter((c) => c.fits(text, bytes));
  }

  describe(): string {
    if (!this.#seen) return NO_DATA;
    return this.#left.length === 0 ? NO_FORMAT : this.#left.map((c) => c.name).join(' or ');
  }
}

/** The format lines of one PRINT: before each record, the lines whose guess that record changed (both at first). */
export class PrintFormats {
  readonly #key = new Guess();
  readonly #value = new Guess();
  #shown: [string, string] | undefined;

  linesBefore(r: { key: unknown; value: unknown }): string[] {
    this.#key.see(r.key);
    this.#value.see(r.value);
    const now: [string, string] = [this.#key.describe(), this.#value.describe()];
    const lines: string[] = [];
    if (this.#shown?.[0] !== now[0]) lines.push(`Key format: ${now[0]}`);
    if (this.#shown?.[1] !== now[1]) lines.push(`Value format: ${now[1]}`);
    this.#shown = now;
    return lines;
  }
}
