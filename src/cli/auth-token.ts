import { readFileSync } from 'node:fs';
import { UsageError } from '../errors/base.js';
import { fileReason, isMissing } from '../errors/file-reason.js';

/** Where a bearer token may come from, for `serve` and for the remote client alike. */
export interface AuthTokenOptions {
  /** --auth-token: works, but every user of the machine sees it in `ps`. */
  authToken?: string;
  /** --auth-token-file: the token is the file's content, trailing whitespace (the editor's newline) dropped. */
  authTokenFile?: string;
}

/**
 * The bearer token: --auth-token, else --auth-token-file, else $SLUICE_AUTH_TOKEN, else none. Giving both flags
 * is a usage error rather than a silent preference; an unreadable or empty file fails with a code, because
 * starting without the intended token would leave a server open.
 */
export function authToken(opts: AuthTokenOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = givenToken(opts, env);
  // 'Authorization: Bearer <token>' carries one word: a server with 'two words' would refuse every request, the
  // right token included, as UNAUTHORIZED. The token itself is not quoted.
  if (token !== undefined && /\s/.test(token)) throw new UsageError('USAGE_ERROR', 'the bearer token contains whitespace, which no Authorization header can carry');
  return token;
}

function givenToken(opts: AuthTokenOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (opts.authToken !== undefined && opts.authTokenFile !== undefined) {
    throw new UsageError('USAGE_ERROR', 'give the token either with --auth-token or with --auth-token-file, not both');
  }
  if (opts.authToken !== undefined) {
    if (opts.authToken === '') throw new UsageError('USAGE_ERROR', '--auth-token is empty');
    return opts.authToken;
  }
  if (opts.authTokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.authTokenFile, 'utf8');
    } catch (err) {
      throw new UsageError(isMissing(err) ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `cannot read the token file ${opts.authTokenFile}: ${fileReason(err)}`);
    }
    const token = text.trimEnd();
    if (token === '') throw new UsageError('USAGE_ERROR', `the token file ${opts.authTokenFile} is empty`);
    return token;
  }
  return env['SLUICE_AUTH_TOKEN'] || undefined;
}
