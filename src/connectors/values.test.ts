import { describe, expect, it } from 'vitest';
import { field } from './schema.js';
import { checkValue, findField, matchAllowed } from './values.js';

describe('checkValue', () => {
  it('checks ints against the int range and declared bounds', () => {
    const f = field.int('n', 'a number', { min: 1 });
    expect(checkValue(f, '1')).toBeUndefined();
    expect(checkValue(f, ' 42 ')).toBeUndefined();
    expect(checkValue(f, '0')).toBe('expected an integer between 1 and 2147483647');
    expect(checkValue(f, '2147483648')).toBeDefined();
    expect(checkValue(f, '1.5')).toBeDefined();
    expect(checkValue(f, 'ten')).toBeDefined();
    expect(checkValue(f, '')).toBeDefined();
  });

  it('checks longs beyond Number precision', () => {
    const f = field.long('l', 'a long');
    expect(checkValue(f, '9223372036854775807')).toBeUndefined();
    expect(checkValue(f, '9223372036854775808')).toBe(
      'expected a whole number between -9223372036854775808 and 9223372036854775807',
    );
  });

  it('checks doubles, booleans and class names', () => {
    expect(checkValue(field.double('d', 'x', { min: 0 }), '1e3')).toBeUndefined();
    expect(checkValue(field.double('d', 'x', { min: 0 }), '-0.5')).toBe('expected a number of at least 0');
    expect(checkValue(field.double('d', 'x'), 'NaN')).toBeDefined();
    expect(checkValue(field.boolean('b', 'x'), 'TRUE')).toBeUndefined();
    expect(checkValue(field.boolean('b', 'x'), 'yes')).toBe("expected a boolean: 'true' or 'false'");
    expect(checkValue(field.class('c', 'x'), 'org.example.Outer$Inner')).toBeUndefined();
    expect(checkValue(field.class('c', 'x'), 'not a class')).toBeDefined();
  });

  it('lists allowed values, honouring caseInsensitive', () => {
    const strict = field.string('m', 'x', { allowed: ['a', 'b'] });
    const loose = field.string('m', 'x', { allowed: ['a', 'b'], caseInsensitive: true });
    expect(checkValue(strict, 'A')).toBe("expected one of 'a', 'b'");
    expect(checkValue(loose, 'A')).toBeUndefined();
    expect(matchAllowed(loose, 'B')).toBe('b');
    expect(checkValue(field.list('l', 'x', { allowed: ['a', 'b'] }), 'a, b,')).toBeUndefined();
    expect(checkValue(field.list('l', 'x', { allowed: ['a', 'b'] }), 'a,c')).toBeDefined();
  });
});

describe('findField', () => {
  const fields = [field.string('value.converter', 'x'), field.prefix('value.converter.', 'x')];

  it('prefers exact keys and needs something after a prefix', () => {
    expect(findField(fields, 'value.converter')).toBe(fields[0]);
    expect(findField(fields, 'value.converter.schemas.enable')).toBe(fields[1]);
    expect(findField(fields, 'value.converter.')).toBeUndefined();
    expect(findField(fields, 'Value.converter')).toBeUndefined();
  });

  it('refuses to declare a prefix that does not end with a dot', () => {
    expect(() => field.prefix('value.converter', 'x')).toThrow(/must end with '.'/);
  });
});
