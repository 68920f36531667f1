// An existing ksqlDB REST client (ksqldb-js, unchanged) manages connectors on `sluice serve`'s REST API.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import KsqlDB from 'ksqldb-js';
import { startServer, type ServerRig } from '../src/server/testing.js';

let rig: ServerRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe('ksqldb-js against sluice serve', () => {
  it('creates, lists, describes and drops connectors, and reads errors, info and health', async () => {
    rig = await startServer();
    const file = path.join(rig.dir, 'in.txt');
    fs.writeFileSync(file, 'x\n');
    const client = new KsqlDB({ ksqldbURL: rig.url });

    const created = await client.ksql(`CREATE SOURCE CONNECTOR \`from-file\` WITH ('connector.class' = 'FileStreamSource', 'file' = '${file}', 'topic' = 'lines');`);
    expect(created).toMatchObject({ '@type': 'connector_info', info: { name: 'from-file', type: 'source' } });
    const list = await client.ksql('SHOW CONNECTORS;');
    expect(list).toMatchObject({ '@type': 'connector_list', connectors: [{ name: 'from-file', type: 'source' }] });
    const described = await client.ksql('DESCRIBE CONNECTOR `from-file`;');
    expect(described).toMatchObject({ '@type': 'connector_description', status: { name: 'from-file', connector: { state: expect.any(String) } }, topics: expect.any(Array) });

    const missing = await client.ksql('DESCRIBE CONNECTOR nothing;').then(
      () => undefined,
      (err: unknown) => err as Record<string, unknown>,
    );
    expect(missing).toMatchObject({ name: 'ksqlDBError', error_code: 40400, message: expect.stringContaining('NOTHING') });

    const dropped = await client.ksql('DROP CONNECTOR `from-file`;');
    expect(dropped).toMatchObject({ '@type': 'drop_connector', connectorName: 'from-file' });
    expect(await client.ksql('SHOW CONNECTORS;')).toMatchObject({ connectors: [] });

    const info = (await client.inspectServerInfo()) as { data: Record<string, unknown> };
    expect(info.data).toMatchObject({ KsqlServerInfo: { serverStatus: 'RUNNING' } });
    const health = (await client.inspectServerHealth()) as { data: Record<string, unknown> };
    expect(health.data).toMatchObject({ isHealthy: true });

    const valid = (await client.isValidProperty('auto.offset.reset')) as { data: unknown };
    expect(valid.data).toBe(true);
    const invalid = await client.isValidProperty('no.such.property').then(
      () => undefined,
      (err: unknown) => err as Record<string, unknown>,
    );
    expect(invalid).toMatchObject({ name: 'ksqlDBError', error_code: 40000, message: expect.stringContaining("'no.such.property'") });
  });

  it('streams PRINT from /query-stream to its push and pull calls, which parse what comes as JSON', async () => {
    rig = await startServer();
    await rig.runtime.log.append([{ topic: 'clicks', key: 'k1', value: { page: '/a' } }, { topic: 'clicks', key: 'k2', value: 'plain' }]);
    const client = new KsqlDB({ ksqldbURL: rig.url });
    const chunks: string[] = [];
    const queryId = await client.push('PRINT clicks FROM BEGINNING LIMIT 2;', (chunk) => chunks.push(chunk));
    expect(queryId).toMatch(/^print-/);
    const deadline = Date.now() + 5000;
    while (chunks.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const rows = chunks.map((c) => JSON.parse(c) as unknown);
    expect(rows).toEqual([
      { queryId, columnNames: ['ROWTIME', 'KEY', 'VALUE', 'PARTITION', 'OFFSET'], columnTypes: ['BIGINT', 'STRING', 'STRING', 'INTEGER', 'BIGINT'] },
      [expect.any(Number), 'k1', '{"page":"/a"}', 0, 0],
      [expect.any(Number), 'k2', 'plain', 0, 1],
    ]);
    const pulled = await client.pull('PRINT clicks FROM BEGINNING LIMIT 1;');
    expect(pulled).toEqual([{ queryId: expect.stringMatching(/^print-/), columnNames: expect.any(Array), columnTypes: expect.any(Array) }, [expect.any(Number), 'k1', '{"page":"/a"}', 0, 0]]);
  });
});
