import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { Engine } from '../engine/engine.js';
import { Session } from '../engine/session.js';
import { SessionMirror } from './session-mirror.js';

const mirrors: SessionMirror[] = [];
afterEach(() => mirrors.splice(0).forEach((m) => m.close()));

/** What a server answers, from a real engine and session (it masks as the server does). */
function server() {
  const catalog = Catalog.inMemory();
  const engine = new Engine({ catalog });
  const session = new Session({ origin: 'ws' });
  return {
    run: (sql: string) => engine.execute(sql, session),
    session,
    close: () => catalog.close(),
  };
}

describe('SessionMirror', () => {
  it('follows DEFINE, UNDEFINE, SET and UNSET as the answers report them, and gives the state to send again', () => {
    const s = server();
    const mirror = new SessionMirror();
    mirrors.push(mirror);
    mirror.define({ from_cli: '1' });
    for (const sql of ["DEFINE a = 'x'; DEFINE b = '${a}y';", "SET 'sluice.unknown.keys' = 'warn';", 'UNDEFINE a;', "SET 'ksql.variable.substitution.enable' = 'false'; UNSET 'ksql.variable.substitution.enable';"]) {
      mirror.record(sql, s.run(sql));
    }
    expect(mirror.snapshot()).toEqual({ variables: { from_cli: '1', b: 'xy' }, properties: { 'sluice.unknown.keys': 'warn' } });
    s.close();
  });

  it('keeps the real value of a variable whose value the server masked, from the DEFINE it sent', () => {
    const s = server();
    const mirror = new SessionMirror();
    mirrors.push(mirror);
    const sql = "DEFINE host = 'db1'; DEFINE db_password = 'hunter2-${host}'; DEFINE db_password = 'second-${host}';";
    const answer = s.run(sql);
    expect(JSON.stringify(answer)).not.toContain('second-db1');
    mirror.record(sql, answer);
    expect(mirror.snapshot().variables).toEqual({ host: 'db1', db_password: 'second-db1' });
    s.close();
  });

  it('has nothing to send for a session nothing was put in', () => {
    const mirror = new SessionMirror();
    mirrors.push(mirror);
    mirror.record('SHOW VARIABLES;', []);
    expect(mirror.snapshot()).toEqual({});
  });
});
