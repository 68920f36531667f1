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
  });
});
