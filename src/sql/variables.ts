/**
 * Session variables (DEFINE / ${name}), following ksqlDB: names are case-insensitive, `$${` escapes a literal
 * `${`, undefined references inside strings stay as written, and values are never re-scanned for further
 * references (a value that contains `${x}` came from an escape and is meant literally).
 */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_@]*$/;
export const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_@]*)\}/g;

export type VariableLookup = (name: string) => string | undefined;

export class Variables {
  private readonly entries = new Map<string, { name: string; value: string }>();

  constructor(initial?: Iterable<readonly [string, string]>) {
    for (const [name, value] of initial ?? []) this.set(name, value);
  }

  get(name: string): string | undefined {
    return this.entries.get(name.toUpperCase())?.value;
  }

  has(name: string): boolean {
    return this.entries.has(name.toUpperCase());
  }

  set(name: string, value: string): void {
    this.entries.set(name.toUpperCase(), { name, value });
  }

  delete(name: string): boolean {
    return this.entries.delete(name.toUpperCase());
  }

  /** Sorted by name, as SHOW VARIABLES lists them. */
  list(): { name: string; value: string }[] {
    return [...this.entries.values()].sort((a, b) => a.name.toUpperCase().localeCompare(b.name.toUpperCase()));
  }

  clone(): Variables {
    const copy = new Variables();
    for (const { name, value } of this.entries.values()) copy.set(name, value);
    return copy;
  }

  readonly lookup: VariableLookup = (name) => this.get(name);
}

/** Replace `${name}` references inside string text. Substituted text can never end the string it sits in. */
export function substituteInString(text: string, lookup: VariableLookup): string {
  return text.replace(REFERENCE, (match, name: string | undefined) => {
    if (name === undefined) return '${';
    return lookup(name) ?? match;
  });
}

/** Does this string contain a reference that would be substituted (used to mask and explain)? */
export function hasReference(text: string): boolean {
  REFERENCE.lastIndex = 0;
  return [...text.matchAll(REFERENCE)].some((m) => m[1] !== undefined);
}
