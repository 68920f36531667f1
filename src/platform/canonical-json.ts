/**
 * JSON with the keys of every object sorted (by UTF-16 code units, like Array#sort), so equal values always give
 * the same text whatever order their keys were built in. Arrays keep their order. Serialises like
 * JSON.stringify (toJSON, undefined members dropped, NaN → null); undefined at the top level gives undefined.
 */
export function canonicalJson(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const text = JSON.stringify(value);
  if (text === undefined) return undefined;
  return write(JSON.parse(text) as unknown);
}

function write(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const parts = Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${write(obj[k])}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The canonical text of a source partition map (an object, so never undefined): the key offsets are stored under. */
export function partitionKey(partition: Readonly<Record<string, unknown>>): string {
  return canonicalJson(partition) ?? '{}';
}
