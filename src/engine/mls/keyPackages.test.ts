import { describe, expect, it } from 'vitest';
import { CLASSICAL_CIPHERSUITE, DEFAULT_CIPHERSUITE } from './ciphersuites.js';
import { MlsGroupSession } from './groupSession.js';
import { decodePrivateKeyParts, encodePrivateKeyParts, generateKeyPackage } from './keyPackages.js';
import { mlsErrorCodes } from './mlsErrors.js';
import { keyPackageFor, newTestMember } from './testKit.js';
import { decodeWholeMlsMessage } from './wireMessages.js';

const suite = CLASSICAL_CIPHERSUITE;

describe('KeyPackages', () => {
  it('stores private parts under the KeyPackageRef, without the identity signing key', async () => {
    const bob = newTestMember('bob');
    const generated = await generateKeyPackage({ ...bob.env, identity: bob.identity, ciphersuite: suite });
    const record = bob.env.store.keyPackages.get(generated.ref);
    expect(record?.publicPackage).toEqual(generated.publicPackage);
    expect(record?.lastResort).toBe(false);
    const message = decodeWholeMlsMessage(generated.publicPackage);
    expect(message.wireformat).toBe('mls_key_package');
    if (message.wireformat !== 'mls_key_package') return;
    expect(message.keyPackage.leafNode.credential).toEqual({
      credentialType: 'basic',
      identity: bob.identity.signingPublicKey,
    });
    expect(message.keyPackage.leafNode.signaturePublicKey).toEqual(bob.identity.signingPublicKey);
    // X25519 init and leaf keys: 32 bytes each plus a 5-byte header; no room for a signing key.
    expect(record?.privatePackage.length).toBe(5 + 32 + 32);
  });

  it('round-trips the private-part encoding and refuses corrupt bytes', () => {
    const parts = { initPrivateKey: new Uint8Array(32).fill(1), hpkePrivateKey: new Uint8Array(64).fill(2) };
    const signing = new Uint8Array(32).fill(3);
    const encoded = encodePrivateKeyParts({ ...parts, signaturePrivateKey: signing });
    expect(decodePrivateKeyParts(encoded, signing)).toEqual({ ...parts, signaturePrivateKey: signing });
    expect(() => decodePrivateKeyParts(encoded.subarray(0, encoded.length - 1), signing)).toThrow();
  });

  it('deletes a consumed KeyPackage after the join, but keeps a last-resort one', async () => {
    const [alice, bob, carol] = [newTestMember('alice'), newTestMember('bob'), newTestMember('carol')];
    const group = await MlsGroupSession.create(alice.env, { identity: alice.identity, ciphersuite: suite });
    const { welcome } = await group.addMembers([
      await keyPackageFor(bob, suite),
      await keyPackageFor(carol, suite, true),
    ]);
    expect(bob.env.store.keyPackages.count()).toBe(1);
    await MlsGroupSession.join(bob.env, { identity: bob.identity, welcome });
    await MlsGroupSession.join(carol.env, { identity: carol.identity, welcome });
    expect(bob.env.store.keyPackages.count()).toBe(0);
    expect(carol.env.store.keyPackages.count()).toBe(1);
  });

  it('refuses a Welcome for none of our KeyPackages', async () => {
    const [alice, bob, eve] = [newTestMember('alice'), newTestMember('bob'), newTestMember('eve')];
    const group = await MlsGroupSession.create(alice.env, { identity: alice.identity, ciphersuite: suite });
    const { welcome } = await group.addMembers([await keyPackageFor(bob, suite)]);
    await expect(MlsGroupSession.join(eve.env, { identity: eve.identity, welcome })).rejects.toMatchObject({
      code: mlsErrorCodes.noKeyPackage,
    });
  });

  it('refuses a KeyPackage with a broken signature or another suite', async () => {
    const [alice, bob] = [newTestMember('alice'), newTestMember('bob')];
    const group = await MlsGroupSession.create(alice.env, { identity: alice.identity, ciphersuite: suite });
    const tampered = new Uint8Array(await keyPackageFor(bob, suite));
    tampered[tampered.length - 1]! ^= 1;
    await expect(group.addMembers([tampered])).rejects.toMatchObject({ code: mlsErrorCodes.badInput });
    const otherSuite = await keyPackageFor(bob, DEFAULT_CIPHERSUITE);
    await expect(group.addMembers([otherSuite])).rejects.toMatchObject({ code: mlsErrorCodes.badInput });
    expect(group.info().epoch).toBe(0n);
  });

  it('refuses an unknown ciphersuite', async () => {
    const bob = newTestMember('bob');
    await expect(
      generateKeyPackage({
        ...bob.env,
        identity: bob.identity,
        ciphersuite: 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256',
      }),
    ).rejects.toMatchObject({ code: mlsErrorCodes.unsupportedSuite });
  });
});
