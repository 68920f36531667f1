import { MASK } from '../connectors/secrets.js';

/** Values shorter than this are not scrubbed from free text: masking every 'a' would destroy output. */
const MIN_SECRET_LENGTH = 4;

/** Scrubs known secret values from any text that leaves the process. */
export class SecretRedactor {
  private known: string[] = [];

  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH || value === MASK || this.known.includes(value)) return;
    this.known.push(value);
    this.known.sort((a, b) => b.length - a.length);
  }

  /** The known secret values (handed to worker threads so their log lines are masked too). */
  values(): string[] {
    return [...this.known];
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.known) if (out.includes(v)) out = out.split(v).join(MASK);
    return out;
  }

  /** Redact every string inside a JSON-like value (entities), returning a copy. */
  redactDeep<T>(value: T): T {
    if (this.known.length === 0) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.walk(v)]));
    }
    return value;
  }
}
