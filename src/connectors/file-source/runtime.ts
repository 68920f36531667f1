import type { ConnectorRuntime } from '../api.js';
import { isSet } from '../schema.js';
import { fileSourceField as F } from './index.js';
import { StdinSourceTask } from './stdin-task.js';
import { FileSourceTask } from './task.js';

export const runtime: ConnectorRuntime = {
  // One file has one reader: like Kafka's FileStreamSource, always a single task whatever tasks.max says.
  taskConfigs: (config) => [config],
  createSourceTask: (config) => (isSet(config, F.file) ? new FileSourceTask() : new StdinSourceTask()),
  readsStdin: (config) => !isSet(config, F.file),
};
