import { describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { generateIdentityMnemonic, mnemonicToIdentitySeed } from '../identity/mnemonic.js';
import { encodeRotationStatement } from '../identity/rotationCodec.js';
import { identityAtIndex, signRotation, type RotationStatement } from '../identity/rotationStatement.js';
import type { SettingsRepository } from '../store/types.js';
import { IdentitySettingKey } from './identityRotation.js';
import { chainWith, keptRotationChain, linksFrom, saveRotationChain } from './rotationChainStore.js';

function memoryStore(): { settings: SettingsRepository } {
  const values = new Map<string, string>();
  return {
    settings: {
      get: (key) => values.get(key),
      set: (key, value) => void values.set(key, value),
      delete: (key) => void values.delete(key),
    },
  };
}

function rotations(count: number): RotationStatement[] {
  const seed = mnemonicToIdentitySeed(generateIdentityMnemonic());
  return Array.from({ length: count }, (_unused, index) =>
    signRotation('alice', identityAtIndex(seed, index), identityAtIndex(seed, index + 1), index + 1, index),
  );
}

describe('the kept rotation chain', () => {
  it('grows link by link, keeps a repeated link once, and gives the links from any key on it', () => {
    const store = memoryStore();
    const [first, second, third] = rotations(3);
    if (first === undefined || second === undefined || third === undefined) throw new Error('no links');
    saveRotationChain(store, chainWith(store, first));
    saveRotationChain(store, chainWith(store, second));
    saveRotationChain(store, chainWith(store, second));
    saveRotationChain(store, chainWith(store, third));
    const chain = keptRotationChain(store);
    expect(chain.map((link) => link.keyIndex)).toEqual([1, 2, 3]);
    expect(linksFrom(chain, second.previousKey)?.map((link) => link.keyIndex)).toEqual([2, 3]);
    expect(linksFrom(chain, third.newKey)).toBeUndefined();
  });

  it('reads a profile that kept only the last statement, and restarts at a link that does not fit', () => {
    const store = memoryStore();
    const [first, second] = rotations(2);
    const [foreign] = rotations(1);
    if (first === undefined || second === undefined || foreign === undefined) throw new Error('no links');
    store.settings.set(IdentitySettingKey.last, toHex(encodeRotationStatement(second)));
    expect(keptRotationChain(store).map((link) => link.keyIndex)).toEqual([2]);
    // The link before it was never kept: a leaf on key 0 finds no links.
    expect(linksFrom(keptRotationChain(store), first.previousKey)).toBeUndefined();
    saveRotationChain(store, chainWith(store, foreign));
    expect(keptRotationChain(store).map((link) => toHex(link.newKey))).toEqual([toHex(foreign.newKey)]);
  });
});
