import {
  defaultCryptoProvider,
  getCiphersuiteFromName,
  type CiphersuiteName,
  type CryptoProvider,
} from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../../lib/bytes.js';
import { isNativeSuite, nodeCryptoProvider, nodeRng } from './nodeCryptoProvider.js';
import {
  commitAndProcess,
  createTwoMemberGroup,
  sendApplicationMessage,
  type GroupMember,
} from './twoMemberGroup.js';

const SUITES: CiphersuiteName[] = [
  'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  'MLS_256_XWING_AES256GCM_SHA512_Ed25519',
];
const PAIRINGS: [string, CryptoProvider, CryptoProvider][] = [
  ['ours creates, default joins', nodeCryptoProvider, defaultCryptoProvider],
  ['default creates, ours joins', defaultCryptoProvider, nodeCryptoProvider],
];

async function exchange(alice: GroupMember, bob: GroupMember, tag: string): Promise<void> {
  expect(fromUtf8(await sendApplicationMessage(alice, bob, utf8(`alice ${tag}`)))).toBe(`alice ${tag}`);
  expect(fromUtf8(await sendApplicationMessage(bob, alice, utf8(`bob ${tag}`)))).toBe(`bob ${tag}`);
}

describe.each(SUITES)('a group with one member on each provider, %s', (suite) => {
  it.each(PAIRINGS)('%s: messages both ways, a commit from each side', async (_label, creator, joiner) => {
    const { alice, bob } = await createTwoMemberGroup(suite, creator, joiner);
    expect(alice.state.groupContext.epoch).toBe(1n);
    expect(bob.state.groupContext.epoch).toBe(1n);
    await exchange(alice, bob, 'epoch 1');
    await commitAndProcess(bob, alice);
    await exchange(alice, bob, 'epoch 2');
    await commitAndProcess(alice, bob);
    await exchange(alice, bob, 'epoch 3');
    expect(alice.state.groupContext.epoch).toBe(3n);
    expect(bob.state.groupContext.epoch).toBe(3n);
  });
});

describe('nodeCryptoProvider', () => {
  it('serves our two suites natively', async () => {
    for (const suite of SUITES) {
      const cs = getCiphersuiteFromName(suite);
      expect(isNativeSuite(cs)).toBe(true);
      expect((await nodeCryptoProvider.getCiphersuiteImpl(cs)).name).toBe(suite);
    }
  });

  it('hands other suites to ts-mls default, which can still run a group', async () => {
    const suite = 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256';
    expect(isNativeSuite(getCiphersuiteFromName(suite))).toBe(false);
    const { alice, bob } = await createTwoMemberGroup(suite, nodeCryptoProvider, nodeCryptoProvider);
    await exchange(alice, bob, 'p256');
  });

  it('rng gives the requested length, small and large, never the same bytes twice', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const bytes = nodeRng.randomBytes(16);
      expect(bytes.length).toBe(16);
      seen.add(Buffer.from(bytes).toString('hex'));
    }
    expect(seen.size).toBe(2000);
    expect(nodeRng.randomBytes(1000).length).toBe(1000);
    expect(nodeRng.randomBytes(0).length).toBe(0);
  });
});
