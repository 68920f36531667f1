import { describe, expect, it } from 'vitest';
import { fakeCreate, textAt } from '../testing.js';
import { validateConnectorConfig } from '../validate.js';
import { fileSource } from './index.js';

function check(pairs: readonly (readonly [string, string])[]) {
  const { text, input } = fakeCreate('SOURCE', pairs);
  const { errors } = validateConnectorConfig(input);
  return { errors, found: errors.map((e) => `${e.code}@${e.loc?.line}:${e.loc?.column} ${textAt(text, e.loc)}`) };
}

describe('file-source', () => {
  it('reads a file with every guarantee', () => {
    for (const g of ['atmost_once', 'ATLEAST_ONCE', 'Effectively_Once']) {
      const { errors } = check([
        ['connector.class', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
        ['file', '/var/log/app.log'],
        ['topic', 'app'],
        ['processing.guarantees', g],
      ]);
      expect(errors).toEqual([]);
    }
  });

  it.each([[[]], [[['file', '']] as const]])('refuses EFFECTIVELY_ONCE on stdin (%j)', (fileProps) => {
    const { errors, found } = check([
      ['connector.class', 'FileStreamSourceConnector'],
      ...fileProps,
      ['topic', 'lines'],
      ['processing.guarantees', 'EFFECTIVELY_ONCE'],
    ]);
    const line = 4 + fileProps.length;
    expect(found).toEqual([`UNSUPPORTED_GUARANTEE@${line}:29 'EFFECTIVELY_ONCE'`]);
    expect(errors[0]!.message).toMatch(/standard input/);
    expect(errors[0]!.message).toContain('it can provide ATMOST_ONCE, ATLEAST_ONCE');
  });

  it('accepts stdin at the default guarantee', () => {
    expect(check([['connector.class', 'file-source'], ['topic', 'lines']]).errors).toEqual([]);
    expect(fileSource.guaranteeProblem?.({}, 'ATLEAST_ONCE')).toBeUndefined();
  });

  it('checks batch.size', () => {
    const { found } = check([['connector.class', 'FileStreamSource'], ['topic', 't'], ['batch.size', '-5']]);
    expect(found).toEqual(["INVALID_CONFIG_VALUE@4:18 '-5'"]);
  });
});
