/**
 * One rule for integers on every database and column type: a JSON number within ±(2^53 − 1), beyond that a string
 * with every digit. MariaDB's BIGINT UNSIGNED came out as a string even for 5, unlike PostgreSQL's bigint.
 */

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gate, mariadb, postgres, sqlite, type Backend, type Namespace } from '../../../test/helpers/databases.js';
import { drain, startTask, values } from './testing.js';

const SAFE = 2n ** 53n - 1n;
const backends: Backend[] = [sqlite(), await postgres(), await mariadb()];
afterAll(async () => {
  for (const b of backends) await b.shutdown();
});

/** The column types to try per database, each with the values around 2^53 and its extremes. */
function columns(backend: Backend['name']): { type: string; values: bigint[] }[] {
  const signed = [0n, 5n, -5n, SAFE, SAFE + 1n, -SAFE, -SAFE - 1n, 2n ** 63n - 1n, -(2n ** 63n)];
  switch (backend) {
    case 'SQLite':
      return [{ type: 'INTEGER', values: signed }];
    case 'PostgreSQL':
      return [
        { type: 'BIGINT', values: signed },
        { type: 'INTEGER', values: [5n, 2n ** 31n - 1n, -(2n ** 31n)] },
      ];
    case 'MariaDB':
      return [
        { type: 'BIGINT', values: signed },
        { type: 'BIGINT UNSIGNED', values: [0n, 5n, SAFE, SAFE + 1n, 2n ** 63n, 2n ** 64n - 1n] },
        { type: 'INT UNSIGNED', values: [5n, 2n ** 32n - 1n] },
      ];
  }
}

/** The rule itself, written out so the test does not call the code it checks. */
const expected = (n: bigint) => (n >= -SAFE && n <= SAFE ? Number(n) : n.toString());

for (const backend of backends) {
  if (!gate(backend)) continue;

  describe(`${backend.name} integers`, () => {
    let ns: Namespace;
    beforeEach(async () => {
      ns = await backend.open();
    });
    afterEach(() => ns.drop());

    for (const { type, values: ints } of columns(backend.name)) {
      it(`${type}: numbers within ±(2^53 − 1), exact digit strings beyond`, async () => {
        await ns.exec(`CREATE TABLE ${ns.quote('n')} (pos INTEGER NOT NULL, v ${type})`);
        // Literals, not parameters: a driver must not be what rounds the value before it is stored.
        const rows = ints.map((n, i) => `(${i}, ${n})`).join(', ');
        await ns.exec(`INSERT INTO ${ns.qualified('n')} (pos, v) VALUES ${rows}, (${ints.length}, NULL)`);
        const config = { 'connection.url': ns.url, ...ns.config, mode: 'bulk', 'topic.prefix': 'p-', 'connection.attempts': '1' };
        const { task, store } = await startTask(config);
        try {
          const got = values(await drain(task, store)).sort((a, b) => Number(a.pos) - Number(b.pos));
          expect(got.map((r) => r.v)).toEqual([...ints.map(expected), null]);
        } finally {
          await task.stop();
        }
      });
    }

    if (backend.name === 'MariaDB') {
      it('BIGINT UNSIGNED as the incrementing column: offsets keep every digit up to 2^64 − 1, and resume', async () => {
        await ns.exec(`CREATE TABLE ${ns.quote('n')} (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, name TEXT)`);
        await ns.exec(`INSERT INTO ${ns.qualified('n')} (id, name) VALUES (5, 'a'), (18446744073709551614, 'b')`);
        const config = { 'connection.url': ns.url, ...ns.config, mode: 'incrementing', 'incrementing.column.name': 'id', 'topic.prefix': 'p-', 'poll.interval.ms': '1' };
        const first = await startTask(config);
        try {
          expect(values(await drain(first.task, first.store)).map((v) => v.id)).toEqual([5, '18446744073709551614']);
          expect(first.store.get({ protocol: '1', table: ns.fqn('n') })).toEqual({ incrementing: '18446744073709551614' });
        } finally {
          await first.task.stop();
        }
        await ns.exec(`INSERT INTO ${ns.qualified('n')} (id, name) VALUES (18446744073709551615, 'c')`);
        const again = await startTask(config, first.store);
        try {
          expect(values(await drain(again.task, again.store)).map((v) => v.name)).toEqual(['c']);
        } finally {
          await again.task.stop();
        }
      });

      it('BIGINT UNSIGNED keeps its Connect type Decimal(20, 0) in the envelope, every digit in the payload', async () => {
        await ns.exec(`CREATE TABLE ${ns.quote('n')} (v BIGINT UNSIGNED NOT NULL)`);
        await ns.exec(`INSERT INTO ${ns.qualified('n')} (v) VALUES (5), (18446744073709551615)`);
        const config = { 'connection.url': ns.url, ...ns.config, mode: 'bulk', 'topic.prefix': 'p-', 'value.converter.schemas.enable': 'true' };
        const { task, store } = await startTask(config);
        try {
          const records = (await drain(task, store)).map((r) => r.value as { schema: { fields: object[] }; payload: { v: string } });
          expect(records[0]!.schema.fields[0]).toMatchObject({ field: 'v', type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '0' } });
          const unscaled = (b64: string) => BigInt(`0x${Buffer.from(b64, 'base64').toString('hex')}`);
          expect(records.map((r) => unscaled(r.payload.v)).sort((a, b) => (a < b ? -1 : 1))).toEqual([5n, 2n ** 64n - 1n]);
        } finally {
          await task.stop();
        }
      });
    }
  });
}
