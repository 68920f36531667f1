import type { ListKsqlObjects } from '../sql/ast.js';
import type { QueriesEntity, QueryDescriptionsEntity, SourceDescriptionsEntity, StreamsEntity, TablesEntity } from './results.js';

type ObjectsEntity = StreamsEntity | TablesEntity | QueriesEntity | SourceDescriptionsEntity | QueryDescriptionsEntity;

/** SHOW STREAMS | TABLES | QUERIES [EXTENDED]: ksqlDB's entities, empty, so a ksqlDB tool that asks on connecting goes on. */
export function listKsqlObjects(s: ListKsqlObjects): ObjectsEntity {
  const base = { statementText: s.text, warnings: [] };
  if (s.extended) {
    return s.what === 'QUERIES' ? { ...base, '@type': 'query_descriptions', queryDescriptions: [] } : { ...base, '@type': 'source_descriptions', sourceDescriptions: [] };
  }
  switch (s.what) {
    case 'STREAMS':
      return { ...base, '@type': 'streams', streams: [] };
    case 'TABLES':
      return { ...base, '@type': 'tables', tables: [] };
    case 'QUERIES':
      return { ...base, '@type': 'queries', queries: [] };
  }
}
