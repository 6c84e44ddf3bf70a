/**
 * RFC 9180 HPKE, base mode, single shot, shaped as ts-mls's `Hpke`. ts-mls's own construction
 * (makeGenericHpke) needs an @hpke/core CipherSuite built on WebCrypto, so it is not reused.
 *
 * ts-mls types HPKE keys as CryptoKey but only hands them back to this object (seal, open,
 * export*), so a key here is a small record holding its raw bytes; exportPrivateKey gives a copy.
 */
import type { Hpke } from 'ts-mls';
import { CryptoError } from '../../../lib/errors.js';
import { concatBytes, utf8, wipe } from '../../../lib/bytes.js';
import type { HpkeKem } from './hpkeKems.js';
import { labeledExpand, labeledExtract } from './hpkeLabels.js';
import { settle } from './settle.js';
import {
  aeadKeyBytes,
  aeadOpen,
  aeadSeal,
  hashOutputBytes,
  type NodeAeadName,
  type NodeHashName,
  cryptoProviderErrorCodes,
} from './nodePrimitives.js';

const MODE_BASE = 0x00;
const NONCE_BYTES = 12;
const KDF_IDS: Record<NodeHashName, number> = { sha256: 0x0001, sha384: 0x0002, sha512: 0x0003 };
const AEAD_IDS: Record<NodeAeadName, number> = { 'aes-128-gcm': 0x0001, 'aes-256-gcm': 0x0002 };

/** What this provider hands ts-mls as an HPKE key: the raw bytes, tagged with type and KEM. */
interface RawHpkeKey {
  readonly type: 'public' | 'private';
  readonly algorithm: { name: string };
  readonly extractable: boolean;
  readonly usages: string[];
  readonly raw: Uint8Array;
}

/** ts-mls's Hpke with our key records in place of CryptoKey (see the single cast at the end). */
type NodeHpke = {
  [K in keyof Hpke]: Hpke[K] extends (...args: never[]) => unknown
    ? (...args: never[]) => Promise<unknown>
    : Hpke[K];
};

function wrapKey(type: 'public' | 'private', raw: Uint8Array, kemId: number): RawHpkeKey {
  return { type, algorithm: { name: `hpke-kem-${kemId}` }, extractable: true, usages: [], raw };
}

function unwrapKey(key: RawHpkeKey, type: 'public' | 'private', kemId: number): Uint8Array {
  const candidate = key as Partial<RawHpkeKey>;
  if (
    candidate.type !== type ||
    !(candidate.raw instanceof Uint8Array) ||
    candidate.algorithm?.name !== `hpke-kem-${kemId}`
  ) {
    throw new CryptoError(cryptoProviderErrorCodes.hpkeKey, `not an HPKE ${type} key of this provider`);
  }
  return candidate.raw;
}

interface KeySchedule {
  key: Uint8Array;
  baseNonce: Uint8Array;
  exporterSecret: Uint8Array;
}

