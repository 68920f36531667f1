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
  /** Values shown as they are (connectors' configs, masked): see addShown. */
  private shown: string[] = [];
  /** The known secrets free text is scrubbed of; undefined when either list changed since. */
  private scrubbed: string[] | undefined;

  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH || value === MASK || this.known.includes(value)) return;
    this.known.push(value);
    this.known.sort((a, b) => b.length - a.length);
    this.scrubbed = undefined;
  }

  /**
   * A value that is shown as it is, not being secret (a connector's config as DESCRIBE shows it). A secret that
   * stands on its own in one — the password 'postgres' of the user 'postgres' or of a database '…/postgres' — is
   * left in free text: masking it there hides nothing that is not shown anyway, alters the user's and database's
   * names in every trace, and tells which of the shown values the password is.
   */
  addShown(value: string | undefined): void {
    if (!value || this.shown.includes(value)) return;
    this.shown.push(value);
    this.scrubbed = undefined;
  }

  private scrubbedSecrets(): string[] {
    this.scrubbed ??= this.known.filter((s) => !this.shown.some((v) => scrubSecrets(v, [s]) !== v));
    return this.scrubbed;
  }

  /** The secret values free text is scrubbed of (handed to worker threads so their log lines are masked too). */
  values(): string[] {
    return [...this.scrubbedSecrets()];
  }

  /** `text` with every known secret that stands on its own masked (see scrubSecrets), but for shown ones (addShown). */
  redact(text: string): string {
    return scrubSecrets(text, this.scrubbedSecrets());
  }
}
