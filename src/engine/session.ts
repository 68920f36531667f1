import { Variables } from '../sql/variables.js';
import { findSessionProperty } from './session-properties.js';

/**
 * What lasts between statements for one user: variables (DEFINE) and properties (SET). A shell, a script run and
 * (later) a WebSocket connection each own one. Validation runs against a clone so it never leaks into the real one.
 */
export class Session {
  readonly variables: Variables;
  readonly properties: Map<string, string>;
  /**
   * Variables (upper-cased names) this session gave as a secret: in a secret key's value or a URL's password.
   * Masked wherever their value is shown (SHOW VARIABLES, errors), by name: masking every variable whose value
   * equals some known password would tell any session whether a value it defines is one.
   */
  readonly secretVariables: Set<string>;
  /** Directory that RUN SCRIPT paths are relative to when no including file is known. */
  readonly baseDir: string;
  /** Where statements come from, for the statement history ('shell', 'run', 'check'). */
  readonly origin: string;

  constructor(opts: { baseDir?: string; origin?: string; variables?: Variables; properties?: Map<string, string>; secretVariables?: Set<string> } = {}) {
    this.baseDir = opts.baseDir ?? process.cwd();
    this.origin = opts.origin ?? 'shell';
    this.variables = opts.variables ?? new Variables();
    this.properties = opts.properties ?? new Map();
    this.secretVariables = opts.secretVariables ?? new Set();
  }

  property(name: string): string {
    return this.properties.get(name) ?? findSessionProperty(name)?.default ?? '';
  }

  get substitutionEnabled(): boolean {
    return this.property('ksql.variable.substitution.enable') !== 'false';
  }

  clone(): Session {
    return new Session({
      baseDir: this.baseDir,
      origin: this.origin,
      variables: this.variables.clone(),
      properties: new Map(this.properties),
      secretVariables: new Set(this.secretVariables),
    });
  }
}
