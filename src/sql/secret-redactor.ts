import { MASK } from '../connectors/secrets.js';

/** Values shorter than this are not scrubbed from free text: masking every 'a' would destroy output. */
const MIN_SECRET_LENGTH = 4;
/** A character that continues a word: a secret next to one is part of something else. */
const WORD = /[\p{L}\p{N}_]/u;

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

  /**
   * Every occurrence of a known secret that stands on its own is masked; one inside a longer word is not (a
   * password 'postgres' leaves 'postgresql' and 'postgres_src' alone), since a message that echoes a password
   * sets it off by quotes, spaces or URL punctuation.
   */
  redact(text: string): string {
    let out = text;
    for (const v of this.known) {
      if (!out.includes(v)) continue;
      const head = WORD.test(v[0]!);
      const tail = WORD.test(v[v.length - 1]!);
      let result = '';
      let at = 0;
      for (let i = out.indexOf(v); i >= 0; i = out.indexOf(v, i + 1)) {
        if (i < at) continue;
        const joinedBefore = head && i > 0 && WORD.test(out[i - 1]!);
        const joinedAfter = tail && i + v.length < out.length && WORD.test(out[i + v.length]!);
        if (joinedBefore || joinedAfter) continue;
        result += out.slice(at, i) + MASK;
        at = i + v.length;
      }
      out = result + out.slice(at);
    }
    return out;
  }
}
