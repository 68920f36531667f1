import { topicNameProblem } from '../../platform/topic-name.js';
import { field, isSet, valueOf } from '../schema.js';
import type { ConfigField, ConfigMap, ConnectorDefinition, Guarantee } from '../schema.js';

/** Apache Kafka's FileStreamSourceConnector keys (connect/file). */
export const fileSourceField = {
  file: field.string('file', 'File to read lines from; unset or empty reads standard input.', {
    default: null,
    importance: 'high',
  }),
  topic: field.string('topic', 'Topic to write each line to.', { required: true, importance: 'high' }),
  batchSize: field.int('batch.size', 'Maximum lines returned by one poll.', { default: '2000', min: 1, importance: 'low' }),
} as const satisfies Record<string, ConfigField>;

function guaranteeProblem(config: ConfigMap, g: Guarantee): string | undefined {
  if (g !== 'EFFECTIVELY_ONCE' || isSet(config, fileSourceField.file)) return undefined;
  return (
    `standard input is a stream with no position to store or resume from, so lines read before a crash cannot be ` +
    `told apart from new ones. Set '${fileSourceField.file.key}' to a file for EFFECTIVELY_ONCE, or use ATLEAST_ONCE`
  );
}

export const fileSource: ConnectorDefinition = {
  name: 'file-source',
  kind: 'source',
  className: 'org.apache.kafka.connect.file.FileStreamSourceConnector',
  aliases: ['FileStreamSourceConnector', 'FileStreamSource'],
  version: '0.1.0',
  summary: 'Reads lines appended to a file (or standard input), one record per line.',
  fields: Object.values(fileSourceField),
  guarantees: ['ATMOST_ONCE', 'ATLEAST_ONCE', 'EFFECTIVELY_ONCE'],
  guaranteeProblem,
  validate: (config) => {
    const problem = topicNameProblem(valueOf(config, fileSourceField.topic) ?? '');
    return problem && isSet(config, fileSourceField.topic) ? [{ key: fileSourceField.topic.key, code: 'INVALID_CONFIG_VALUE', message: problem }] : [];
  },
  load: async () => (await import('./runtime.js')).runtime,
};
