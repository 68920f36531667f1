import os from 'node:os';
import path from 'node:path';
import { MASK, isSecretKey, maskValue } from '../connectors/secrets.js';
import { UsageError } from '../errors/base.js';
import { VARIABLE_NAME, Variables } from '../sql/variables.js';

export type OutputFormat = 'table' | 'json';

/** Where Sluice keeps its catalog: --data-dir, else $SLUICE_DATA_DIR, else ./.sluice (per project, like .git). */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  // An empty value means "not set": an empty path would make the current directory the data dir.
  const chosen = [flag, env['SLUICE_DATA_DIR']].find((v) => v !== undefined && v.trim() !== '') ?? '.sluice';
  return path.resolve(chosen.startsWith('~/') ? path.join(os.homedir(), chosen.slice(2)) : chosen);
}

export function parseOutput(value: string): OutputFormat {
  const v = value.toLowerCase();
  if (v === 'table' || v === 'tabular') return 'table';
  if (v === 'json') return 'json';
  throw new UsageError('USAGE_ERROR', `--output must be table or json, not '${value}'`);
}

/** --request-timeout when not given: ample for a long script's validation and commit, and a hung server is noticed. */
export const DEFAULT_REQUEST_TIMEOUT = '60';

/** The longest a timer can wait (2^31 - 1 ms): Node turns a longer delay into 1 ms. */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** --request-timeout in seconds (fractions allowed), as milliseconds; 0 means no limit. */
export function parseRequestTimeout(value: string): number {
  // Plain decimal seconds only: Number() would also take '0x10', '1e3' and ' 5 '.
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError('USAGE_ERROR', `--request-timeout must be a number of seconds from 0 (no limit) to ${MAX_TIMEOUT_SECONDS}, not '${value}'`);
  }
  return Math.ceil(seconds * 1000);
}

/** --define NAME=VALUE, repeatable; the value may itself contain '='. */
export function collectDefine(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function definesToVariables(defines: readonly string[]): Variables {
  const vars = new Variables();
  for (const d of defines) {
    const eq = d.indexOf('=');
    const name = eq < 0 ? d : d.slice(0, eq);
    if (eq < 0 || !VARIABLE_NAME.test(name)) {
      // Shown as a DEFINE would show it: 'db password=…' or a forgotten '=' ('db_password:…') may hold a password.
      const shown = eq >= 0 ? `${name}=${maskValue(name, d.slice(eq + 1))}` : isSecretKey(d) ? `${/^[A-Za-z0-9_@]*/.exec(d)![0]}${MASK}` : d;
      throw new UsageError('USAGE_ERROR', `--define expects NAME=VALUE with NAME made of letters, digits, _ and @ (got '${shown}')`);
    }
    vars.set(name, d.slice(eq + 1));
  }
  return vars;
}
