/**
 * JDBC URL parsing. Credentials found in a URL are split out here so that everything else (messages, logs) only
 * ever sees `describeTarget`, which never includes a password.
 */

export type DatabaseKind = 'sqlite' | 'postgresql' | 'mysql';

export interface SqliteTarget {
  kind: 'sqlite';
  /** Absolute path (a relative URL path is resolved against the process's working directory). */
  path: string;
}

export interface ServerTarget {
  kind: 'postgresql' | 'mysql';
  /** 'MariaDB' when the URL says jdbc:mariadb:, for messages. */
  product: string;
  host: string;
  port: number;
  database: string | undefined;
  user: string | undefined;
  password: string | undefined;
  /** Other URL parameters (ssl, sslmode, …), lower-cased keys. */
  params: Record<string, string>;
}

export type Target = SqliteTarget | ServerTarget;

// The userinfo runs to the authority's last '@', as in url-secrets.ts, so a raw '@' in a password stays in the password.
// `;key=value` parameters after the host or the database are read as the query's (SQL Server's style, which
// url-secrets.ts masks too): else a ';password=…' would end up in the database name, and in every message.
const SERVER = /^jdbc:(postgresql|mysql|mariadb):\/\/(?:([^/?#]*)@)?(\[[^\]]+\]|[^:/?,@;]*)(?::(\d+))?(;[^/?]*)?(?:\/([^?]*))?(?:\?(.*))?$/i;

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses a supported JDBC URL; `cwd` resolves SQLite paths. Throws an Error naming only the scheme otherwise. */
export function parseJdbcUrl(url: string, cwd: string, resolvePath: (cwd: string, p: string) => string): Target {
  if (/^jdbc:sqlite:/i.test(url)) {
    const raw = url.slice('jdbc:sqlite:'.length);
    if (raw.trim() === '') throw new Error("the SQLite URL names no file: use 'jdbc:sqlite:PATH'");
    return { kind: 'sqlite', path: resolvePath(cwd, raw) };
  }
  const m = SERVER.exec(url.trim());
  if (!m) {
    const scheme = /^jdbc:[^:/]*/i.exec(url)?.[0] ?? 'this URL';
    throw new Error(`cannot parse '${scheme}' connection URL: expected jdbc:postgresql://HOST[:PORT]/DB or jdbc:mysql://HOST[:PORT]/DB`);
  }
  const [, scheme = '', userInfo, hostPart = '', portText, hostParams = '', path, query] = m;
  const lower = scheme.toLowerCase();
  const kind = lower === 'postgresql' ? 'postgresql' : 'mysql';
  const params: Record<string, string> = {};
  const [db, ...pathParams] = (path ?? '').split(';');
  const pairs = [...hostParams.split(';'), ...pathParams, ...(query ?? '').split('&')];
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = decode(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
    params[k] = decode(eq < 0 ? '' : pair.slice(eq + 1));
  }
  let user: string | undefined;
  let password: string | undefined;
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    user = decode(colon < 0 ? userInfo : userInfo.slice(0, colon));
    if (colon >= 0) password = decode(userInfo.slice(colon + 1));
  }
  if (params.user !== undefined) user = params.user;
  if (params.password !== undefined) password = params.password;
  delete params.user;
  delete params.password;
  const host = hostPart.replace(/^\[|\]$/g, '') || 'localhost';
  return {
    kind,
    product: lower === 'postgresql' ? 'PostgreSQL' : lower === 'mariadb' ? 'MariaDB' : 'MySQL',
    host,
    port: portText ? Number(portText) : kind === 'postgresql' ? 5432 : 3306,
    database: db ? decode(db) : undefined,
    user,
    password,
    params,
  };
}

/** 'PostgreSQL at 127.0.0.1:5432/test as user 'postgres'' — never a password. */
export function describeTarget(t: Target): string {
  if (t.kind === 'sqlite') return `SQLite database '${t.path}'`;
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  const db = t.database !== undefined ? `/${t.database}` : '';
  const user = t.user !== undefined ? ` as user '${t.user}'` : '';
  return `${t.product} at ${host}:${t.port}${db}${user}`;
}
