import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allArtefacts, replaceBlock } from '../src/tools/artefacts.js';

// Generated files are committed so readers and type-checkers see them; this keeps them honest.
describe('generated files', () => {
  for (const file of allArtefacts()) {
    it(`${file.path} is current (run \`npm run gen\` if this fails)`, () => {
      expect(readFileSync(file.path, 'utf8')).toBe(file.content);
    });
  }

  it('README connector table lists every registered connector class', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const cls of [
      'io.confluent.connect.jdbc.JdbcSourceConnector',
      'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'org.apache.kafka.connect.file.FileStreamSinkConnector',
    ]) {
      expect(readme).toContain(cls);
    }
  });

  it('replaceBlock refuses a README without markers', () => {
    expect(() => replaceBlock('no markers here', 'connectors', 'x')).toThrow(/markers/);
  });
});
