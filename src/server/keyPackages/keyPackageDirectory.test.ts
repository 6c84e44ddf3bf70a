import { beforeAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultCapabilities,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type CiphersuiteImpl,
  type CiphersuiteName,
} from 'ts-mls';
import { encodeKeyPackage, generateKeyPackageWithKey } from 'ts-mls/keyPackage.js';
import { encodeMlsMessage } from 'ts-mls/message.js';
import { ManualClock } from '../../lib/clock.js';
import { utf8 } from '../../lib/bytes.js';
import { openServerDatabase, type ServerDatabase } from '../storage/openServerDatabase.js';
import { KeyPackageDirectory } from './keyPackageDirectory.js';

const CLASSIC: CiphersuiteName = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';
const XWING: CiphersuiteName = 'MLS_256_XWING_AES256GCM_SHA512_Ed25519';
const NOW = 1_780_000_000_000;
const DAY_S = 86_400n;

let classic: CiphersuiteImpl;
let identity: { signKey: Uint8Array; publicKey: Uint8Array };
let other: { signKey: Uint8Array; publicKey: Uint8Array };
let db: ServerDatabase;
let clock: ManualClock;
let directory: KeyPackageDirectory;
let userId: number;

beforeAll(async () => {
  classic = await getCiphersuiteImpl(getCiphersuiteFromName(CLASSIC));
  identity = await classic.signature.keygen();
  other = await classic.signature.keygen();
});

beforeEach(() => {
  db = openServerDatabase(':memory:', new Uint8Array(32));
  clock = new ManualClock(NOW);
  directory = new KeyPackageDirectory(db, { clock });
  userId = Number(
    db
      .prepare(
        'INSERT INTO users (username, registration_record, identity_key, hybrid_key, created_at) VALUES (?, ?, ?, ?, 0)',
      )
      .run('alice', 'rec', Buffer.from(identity.publicKey), Buffer.alloc(1)).lastInsertRowid,
  );
});
afterEach(() => db.close());

async function makePackage(
  options: {
    keys?: { signKey: Uint8Array; publicKey: Uint8Array };
    suite?: CiphersuiteImpl;
    notBeforeS?: bigint;
    notAfterS?: bigint;
  } = {},
) {
  const nowS = BigInt(NOW / 1000);
  const { publicPackage } = await generateKeyPackageWithKey(
    { credentialType: 'basic', identity: utf8('alice') },
    defaultCapabilities(),
    { notBefore: options.notBeforeS ?? nowS - DAY_S, notAfter: options.notAfterS ?? nowS + 30n * DAY_S },
    [],
    options.keys ?? identity,
    options.suite ?? classic,
  );
  return publicPackage;
}

describe('KeyPackageDirectory', () => {
  it('retires every package of a user, last-resort ones included', async () => {
    const bytes = [await makePackage(), await makePackage(), await makePackage()].map((p) =>
      encodeKeyPackage(p),
    );
    const result = await directory.upload(userId, identity.publicKey, [
      { bytes: bytes[0] ?? new Uint8Array() },
      { bytes: bytes[1] ?? new Uint8Array() },
      { bytes: bytes[2] ?? new Uint8Array(), lastResort: true },
    ]);
    expect(result.accepted).toBe(3);
    expect(directory.retireAll(userId)).toBe(3);
    expect(directory.count(userId)).toBe(0);
    expect(directory.fetch(userId)).toBeUndefined();
  });

  it('hands each package out once, then the last-resort one again and again', async () => {
    const packages = [await makePackage(), await makePackage()];
    const lastResort = await makePackage();
    const result = await directory.upload(userId, identity.publicKey, [
      ...packages.map((p) => ({ bytes: encodeKeyPackage(p) })),
      { bytes: encodeKeyPackage(lastResort), lastResort: true },
    ]);
    expect(result).toEqual({ accepted: 3, rejected: [] });
    expect(directory.count(userId)).toBe(2);

    const first = directory.fetch(userId);
    const second = directory.fetch(userId);
    expect(first?.lastResort).toBe(false);
    expect(second?.lastResort).toBe(false);
    expect(first?.ref).not.toBe(second?.ref);
    expect([first?.bytes, second?.bytes]).toEqual(
      expect.arrayContaining(packages.map((p) => encodeKeyPackage(p))),
    );
    expect(directory.count(userId)).toBe(0);

    const third = directory.fetch(userId);
    const fourth = directory.fetch(userId);
    expect(third).toMatchObject({ lastResort: true, bytes: encodeKeyPackage(lastResort) });
    expect(fourth?.ref).toBe(third?.ref);
  });

  it('rejects packages not signed by the uploader, tampered, out of lifetime, malformed or duplicated', async () => {
    const good = encodeKeyPackage(await makePackage());
    const foreign = encodeKeyPackage(await makePackage({ keys: other }));
    const tampered = good.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    const nowS = BigInt(NOW / 1000);
    const expired = encodeKeyPackage(
      await makePackage({ notBeforeS: nowS - 10n * DAY_S, notAfterS: nowS - DAY_S }),
    );
    const future = encodeKeyPackage(
      await makePackage({ notBeforeS: nowS + DAY_S, notAfterS: nowS + 10n * DAY_S }),
    );

    const result = await directory.upload(userId, identity.publicKey, [
      { bytes: good },
      { bytes: foreign },
      { bytes: tampered },
      { bytes: expired },
      { bytes: future },
      { bytes: new Uint8Array([0, 1, 2, 3]) },
      { bytes: good },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([
      { index: 1, reason: 'wrong_signature_key' },
      { index: 2, reason: 'bad_signature' },
      { index: 3, reason: 'expired' },
      { index: 4, reason: 'not_yet_valid' },
      { index: 5, reason: 'malformed' },
      { index: 6, reason: 'duplicate' },
    ]);
  });

  it('accepts an MLSMessage-wrapped X-Wing package and filters fetches by ciphersuite', async () => {
    const xwing = await getCiphersuiteImpl(getCiphersuiteFromName(XWING));
    const pq = await makePackage({ suite: xwing });
    const wrapped = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: pq });
    const result = await directory.upload(userId, identity.publicKey, [
      { bytes: wrapped },
      { bytes: encodeKeyPackage(await makePackage()) },
    ]);
    expect(result).toEqual({ accepted: 2, rejected: [] });
    expect(directory.count(userId, { cipherSuite: XWING })).toBe(1);
    const fetched = directory.fetch(userId, { cipherSuite: XWING });
    expect(fetched).toMatchObject({ cipherSuite: XWING, bytes: encodeKeyPackage(pq) });
    expect(directory.fetch(userId, { cipherSuite: XWING })).toBeUndefined();
    expect(directory.count(userId)).toBe(1);
  });

  it('stops handing out and prunes packages whose lifetime ended', async () => {
    const nowS = BigInt(NOW / 1000);
    await directory.upload(userId, identity.publicKey, [
      { bytes: encodeKeyPackage(await makePackage({ notAfterS: nowS + DAY_S })) },
    ]);
    clock.advance(2 * 86_400_000);
    expect(directory.fetch(userId)).toBeUndefined();
    expect(directory.pruneExpired()).toBe(1);
  });

  it('limits the batch size', async () => {
    await expect(directory.upload(userId, identity.publicKey, [])).rejects.toMatchObject({
      code: 'KEY_PACKAGE_BATCH_SIZE',
    });
  });
});
