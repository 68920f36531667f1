/**
 * Which parts of a URL are secret: the password of its userinfo (`scheme://user:PASSWORD@host`) and the value of
 * every password-like parameter, whether in the query (`?user=u&password=PASSWORD`) or `;`-separated
 * (`jdbc:sqlserver://h;password=PASSWORD`). Everything that shows, stores or scrubs a URL asks here, so a URL is
 * masked alike in configs, statement text, history and error messages, and the rest of it stays as written.
 */

/** A part of a text that is secret: [start, end) offsets. */
export interface SecretSpan {
  start: number;
  end: number;
}

/**
 * A value is taken for a URL when it begins with a scheme, or several (`jdbc:mysql:`, a typo's `dbc:mysql:`); a
 * last one that lost its ':' before '//' counts too (`jdbc:mysql//root:pw@host`).
 */
const SCHEME = /^\s*(?:[a-z][a-z0-9+.-]*:)+(?:[a-z][a-z0-9+.-]*(?=\/\/))?/i;
/** Parameter names that hold a secret (as secret config keys do: password, sslpassword, access_token, apiKey…). */
const SECRET_PARAM = /password|passwd|pwd|secret|token|credential|api[._-]?key/i;
/** A `name=value` parameter after `?`, `&` or `;`; the value runs to the next separator or fragment. */
const PARAM = /[?&;]([^=?&;#]*)=([^&;#]*)/g;

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A password written with a raw '/', '?' or '#' (`//user:pa/ss#1@host/db`, meant but not percent-escaped) ends the
 * authority early, so a strict reading finds no userinfo and would show it whole; no driver accepts such a URL,
 * but the text is still the user's password. Taken as one when the part before the first ':' is a plain user
 * name and an '@' after it is followed by a host (the first such '@'); `host:5432/db?x=a@b` is a port, not a
 * password.
 */
function unescapedPassword(value: string, from: number, colon: number): SecretSpan | undefined {
  if (colon < 0 || /[/?#@]/.test(value.slice(from, colon))) return undefined;
  for (let at = value.indexOf('@', colon + 2); at >= 0; at = value.indexOf('@', at + 1)) {
    if (/^\d*(?:[/?#]|$)/.test(value.slice(colon + 1, at))) return undefined;
    if (HOST_AFTER.test(value.slice(at + 1))) return { start: colon + 1, end: at };
  }
  return undefined;
}

/** A host (name or [IPv6]) and optional port, then the end of the authority. */
const HOST_AFTER = /^(?:\[[^\]]*\]|[^\s:/?#@;,[\]]+)(?::\d*)?(?:[/?#;,]|$)/;

/** Where the secret parts of `value` are, in order and not overlapping; none when it is no URL or holds none. */
export function urlSecretSpans(value: string): SecretSpan[] {
  const scheme = SCHEME.exec(value);
  if (!scheme) return [];
  const spans: SecretSpan[] = [];
  const afterScheme = scheme[0].length;
  // One slash is taken for a mistyped two (`jdbc:mysql:/root:pw@host/db` still holds the password).
  const slashes = value.startsWith('//', afterScheme) ? 2 : value[afterScheme] === '/' ? 1 : 0;
  if (slashes > 0) {
    // The authority ends at the path, query or fragment; its userinfo at the last '@' (a password may hold one).
    const from = afterScheme + slashes;
    let to = value.length;
    for (const stop of ['/', '?', '#']) {
      const at = value.indexOf(stop, from);
      if (at >= 0 && at < to) to = at;
    }
    const at = value.lastIndexOf('@', to - 1);
    const colon = value.indexOf(':', from);
    if (at >= from) {
      if (colon >= 0 && colon < at && at > colon + 1) spans.push({ start: colon + 1, end: at });
    } else {
      const loose = unescapedPassword(value, from, colon);
      if (loose) spans.push(loose);
    }
  }
  PARAM.lastIndex = afterScheme;
  for (let m = PARAM.exec(value); m; m = PARAM.exec(value)) {
    const [whole, name = '', secret = ''] = m;
    if (secret === '' || !SECRET_PARAM.test(decode(name))) continue;
    const end = m.index + whole.length;
    spans.push({ start: end - secret.length, end });
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: SecretSpan[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** `value` with each secret part replaced by `mask`; anything that is not a URL comes back unchanged. */
export function maskUrlSecrets(value: string, mask: string): string {
  const spans = urlSecretSpans(value);
  let out = '';
  let at = 0;
  for (const { start, end } of spans) {
    out += value.slice(at, start) + mask;
    at = end;
  }
  return spans.length === 0 ? value : out + value.slice(at);
}

/** The secret parts of `value` as written and percent-decoded, for scrubbing free text (a driver may echo either). */
export function urlSecrets(value: string): string[] {
  const out = new Set<string>();
  for (const { start, end } of urlSecretSpans(value)) {
    const raw = value.slice(start, end);
    out.add(raw);
    out.add(decode(raw));
  }
  return [...out];
}
