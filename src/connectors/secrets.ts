import { distance } from 'fastest-levenshtein';
import { allFieldsFor, frameworkFieldsFor } from './framework.js';
import type { ConnectorDefinition } from './schema.js';
import { maskUrlSecrets, urlSecrets } from './url-secrets.js';
import { findField } from './values.js';

/**
 * Keys that look secret whatever the schema says, so keys passed through prefix families are covered too; 'passwd'
 * as well, as in a URL's parameters (url-secrets.ts). Not 'pwd', which names a directory as often as a password.
 */
export const SECRET_KEY_PATTERN = /password|passwd|secret|token|credential|api[._-]?key/i;
// Kafka's secret keys whose names do not say so: a JAAS config embeds the password inline (e.g.
// consumer.override.sasl.jaas.config), ssl.keystore.key is a private key, basic.auth.user.info is 'user:password'.
const JAAS_CONFIG = /(^|\.)(?:sasl\.jaas\.config|ssl\.keystore\.key|basic\.auth\.user\.info)$/i;

export const MASK = '********';

export function isSecretKey(key: string, def?: ConnectorDefinition): boolean {
  // Without a definition the framework fields of either kind still apply.
  const fields = def ? allFieldsFor(def) : [...frameworkFieldsFor('source'), ...frameworkFieldsFor('sink')];
  const f = findField(fields, key);
  if (f && (f.secret === true || f.type === 'password')) return true;
  return SECRET_KEY_PATTERN.test(key) || JAAS_CONFIG.test(key) || misspeltPassword(key);
}

/**
 * A word of the key is a typo of 'password' ('connection.pasword', 'passwrd', 'passowrd'): the value is the
 * password the user meant to give, shown under the UNKNOWN_CONFIG_KEY error, in the history, and in the config
 * when unknown keys are kept. Not 'passport'.
 */
function misspeltPassword(key: string): boolean {
  // Any ending of a word counts, so a lost '.' or 'p' ('connectionassword') is caught as well, and so do the
  // letters run together ('connection.passw"ord').
  const near = (w: string) => !w.includes('port') && distance(w, 'password') <= 2;
  const lower = key.toLowerCase();
  return [...lower.split(/[^a-z]+/), lower.replace(/[^a-z]+/g, '')].some((w) => [6, 7, 8, 9, 10].some((n) => n <= w.length && near(w.slice(-n))));
}

/**
 * A config value as it may be shown: a secret key's value wholly masked, a URL with only its password parts masked
 * (see url-secrets.ts), anything else unchanged. Values are masked by what they are, never by what they contain:
 * a password 'postgres' leaves 'jdbc:postgresql://…' and a user 'postgres' alone.
 */
export function maskValue(key: string, value: string, def?: ConnectorDefinition): string {
  return isSecretKey(key, def) ? MASK : maskUrlSecrets(value, MASK);
}

/** A copy safe to show in DESCRIBE, config versions, answers and errors. */
export function maskConfig(config: Readonly<Record<string, string>>, def?: ConnectorDefinition): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) masked[key] = maskValue(key, value, def);
  return masked;
}

/** A character that continues a word: a secret next to one is part of something else. */
const WORD = /[\p{L}\p{N}_]/u;

/**
 * Free text (a driver's message, a trace, a log line) with every occurrence of the given secrets that stands on
 * its own replaced by the mask; one inside a longer word is not (a password 'postgres' leaves 'postgresql' and
 * 'postgres_src' alone), since a message that echoes a password sets it off by quotes, spaces or punctuation.
 * Longer secrets first, so one that contains another is masked whole.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  const known = secrets.filter((s): s is string => s !== undefined && s !== '' && s !== MASK).sort((a, b) => b.length - a.length);
  for (const v of known) {
    if (!out.includes(v)) continue;
    const head = WORD.test(v[0]!);
    const tail = WORD.test(v[v.length - 1]!);
    let result = '';
    let at = 0;
    for (let i = out.indexOf(v); i >= 0; i = out.indexOf(v, i + 1)) {
      if (i < at) continue;
      const joinedBefore = head && i > 0 && WORD.test(out[i - 1]!);
      const joinedAfter = tail && i + v.length < out.length && WORD.test(out[i + v.length]!);
      if (joinedBefore || joinedAfter) continue;
      result += out.slice(at, i) + MASK;
      at = i + v.length;
    }
    out = result + out.slice(at);
  }
  return out;
}

/** Every secret a config holds (secret keys' values, URLs' passwords), for scrubbing free text such as driver messages. */
export function secretValues(config: Readonly<Record<string, string>>, def?: ConnectorDefinition): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (isSecretKey(key, def)) out.push(value);
    else out.push(...urlSecrets(value));
  }
  return out;
}
