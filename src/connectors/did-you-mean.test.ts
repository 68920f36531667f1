import { describe, expect, it } from 'vitest';
import { didYouMean } from './did-you-mean.js';

const KEYS = ['connection.url', 'connection.user', 'mode', 'topic', 'topics', 'topics.regex', 'key', 'batch.max.rows'];

describe('didYouMean', () => {
  it('prefers a case-insensitive exact match', () => {
    expect(didYouMean('MODE', KEYS)).toBe('mode');
    expect(didYouMean(' Topics ', KEYS)).toBe('topics');
  });

  it('suggests close typos, the closest first and the earlier on ties', () => {
    expect(didYouMean('connection.uri', KEYS)).toBe('connection.url');
    expect(didYouMean('mdoe', KEYS)).toBe('mode');
    expect(didYouMean('kye', KEYS)).toBe('key');
    expect(didYouMean('topcs', KEYS)).toBe('topics');
    expect(didYouMean('batch.max.row', KEYS)).toBe('batch.max.rows');
  });

  it('falls back to prefix and suffix relations', () => {
    const classes = ['io.confluent.connect.jdbc.JdbcSourceConnector', 'FileStreamSource'];
    expect(didYouMean('connect.jdbc.JdbcSourceConnector', classes)).toBe(classes[0]);
    expect(didYouMean('FileStreamSourceConnectorV2', classes)).toBe('FileStreamSource');
  });

  it('stays quiet when nothing is close', () => {
    expect(didYouMean('password', KEYS)).toBeUndefined();
    expect(didYouMean('zz', KEYS)).toBeUndefined();
    expect(didYouMean('', KEYS)).toBeUndefined();
    expect(didYouMean('mode', [])).toBeUndefined();
    // Two letters may not be rewritten into an unrelated three-letter word.
    expect(didYouMean('ab', ['key'])).toBeUndefined();
    // Within the threshold, but only by replacing every character of the short candidate.
    expect(didYouMean('idxy', ['id'])).toBeUndefined();
  });
});
