// ksqldb-js ships no types; only what the compatibility test calls.
declare module 'ksqldb-js' {
  export default class KsqlDB {
    constructor(config: { ksqldbURL: string; API?: string; secret?: string });
    ksql(query: string): Promise<unknown>;
    inspectServerInfo(): Promise<unknown>;
    inspectServerHealth(): Promise<unknown>;
  }
}
