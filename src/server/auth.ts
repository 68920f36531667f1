import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Does the request carry `Authorization: Bearer <token>`? Both sides are hashed first so the comparison takes
 * the same time whatever the length or the first differing byte of a guess.
 */
export function hasToken(headers: IncomingHttpHeaders, token: string): boolean {
  const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '')?.[1] ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}
