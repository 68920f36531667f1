/** Which user a PostgreSQL source connects as when the config names none: libpq's defaults, as psql has them. */

import { userInfo } from 'node:os';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gate, PG, postgres } from '../../../test/helpers/databases.js';
import { postgresUser } from './dialects/postgres.js';
import { drain, startTask, values } from './testing.js';

describe('postgresUser', () => {
  const os = () => 'osuser';
  it('takes connection.user, then the URL user, then PGUSER, then the operating-system user', () => {
    expect(postgresUser('given', 'inurl', { PGUSER: 'env' }, os)).toBe('given');
    expect(postgresUser(undefined, 'inurl', { PGUSER: 'env' }, os)).toBe('inurl');
    expect(postgresUser(undefined, undefined, { PGUSER: 'env' }, os)).toBe('env');
    expect(postgresUser(undefined, undefined, {}, os)).toBe('osuser');
    // An empty PGUSER is unset, as libpq treats it.
    expect(postgresUser(undefined, undefined, { PGUSER: '' }, os)).toBe('osuser');
    expect(postgresUser(undefined, undefined, {}, () => undefined)).toBeUndefined();
  });
});

const pgBackend = await postgres();
afterAll(() => pgBackend.shutdown());

if (gate(pgBackend)) {
  describe('PostgreSQL without connection.user', () => {
    const saved = { PGUSER: process.env.PGUSER, USER: process.env.USER };
    const restore = (name: 'PGUSER' | 'USER') => {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    };
    beforeEach(() => {
      delete process.env.PGUSER;
      // pg's own fallback is $USER; without it pg sent no user at all.
      delete process.env.USER;
    });
    afterEach(() => {
      restore('PGUSER');
      restore('USER');
    });
    const url = `jdbc:postgresql://${PG.host}:${PG.port}/${PG.database}`;
    const config = { 'connection.url': url, mode: 'bulk', query: 'SELECT current_user::text AS who', 'topic.prefix': 'who', 'connection.attempts': '1' };

    async function connectedAs(extra: Record<string, string> = {}): Promise<unknown> {
      const { task, store } = await startTask({ ...config, ...extra });
      try {
        return values(await drain(task, store))[0]?.who;
      } finally {
        await task.stop();
      }
    }

    it('connects as PGUSER', async () => {
      process.env.PGUSER = 'postgres';
      expect(await connectedAs()).toBe('postgres');
      // connection.user still comes first.
      process.env.PGUSER = 'sluice_nobody';
      expect(await connectedAs({ 'connection.user': 'postgres' })).toBe('postgres');
    });

    it('connects as the operating-system user when PGUSER is unset too', async () => {
      const me = userInfo().username;
      const ns = await pgBackend.open();
      const [[hasRole]] = (await ns.query(`SELECT count(*)::int FROM pg_roles WHERE rolname = '${me.replace(/'/g, "''")}'`)) as [[number]];
      if (hasRole === 1) {
        expect(await connectedAs()).toBe(me);
      } else {
        // No such role on this server: the refusal still names the user it tried.
        await expect(connectedAs()).rejects.toThrow(`as user '${me}'`);
      }
    });
  });
}
