import type { ConnectorRuntime } from '../api.js';
import { FileSinkTask } from './task.js';

export const runtime: ConnectorRuntime = {
  // One task per file: several writers could not keep one committed length (Kafka's sink gives tasks.max copies).
  taskConfigs: (config) => [config],
  createSinkTask: () => new FileSinkTask(),
};
