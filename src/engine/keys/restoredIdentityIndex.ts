/**
 * A restore from the recovery words on an account that has rotated its identity key: the words derive
 * every key of the account (SLIP-0010 index n, docs/identity.md), but only the directory knows which one
 * is current. After the OPAQUE login of a restore, the directory's key is looked up and the indexes
 * 0..RESTORE_MAX_KEY_INDEX are tried until one derives it; the profile then holds that key, its index
 * and the chain of rotation statements up to it (signed again from the seed), as rotations would have
 * left them, so a group whose members still know an older key accepts the move to this one.
 */
import { constantTimeEqual, toHex, wipe } from '../../lib/bytes.js';
import { AuthError } from '../../lib/errors.js';
import type { LoadedIdentity } from '../client/clientContext.js';
import { lookupUsername } from '../client/directory.js';
import { HYBRID_KEY_UNPUBLISHED_SETTING, keptRecoveryWords } from '../client/localIdentity.js';
import { WORDS_MAX_KEY_INDEX } from '../identity/keyIndexOfWords.js';
import { mnemonicToIdentitySeed } from '../identity/mnemonic.js';
import type { IdentityKeyPair } from '../identity/identityKey.js';
import { encodeRotationStatement } from '../identity/rotationCodec.js';
import { identityAtIndex, signRotation, type RotationStatement } from '../identity/rotationStatement.js';
import type { ServerConnection } from '../net/serverConnection.js';
import type { ClientProfileStore } from '../store/types.js';
import { IdentitySettingKey } from './identityRotation.js';
import { saveRotationChain } from './rotationChainStore.js';

/** The last index tried: the same bound as every "do these words derive this key" search. */
export const RESTORE_MAX_KEY_INDEX = WORDS_MAX_KEY_INDEX;

export const RestoreIdentityErrorCode = {
  /** The words derive none of the keys 0..63, so not the account's current identity key. */
  notCurrentKey: 'RESTORE_WORDS_NOT_CURRENT_KEY',
} as const;

/**
 * The rotation statements key0 -> key1 -> ... -> key`index`, signed again: both keys of each link come
 * from the seed and Ed25519 signs deterministically, so each link differs from the original only by its
 * time (`now`, the restore's). Members verify signatures and links, not times.
 */
function rederiveChain(seed: Uint8Array, index: number, username: string, now: number): RotationStatement[] {
  const chain: RotationStatement[] = [];
  let previous = identityAtIndex(seed, 0);
  for (let next = 1; next <= index; next += 1) {
    const pair = identityAtIndex(seed, next);
    chain.push(signRotation(username, previous, pair, next, now));
    wipe(previous.privateKey);
    previous = pair;
  }
  wipe(previous.privateKey);
  return chain;
}

/**
 * The key pair at the first index whose public key is `target`, and the rotation chain that leads to it;
 * every other derived private key is wiped.
 */
function findKeyIndex(
  words: string,
  target: Uint8Array,
  username: string,
  now: number,
): { index: number; pair: IdentityKeyPair; chain: RotationStatement[] } | undefined {
  const seed = mnemonicToIdentitySeed(words);
  try {
    for (let index = 0; index <= RESTORE_MAX_KEY_INDEX; index += 1) {
      const pair = identityAtIndex(seed, index);
      if (constantTimeEqual(pair.publicKey, target)) {
        return { index, pair, chain: rederiveChain(seed, index, username, now) };
      }
      wipe(pair.privateKey);
    }
    return undefined;
  } finally {
    wipe(seed);
  }
}

/**
 * For a profile whose restore is not finished (its hybrid key not yet published): switches it to the key
 * of its words that the directory holds for `username`, and records that key's index. Throws an AuthError
 * RESTORE_WORDS_NOT_CURRENT_KEY when no index up to 63 derives it. `identity` is the engine's loaded copy,
 * updated in place.
 */
export async function adoptDirectoryIdentityKey(
  store: ClientProfileStore,
  connection: ServerConnection,
  username: string,
  identity: LoadedIdentity,
  now: number,
): Promise<void> {
  if (store.settings.get(HYBRID_KEY_UNPUBLISHED_SETTING) === undefined) return;
  const words = keptRecoveryWords(store);
  // A restore always keeps the words it was made from; without them there is nothing to search.
  if (words === undefined) return;
  const entry = await lookupUsername(connection, store, username);
  const found = findKeyIndex(words, entry.identityPublicKey, username, now);
  if (found === undefined) {
    throw new AuthError(
      RestoreIdentityErrorCode.notCurrentKey,
      `these recovery words do not belong to the current identity key of ${username}`,
      { hint: 'check the words, or the username' },
    );
  }
  const { index, pair, chain } = found;
  const record = store.identity.load();
  if (record === undefined) {
    wipe(pair.privateKey);
    return;
  }
  const oldPrivate = record.signingPrivateKey;
  store.transaction(() => {
    store.identity.save({
      ...record,
      signingPrivateKey: new Uint8Array(pair.privateKey),
      signingPublicKey: new Uint8Array(pair.publicKey),
    });
    store.settings.set(IdentitySettingKey.keyIndex, String(index));
    const last = chain.at(-1);
    if (last !== undefined) {
      store.settings.set(IdentitySettingKey.last, toHex(encodeRotationStatement(last)));
      saveRotationChain(store, chain);
    }
  });
  wipe(oldPrivate);
  // Only now: the record saved above carries this hybrid private key, so wiping this copy earlier would
  // have stored zeros in its place (and no Welcome sealed to the published key could be opened).
  wipe(record.hybridPrivateKey);
  wipe(identity.mls.signingPrivateKey);
  identity.mls = {
    signingPrivateKey: new Uint8Array(pair.privateKey),
    signingPublicKey: new Uint8Array(pair.publicKey),
  };
  wipe(pair.privateKey);
}