export function makeNodeHpke(kem: HpkeKem, hash: NodeHashName, aead: NodeAeadName): Hpke {
  const suiteId = concatBytes(
    utf8('HPKE'),
    Uint8Array.from([kem.id >> 8, kem.id & 0xff, 0, KDF_IDS[hash], 0, AEAD_IDS[aead]]),
  );
  const empty = new Uint8Array(0);

  // key_schedule_context holds no secret: psk_id_hash is a constant of the suite, info_hash depends
  // on `info` only, and a commit seals its path secrets to hundreds of members under the same info
  // (the group context). So the context of the last info is kept and reused.
  const pskIdHash = labeledExtract(hash, suiteId, empty, 'psk_id_hash', empty);
  let lastInfo: Buffer | undefined;
  let lastContext: Uint8Array = empty;

  function contextFor(info: Uint8Array): Uint8Array {
    if (lastInfo !== undefined && lastInfo.equals(info)) return lastContext;
    const infoHash = labeledExtract(hash, suiteId, empty, 'info_hash', info);
    lastContext = concatBytes(Uint8Array.of(MODE_BASE), pskIdHash, infoHash);
    lastInfo = Buffer.from(info);
    return lastContext;
  }

  /** RFC 9180 section 5.1 KeySchedule for mode_base (no PSK). Wipes the shared secret it is given. */
  function keySchedule(sharedSecret: Uint8Array, info: Uint8Array): KeySchedule {
    const context = contextFor(info);
    const secret = labeledExtract(hash, suiteId, sharedSecret, 'secret', empty);
    const schedule = {
      key: labeledExpand(hash, suiteId, secret, 'key', context, aeadKeyBytes(aead)),
      baseNonce: labeledExpand(hash, suiteId, secret, 'base_nonce', context, NONCE_BYTES),
      exporterSecret: labeledExpand(hash, suiteId, secret, 'exp', context, hashOutputBytes(hash)),
    };
    wipe(secret, sharedSecret);
    return schedule;
  }

  function decapsulate(privateKey: RawHpkeKey, enc: Uint8Array): Uint8Array {
    try {
      return kem.decap(enc, unwrapKey(privateKey, 'private', kem.id));
    } catch (cause) {
      throw cause instanceof CryptoError
        ? cause
        : new CryptoError(cryptoProviderErrorCodes.hpkeDecap, 'HPKE decapsulation failed', { cause });
    }
  }

  function exportFrom(schedule: KeySchedule, exporterContext: Uint8Array, length: number): Uint8Array {
    const secret = labeledExpand(hash, suiteId, schedule.exporterSecret, 'sec', exporterContext, length);
    wipe(schedule.key, schedule.baseNonce, schedule.exporterSecret);
    return secret;
  }

  const nodeHpke = {
    seal: (publicKey: RawHpkeKey, plaintext: Uint8Array, info: Uint8Array, aad?: Uint8Array) =>
      settle(() => {
        const { sharedSecret, enc } = kem.encap(unwrapKey(publicKey, 'public', kem.id));
        const schedule = keySchedule(sharedSecret, info);
        // Single shot: sequence number 0, so the nonce is the base nonce itself.
        const ct = aeadSeal(aead, schedule.key, schedule.baseNonce, aad ?? empty, plaintext);
        wipe(schedule.key, schedule.baseNonce, schedule.exporterSecret);
        return { ct, enc };
      }),
    open: (
      privateKey: RawHpkeKey,
      kemOutput: Uint8Array,
      ciphertext: Uint8Array,
      info: Uint8Array,
      aad?: Uint8Array,
    ) =>
      settle(() => {
        const schedule = keySchedule(decapsulate(privateKey, kemOutput), info);
        try {
          return aeadOpen(aead, schedule.key, schedule.baseNonce, aad ?? empty, ciphertext);
        } finally {
          wipe(schedule.key, schedule.baseNonce, schedule.exporterSecret);
        }
      }),
    exportSecret: (publicKey: RawHpkeKey, exporterContext: Uint8Array, length: number, info: Uint8Array) =>
      settle(() => {
        const { sharedSecret, enc } = kem.encap(unwrapKey(publicKey, 'public', kem.id));
        return { enc, secret: exportFrom(keySchedule(sharedSecret, info), exporterContext, length) };
      }),
    importSecret: (
      privateKey: RawHpkeKey,
      exporterContext: Uint8Array,
      kemOutput: Uint8Array,
      length: number,
      info: Uint8Array,
    ) =>
      settle(() =>
        exportFrom(keySchedule(decapsulate(privateKey, kemOutput), info), exporterContext, length),
      ),
    importPrivateKey: (k: Uint8Array) =>
      settle(() => {
        if (k.length !== kem.privateKeyBytes) {
          throw new CryptoError(cryptoProviderErrorCodes.hpkeKey, 'HPKE private key has the wrong length');
        }
        return wrapKey('private', new Uint8Array(k), kem.id);
      }),
    importPublicKey: (k: Uint8Array) =>
      settle(() => {
        if (k.length !== kem.publicKeyBytes) {
          throw new CryptoError(cryptoProviderErrorCodes.hpkeKey, 'HPKE public key has the wrong length');
        }
        return wrapKey('public', new Uint8Array(k), kem.id);
      }),
    exportPublicKey: (k: RawHpkeKey) => settle(() => new Uint8Array(unwrapKey(k, 'public', kem.id))),
    exportPrivateKey: (k: RawHpkeKey) => settle(() => new Uint8Array(unwrapKey(k, 'private', kem.id))),
    encryptAead: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, plaintext: Uint8Array) =>
      settle(() => aeadSeal(aead, key, nonce, aad ?? empty, plaintext)),
    decryptAead: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined, ciphertext: Uint8Array) =>
      settle(() => aeadOpen(aead, key, nonce, aad ?? empty, ciphertext)),
    deriveKeyPair: (ikm: Uint8Array) =>
      settle(() => {
        const pair = kem.deriveKeyPair(ikm);
        return {
          privateKey: wrapKey('private', pair.privateKey, kem.id),
          publicKey: wrapKey('public', pair.publicKey, kem.id),
        };
      }),
    generateKeyPair: () =>
      settle(() => {
        const pair = kem.generateKeyPair();
        return {
          privateKey: wrapKey('private', pair.privateKey, kem.id),
          publicKey: wrapKey('public', pair.publicKey, kem.id),
        };
      }),
    keyLength: aeadKeyBytes(aead),
    nonceLength: NONCE_BYTES,
  } satisfies NodeHpke;
  // ts-mls types HPKE keys as CryptoKey but only ever hands them back to this object, so our key
  // records stand in for them; `satisfies` above checks every method and field is present.
  return nodeHpke as unknown as Hpke;
}
