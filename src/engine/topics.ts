import { SqlSemanticError } from '../errors/base.js';
import type { ListTopics, PrintTopic } from '../sql/ast.js';

// SHOW TOPICS and PRINT read the log that connectors write to. They parse today; without a runtime attached
// to the engine there is no log to read, and saying so beats an empty answer that looks like "no topics".
function needsRuntime(s: ListTopics | PrintTopic, what: string): never {
  throw new SqlSemanticError('UNSUPPORTED_STATEMENT', `${what} needs a running log, which this Sluice build does not have yet`, { loc: s.loc });
}

export function listTopics(s: ListTopics): never {
  return needsRuntime(s, 'SHOW TOPICS');
}

export function printTopic(s: PrintTopic): never {
  return needsRuntime(s, 'PRINT');
}
