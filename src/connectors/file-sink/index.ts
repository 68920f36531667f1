import { field, isSet } from '../schema.js';
import type { ConfigField, ConfigMap, ConnectorDefinition, Guarantee } from '../schema.js';

/** Apache Kafka's FileStreamSinkConnector keys (connect/file); topics/topics.regex come from the sink framework. */
export const fileSinkField = {
  file: field.string('file', 'File to append record values to, one per line; unset or empty writes to standard output.', {
    default: null,
    importance: 'high',
  }),
} as const satisfies Record<string, ConfigField>;

function guaranteeProblem(config: ConfigMap, g: Guarantee): string | undefined {
  if (g !== 'EFFECTIVELY_ONCE' || isSet(config, fileSinkField.file)) return undefined;
  return (
    `standard output cannot be truncated back to the last committed offset, so records written after that commit ` +
    `are written again after a restart. Set '${fileSinkField.file.key}' to a file for EFFECTIVELY_ONCE, or use ATLEAST_ONCE`
  );
}

export const fileSink: ConnectorDefinition = {
  name: 'file-sink',
  kind: 'sink',
  className: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  aliases: ['FileStreamSinkConnector', 'FileStreamSink'],
  version: '0.1.0',
  summary: 'Appends each record value as a line to a file (or standard output).',
  fields: Object.values(fileSinkField),
  guarantees: ['ATMOST_ONCE', 'ATLEAST_ONCE', 'EFFECTIVELY_ONCE'],
  guaranteeProblem,
  load: async () => (await import('./runtime.js')).runtime,
};
