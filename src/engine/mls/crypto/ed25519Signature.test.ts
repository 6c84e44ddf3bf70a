import { ed25519 } from '@noble/curves/ed25519.js';
import { defaultCryptoProvider, getCiphersuiteFromName, type Signature } from 'ts-mls';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../../lib/bytes.js';
import { makeEd25519Signature } from './ed25519Signature.js';

describe('Ed25519 on node:crypto', () => {
  const ours = makeEd25519Signature();
  let reference: Signature;
  beforeAll(async () => {
    const impl = await defaultCryptoProvider.getCiphersuiteImpl(
      getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'),
    );
    reference = impl.signature;
  });

  it('signs RFC 8032 test 1 to the published signature and verifies it', async () => {
    const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const publicKey = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const expected =
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
    const signature = await ours.sign(seed, new Uint8Array(0));
    expect(toHex(signature)).toBe(expected);
    expect(await ours.verify(publicKey, new Uint8Array(0), signature)).toBe(true);
  });

  it('keygen gives a 32-byte seed whose public key noble derives the same way', async () => {
    const { signKey, publicKey } = await ours.keygen();
    expect(signKey.length).toBe(32);
    expect(toHex(ed25519.getPublicKey(signKey))).toBe(toHex(publicKey));
  });

  it('produces the same signatures as noble, verified by ts-mls default (and the reverse)', async () => {
    const { signKey, publicKey } = await ours.keygen();
    const message = utf8('FramedContentTBS test');
    const signature = await ours.sign(signKey, message);
    expect(toHex(signature)).toBe(toHex(ed25519.sign(message, signKey)));
    expect(await reference.verify(publicKey, message, signature)).toBe(true);
    const theirs = await reference.sign(signKey, message);
    expect(await ours.verify(publicKey, message, theirs)).toBe(true);
  });

  it('signs with the PKCS#8 keys that ts-mls default keygen produces', async () => {
    const { signKey, publicKey } = await reference.keygen();
    expect(signKey.length).toBeGreaterThan(32);
    const message = utf8('pkcs8');
    const signature = await ours.sign(signKey, message);
    expect(toHex(signature)).toBe(toHex(await reference.sign(signKey, message)));
    expect(await reference.verify(publicKey, message, signature)).toBe(true);
  });

  it('rejects a changed message, a changed signature, wrong lengths and a non-point key', async () => {
    const { signKey, publicKey } = await ours.keygen();
    const message = utf8('hello');
    const signature = await ours.sign(signKey, message);
    expect(await ours.verify(publicKey, utf8('hellO'), signature)).toBe(false);
    const flipped = Uint8Array.from(signature);
    flipped[10]! ^= 1;
    expect(await ours.verify(publicKey, message, flipped)).toBe(false);
    expect(await ours.verify(publicKey, message, signature.subarray(1))).toBe(false);
    expect(await ours.verify(publicKey.subarray(1), message, signature)).toBe(false);
    // y = 2 is not the y-coordinate of any Ed25519 point.
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    expect(await ours.verify(notAPoint, message, signature)).toBe(false);
  });

  it('never serves a cached key for an array that was rewritten in place', async () => {
    const first = await ours.keygen();
    const second = await ours.keygen();
    const keyArray = Uint8Array.from(first.signKey);
    const message = utf8('cache');
    expect(await ours.verify(first.publicKey, message, await ours.sign(keyArray, message))).toBe(true);
    keyArray.set(second.signKey);
    const signature = await ours.sign(keyArray, message);
    expect(await ours.verify(second.publicKey, message, signature)).toBe(true);
    expect(await ours.verify(first.publicKey, message, signature)).toBe(false);
  });
});
