import { SluiceError } from '../../errors/base.js';
import { isValidTopicName } from '../topic-name.js';

export { isValidTopicName };

export function assertTopicName(name: unknown): asserts name is string {
  if (!isValidTopicName(name)) {
    throw new SluiceError('INVALID_ARGUMENT', `invalid topic name ${JSON.stringify(name) ?? String(name)}`, {
      hint: "a topic name is 1 to 249 characters of letters, digits, '.', '_' and '-', and not '.' or '..'",
    });
  }
}

export { canonicalJson } from '../canonical-json.js';

/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2, seed 0x9747b28c) as a signed 32-bit integer, so
 * the embedded log spreads keys exactly as Kafka's default partitioner does for the same key bytes.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest >= 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition of a keyed record: Kafka's `toPositive(murmur2(bytes)) % partitions`, where bytes are the UTF-8
 * of the key's canonical JSON (a string key "a" hashes the 3 bytes `"a"`, as Kafka's JsonConverter writes it).
 * Stable across processes, restarts and versions: changing it would move keys between partitions.
 */
export function partitionForKey(canonicalKey: string, partitions: number): number {
  return (murmur2(Buffer.from(canonicalKey, 'utf8')) & 0x7fffffff) % partitions;
}
