import { describe, expect, it } from 'vitest';
import { BUILTIN_CONNECTORS } from './builtin.js';
import { renderConnectorReference } from './docs.js';
import { allFieldsFor, commonFields, frameworkFieldsFor, sinkFields, sourceFields } from './framework.js';
import { defaultRegistry } from './registry.js';
import { GUARANTEES } from './schema.js';
import type { ConfigField } from './schema.js';
import { checkValue } from './values.js';

/** Walks every schema, so a connector added to builtin.ts is held to the same rules without new tests. */

function fieldRules(label: string, fields: () => readonly ConfigField[]) {
  describe(label, () => {
    it('declares each key once', () => {
      const keys = fields().map((f) => f.key);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    });

    it.each(fields().map((f) => [f.key, f] as const))('%s is documented and self-consistent', (_key, f) => {
      expect(f.description.trim().length).toBeGreaterThan(10);
      if (f.default !== undefined && f.default !== null) expect(checkValue(f, f.default)).toBeUndefined();
      if (f.required) expect(f.default).toBeUndefined();
      if (f.allowed) expect(f.allowed.length).toBeGreaterThan(0);
      if (f.min !== undefined && f.max !== undefined) expect(f.min).toBeLessThanOrEqual(f.max);
      if (f.prefix) expect(f.key.endsWith('.')).toBe(true);
      if (f.type === 'password') expect(f.secret).toBe(true);
    });
  });
}

fieldRules('framework source fields', () => frameworkFieldsFor('source'));
fieldRules('framework sink fields', () => frameworkFieldsFor('sink'));
for (const def of BUILTIN_CONNECTORS) fieldRules(`${def.name} fields (with framework)`, () => allFieldsFor(def));

describe('framework field sets', () => {
  it('keeps sink-only and source-only keys apart', () => {
    const sink = new Set(sinkFields.map((f) => f.key));
    expect(sourceFields.filter((f) => sink.has(f.key))).toEqual([]);
    expect(sink.has('topics')).toBe(true);
    expect(frameworkFieldsFor('source').some((f) => f.key === 'topics')).toBe(false);
  });

  it('does not accept transforms or predicates yet', () => {
    const keys = [...commonFields, ...sinkFields, ...sourceFields].map((f) => f.key);
    expect(keys.some((k) => k.startsWith('transforms') || k.startsWith('predicates'))).toBe(false);
  });
});

describe.each(BUILTIN_CONNECTORS.map((d) => [d.name, d] as const))('definition %s', (_name, def) => {
  it('has a summary, version and guarantees drawn from GUARANTEES', () => {
    expect(def.summary.length).toBeGreaterThan(10);
    expect(def.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(def.guarantees.length).toBeGreaterThan(0);
    for (const g of def.guarantees) expect(GUARANTEES).toContain(g);
  });

  it('resolves from every spelling', () => {
    for (const s of [def.className, def.name, ...def.aliases]) expect(defaultRegistry.resolve(s)).toBe(def);
  });

  it('documents every key it accepts', () => {
    const doc = renderConnectorReference(def);
    for (const f of allFieldsFor(def)) expect(doc).toContain(`\`${f.key}${f.prefix ? '*' : ''}\``);
  });

  it('does not repeat a framework key', () => {
    const framework = new Set(frameworkFieldsFor(def.kind).map((f) => f.key));
    expect(def.fields.filter((f) => framework.has(f.key)).map((f) => f.key)).toEqual([]);
  });
});
