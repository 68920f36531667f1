import type { ConfigField } from './schema.js';

/**
 * Single-value checks derived from a field's declaration. Kept apart from validate.ts so schema tests can prove
 * every default passes the same check a user's value would.
 */

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// Java binary names, including nested classes ('Outer$Inner').
const CLASS_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** The field a key belongs to: exact keys win over prefix families; a family needs something after the prefix. */
export function findField(fields: readonly ConfigField[], key: string): ConfigField | undefined {
  const exact = fields.find((f) => !f.prefix && f.key === key);
  if (exact) return exact;
  return fields.find((f) => f.prefix === true && key.length > f.key.length && key.startsWith(f.key));
}

/** The allowed value `value` stands for, honouring caseInsensitive; undefined if not allowed. */
export function matchAllowed(f: ConfigField, value: string): string | undefined {
  if (!f.allowed) return value;
  if (f.allowed.includes(value)) return value;
  if (!f.caseInsensitive) return undefined;
  return f.allowed.find((a) => a.toLowerCase() === value.toLowerCase());
}

function rangeText(lo: bigint | number, hi: bigint | number): string {
  return `between ${lo} and ${hi}`;
}

function checkWhole(f: ConfigField, value: string, lo: bigint, hi: bigint, noun: string): string | undefined {
  const min = f.min === undefined ? lo : BigInt(f.min);
  const max = f.max === undefined ? hi : BigInt(f.max);
  const expected = `expected ${noun} ${rangeText(min, max)}`;
  if (!INTEGER.test(value.trim())) return expected;
  const n = BigInt(value.trim());
  return n < min || n > max ? expected : undefined;
}

function checkDouble(f: ConfigField, value: string): string | undefined {
  const bounds =
    f.min !== undefined && f.max !== undefined
      ? ` ${rangeText(f.min, f.max)}`
      : f.min !== undefined
        ? ` of at least ${f.min}`
        : f.max !== undefined
          ? ` of at most ${f.max}`
          : '';
  const expected = `expected a number${bounds}`;
  if (!DECIMAL.test(value.trim())) return expected;
  const n = Number(value);
  if (!Number.isFinite(n)) return expected;
  if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) return expected;
  return undefined;
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

/**
 * Why `value` is not acceptable for `f` (the expected type or allowed values), or undefined when it is.
 * Blank values of required fields are left to the caller, which reports them as missing.
 */
export function checkValue(f: ConfigField, value: string): string | undefined {
  switch (f.type) {
    case 'int':
      return checkWhole(f, value, BigInt(INT_MIN), BigInt(INT_MAX), 'an integer');
    case 'long':
      return checkWhole(f, value, LONG_MIN, LONG_MAX, 'a whole number');
    case 'double':
      return checkDouble(f, value);
    case 'boolean':
      // ConfigDef parses booleans ignoring case.
      return /^(true|false)$/i.test(value.trim()) ? undefined : "expected a boolean: 'true' or 'false'";
    case 'class':
      if (!CLASS_NAME.test(value.trim())) return 'expected a fully qualified class name';
      break;
    case 'list':
      if (f.allowed) {
        const bad = value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '' && matchAllowed(f, s) === undefined);
        if (bad.length > 0) return `expected a comma-separated list of ${quoteList(f.allowed)}`;
      }
      return undefined;
    case 'string':
    case 'password':
      break;
  }
  if (f.allowed && matchAllowed(f, value) === undefined) {
    const caseNote = f.caseInsensitive ? ' (case-insensitive)' : '';
    return `expected one of ${quoteList(f.allowed)}${caseNote}`;
  }
  return undefined;
}
