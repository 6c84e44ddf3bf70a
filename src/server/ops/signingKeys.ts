import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import type { ServerDatabase } from '../storage/openServerDatabase.js';

/** server_state row listing the retired signing public keys (JSON), kept forever so old signatures verify. */
export const RETIRED_SIGNING_KEYS = 'signing_keys_retired';

export interface PublishedSigningKey {
  keyId: Uint8Array;
  publicKey: Uint8Array;
  /** 0 for the current key. */
  retiredAtMs: bigint;
}

interface RetiredEntry {
  publicKey: string;
  retiredAt: number;
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function signingPublicKey(seed: Uint8Array): Uint8Array {
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
  const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({
    format: 'jwk',
  });
  der.fill(0);
  return new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'));
}

export function signingKeyId(publicKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(publicKey).digest().subarray(0, 8));
}

export function readRetiredSigningKeys(db: ServerDatabase): RetiredEntry[] {
  const row = db
    .prepare<[string], { value: Buffer }>('SELECT value FROM server_state WHERE name = ?')
    .get(RETIRED_SIGNING_KEYS);
  return row === undefined ? [] : (JSON.parse(row.value.toString('utf8')) as RetiredEntry[]);
}

export function writeRetiredSigningKeys(db: ServerDatabase, entries: RetiredEntry[]): void {
  db.prepare<[string, Buffer]>('INSERT OR REPLACE INTO server_state (name, value) VALUES (?, ?)').run(
    RETIRED_SIGNING_KEYS,
    Buffer.from(JSON.stringify(entries), 'utf8'),
  );
}

/** The current key first, then every retired one, newest first. */
export function publishedSigningKeys(db: ServerDatabase, seed: Uint8Array): PublishedSigningKey[] {
  const current = signingPublicKey(seed);
  const retired = readRetiredSigningKeys(db)
    .slice()
    .sort((a, b) => b.retiredAt - a.retiredAt)
    .map((entry) => {
      const publicKey = new Uint8Array(Buffer.from(entry.publicKey, 'hex'));
      return { keyId: signingKeyId(publicKey), publicKey, retiredAtMs: BigInt(entry.retiredAt) };
    });
  return [{ keyId: signingKeyId(current), publicKey: current, retiredAtMs: 0n }, ...retired];
}
