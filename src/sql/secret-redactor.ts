import { MASK, scrubSecrets } from '../connectors/secrets.js';

/** Values shorter than this are not scrubbed from free text: masking every 'a' would destroy output. */
const MIN_SECRET_LENGTH = 4;

/**
 * Scrubs known secret values from free text that Sluice does not write itself and that leaves the process: a
 * driver's message, a task's trace, a log line, a foreign error. Structured output (configs, statement text,
 * entities) is never scrubbed by substring: it is masked by what each value is (connectors/secrets.ts).
 */
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

  /** Is `value`, whole, a known secret (a variable holding a password that a connector was given)? */
  knows(value: string): boolean {
    return this.known.includes(value);
  }

  /** `text` with every known secret that stands on its own masked (see scrubSecrets). */
  redact(text: string): string {
    return scrubSecrets(text, this.known);
  }
}
