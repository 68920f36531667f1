// ksqldb-js ships no types; only what the compatibility test calls.
declare module 'ksqldb-js' {
  export default class KsqlDB {
    constructor(config: { ksqldbURL: string; API?: string; secret?: string });
    ksql(query: string): Promise<unknown>;
    inspectServerInfo(): Promise<unknown>;
    inspectServerHealth(): Promise<unknown>;
    /** GET /is_valid_property/NAME: the axios response (its data `true`), or a ksqlDBError. */
    isValidProperty(propertyName: string): Promise<unknown>;
    /** POST /query-stream over HTTP/2; each DATA chunk is handed to cb and parsed as JSON. Resolves with the header's queryId. */
    push(query: string, cb: (chunk: string) => void): Promise<string>;
    /** POST /query-stream over HTTP/1.1 (axios, Accept: application/json first): the whole answer. */
    pull(query: string): Promise<unknown>;
  }
}
