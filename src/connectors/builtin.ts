import { fileSink } from './file-sink/index.js';
import { fileSource } from './file-source/index.js';
import { jdbcSource } from './jdbc-source/index.js';
import type { ConnectorDefinition } from './schema.js';

/** Every connector shipped with Sluice. Explicit on purpose: no import-for-side-effect registration. */
export const BUILTIN_CONNECTORS: readonly ConnectorDefinition[] = [jdbcSource, fileSource, fileSink];
