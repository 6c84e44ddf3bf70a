import { randomBytes } from 'node:crypto';
import { defaultCryptoProvider, getCiphersuiteFromName, type CiphersuiteName, type Hpke } from 'ts-mls';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../../lib/bytes.js';
import { CryptoError } from '../../../lib/errors.js';
import { dhkemX25519 } from './hpkeKems.js';
import { makeNodeHpke } from './nodeHpke.js';
import { nodeCryptoProvider } from './nodeCryptoProvider.js';

/** RFC 9180 appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode. */
const A1 = {
  info: '4f6465206f6e2061204772656369616e2055726e',
  ikmE: '7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234',
  pkEm: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  skEm: '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736',
  ikmR: '6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037',
  pkRm: '3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d',
  skRm: '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8',
  enc: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  sharedSecret: 'fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc',
  plaintext: '4265617574792069732074727574682c20747275746820626561757479',
  aad0: '436f756e742d30',
  ct0: 'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a',
  exports: [
    ['', '3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee'],
    ['00', '2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5'],
    ['54657374436f6e74657874', 'e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931'],
  ],
} as const;

describe('HPKE, RFC 9180 A.1.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM)', () => {
  const hpke = makeNodeHpke(dhkemX25519, 'sha256', 'aes-128-gcm');

  it('derives the published key pairs', async () => {
    for (const [ikm, sk, pk] of [
      [A1.ikmR, A1.skRm, A1.pkRm],
      [A1.ikmE, A1.skEm, A1.pkEm],
    ] as const) {
      const pair = await hpke.deriveKeyPair(fromHex(ikm));
      expect(toHex(await hpke.exportPrivateKey(pair.privateKey))).toBe(sk);
      expect(toHex(await hpke.exportPublicKey(pair.publicKey))).toBe(pk);
    }
  });

  it('decapsulates the published enc to the published shared secret', () => {
    expect(toHex(dhkemX25519.decap(fromHex(A1.enc), fromHex(A1.skRm)))).toBe(A1.sharedSecret);
  });

  it('opens the published sequence-0 ciphertext', async () => {
    const sk = await hpke.importPrivateKey(fromHex(A1.skRm));
    const opened = await hpke.open(sk, fromHex(A1.enc), fromHex(A1.ct0), fromHex(A1.info), fromHex(A1.aad0));
    expect(toHex(opened)).toBe(A1.plaintext);
  });

  it('exports the published secrets', async () => {
    const sk = await hpke.importPrivateKey(fromHex(A1.skRm));
    for (const [context, value] of A1.exports) {
      expect(
        toHex(await hpke.importSecret(sk, fromHex(context), fromHex(A1.enc), 32, fromHex(A1.info))),
      ).toBe(value);
    }
  });

  it('fails to open with another info, another AAD or a changed ciphertext', async () => {
    const sk = await hpke.importPrivateKey(fromHex(A1.skRm));
    const enc = fromHex(A1.enc);
    const ct = fromHex(A1.ct0);
    await expect(hpke.open(sk, enc, ct, utf8('other'), fromHex(A1.aad0))).rejects.toThrow(CryptoError);
    await expect(hpke.open(sk, enc, ct, fromHex(A1.info), utf8('Count-1'))).rejects.toThrow(CryptoError);
    ct[3]! ^= 1;
    await expect(hpke.open(sk, enc, ct, fromHex(A1.info), fromHex(A1.aad0))).rejects.toThrow(CryptoError);
  });
});

describe.each([
  'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  'MLS_256_XWING_AES256GCM_SHA512_Ed25519',
] as CiphersuiteName[])('HPKE interop with ts-mls default, %s', (suite) => {
  let ours: Hpke;
  let theirs: Hpke;
  beforeAll(async () => {
    const cs = getCiphersuiteFromName(suite);
    ours = (await nodeCryptoProvider.getCiphersuiteImpl(cs)).hpke;
    theirs = (await defaultCryptoProvider.getCiphersuiteImpl(cs)).hpke;
  });

  it('derives the same key pair bytes from the same ikm', async () => {
    const ikm = randomBytes(32);
    const a = await ours.deriveKeyPair(ikm);
    const b = await theirs.deriveKeyPair(ikm);
    expect(toHex(await ours.exportPrivateKey(a.privateKey))).toBe(
      toHex(await theirs.exportPrivateKey(b.privateKey)),
    );
    expect(toHex(await ours.exportPublicKey(a.publicKey))).toBe(
      toHex(await theirs.exportPublicKey(b.publicKey)),
    );
  });

  it('opens what the other seals, both ways, with keys generated on either side', async () => {
    const info = utf8('MLS 1.0 test');
    const aad = randomBytes(9);
    const plaintext = randomBytes(64);
    for (const [sender, receiver] of [
      [ours, theirs],
      [theirs, ours],
    ] as const) {
      const pair = await receiver.generateKeyPair();
      const publicBytes = await receiver.exportPublicKey(pair.publicKey);
      const { ct, enc } = await sender.seal(await sender.importPublicKey(publicBytes), plaintext, info, aad);
      expect(toHex(await receiver.open(pair.privateKey, enc, ct, info, aad))).toBe(toHex(plaintext));
      // The private key survives a round trip through bytes on the other provider.
      const privateBytes = await receiver.exportPrivateKey(pair.privateKey);
      const imported = await sender.importPrivateKey(privateBytes);
      expect(toHex(await sender.open(imported, enc, ct, info, aad))).toBe(toHex(plaintext));
    }
  });

  it('agrees on exported secrets, both ways', async () => {
    const context = utf8('MLS 1.0 external init secret');
    for (const [sender, receiver] of [
      [ours, theirs],
      [theirs, ours],
    ] as const) {
      const pair = await receiver.generateKeyPair();
      const publicKey = await sender.importPublicKey(await receiver.exportPublicKey(pair.publicKey));
      const { enc, secret } = await sender.exportSecret(publicKey, context, 48, new Uint8Array(0));
      expect(secret.length).toBe(48);
      expect(toHex(await receiver.importSecret(pair.privateKey, context, enc, 48, new Uint8Array(0)))).toBe(
        toHex(secret),
      );
    }
  });

  it('refuses keys of the wrong length and enc that does not decapsulate', async () => {
    await expect(ours.importPublicKey(new Uint8Array(5))).rejects.toThrow(CryptoError);
    await expect(ours.importPrivateKey(new Uint8Array(5))).rejects.toThrow(CryptoError);
    const pair = await ours.generateKeyPair();
    await expect(
      ours.open(pair.privateKey, new Uint8Array(3), new Uint8Array(32), new Uint8Array(0)),
    ).rejects.toThrow(CryptoError);
  });
});
