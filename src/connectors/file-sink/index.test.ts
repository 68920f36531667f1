import { describe, expect, it } from 'vitest';
import { fakeCreate, textAt } from '../testing.js';
import { validateConnectorConfig } from '../validate.js';

function check(pairs: readonly (readonly [string, string])[]) {
  const { text, input } = fakeCreate('SINK', pairs);
  const { errors, config } = validateConnectorConfig(input);
  return { errors, config, found: errors.map((e) => `${e.code}@${e.loc?.line}:${e.loc?.column} ${textAt(text, e.loc)}`) };
}

const SINK = ['connector.class', 'FileStreamSink'] as const;

describe('file-sink', () => {
  it('writes topics to a file with every guarantee', () => {
    for (const g of ['ATMOST_ONCE', 'ATLEAST_ONCE', 'EFFECTIVELY_ONCE']) {
      expect(check([SINK, ['topics', 'a,b'], ['file', '/tmp/out.txt'], ['processing.guarantees', g]]).errors).toEqual([]);
    }
    expect(check([SINK, ['topics.regex', 'orders-.*']]).errors).toEqual([]);
  });

  it('refuses EFFECTIVELY_ONCE on stdout at the guarantee', () => {
    const { errors, found } = check([SINK, ['topics', 'a'], ['processing.guarantees', 'effectively_once']]);
    expect(found).toEqual(["UNSUPPORTED_GUARANTEE@4:29 'effectively_once'"]);
    expect(errors[0]!.message).toMatch(/standard output/);
  });

  it('needs exactly one of topics and topics.regex', () => {
    expect(check([SINK]).found).toEqual([expect.stringMatching(/^MISSING_REQUIRED_CONFIG@1:1 /)]);
    expect(check([SINK, ['topics', '']]).found).toEqual(["MISSING_REQUIRED_CONFIG@3:14 ''"]);
    expect(check([SINK, ['topics', 'a'], ['topics.regex', 'a.*']]).found).toEqual(["INVALID_CONFIG_VALUE@4:20 'a.*'"]);
  });

  it('checks topics.regex and keeps the DLQ out of the consumed topics', () => {
    expect(check([SINK, ['topics.regex', '(']]).found).toEqual(["INVALID_CONFIG_VALUE@3:20 '('"]);
    const { found } = check([SINK, ['topics', 'a, dlq'], ['errors.deadletterqueue.topic.name', 'dlq']]);
    expect(found).toEqual(["INVALID_CONFIG_VALUE@4:41 'dlq'"]);
  });

  it('accepts sink framework keys and rejects source-only ones', () => {
    const { found } = check([
      SINK,
      ['topics', 'a'],
      ['consumer.override.max.poll.records', '10'],
      ['errors.deadletterqueue.context.headers.enable', 'true'],
      ['producer.override.acks', 'all'],
    ]);
    expect(found).toEqual(["UNKNOWN_CONFIG_KEY@6:3 'producer.override.acks'"]);
  });
});
