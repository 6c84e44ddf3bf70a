/**
 * Zeroes every Uint8Array reachable from a value (objects, arrays, Maps, Sets), once each. Used on lock
 * for structures such as a ts-mls ClientState, whose private keys (epoch secrets, path secrets, HPKE and
 * signature keys) sit in byte arrays at many depths. What this cannot reach is named in
 * docs/key-lifecycle.md (strings, CryptoKey and KeyObject handles, copies already collected).
 */
export function wipeDeep(value: unknown, seen: WeakSet<object> = new WeakSet()): void {
  if (value === null || typeof value !== 'object') return;
  if (seen.has(value)) return;
  seen.add(value);
  if (value instanceof Uint8Array) {
    value.fill(0);
    return;
  }
  if (ArrayBuffer.isView(value)) return;
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      wipeDeep(key, seen);
      wipeDeep(entry, seen);
    }
    return;
  }
  if (value instanceof Set) {
    for (const entry of value) wipeDeep(entry, seen);
    return;
  }
  for (const entry of Object.values(value)) wipeDeep(entry, seen);
}
