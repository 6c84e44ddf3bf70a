/**
 * The profile's chain of finished identity rotations, oldest first (`keys.identity.rotation_chain`, the
 * encoding of identity/rotationChain.ts, hex). A group where our leaf could not move (we were alone in
 * it) may still carry any earlier key: the deferred move presents the links from that key to the
 * current one. Profiles from before the chain was kept have only the last statement
 * (`keys.identity.last_rotation`), which stands for a chain of one.
 */
import { fromHex, toHex } from '../../lib/bytes.js';
import { decodeRotationStatement } from '../identity/rotationCodec.js';
import { decodeRotationChain, encodeRotationChain, MAX_CHAIN_LINKS } from '../identity/rotationChain.js';
import type { RotationStatement } from '../identity/rotationStatement.js';
import type { ClientProfileStore } from '../store/types.js';

/** Only the settings are read and written. */
type ChainStore = Pick<ClientProfileStore, 'settings'>;

export const ROTATION_CHAIN_SETTING = 'keys.identity.rotation_chain';
/** Same value as IdentitySettingKey.last (identityRotation.ts), read here without importing it back. */
const LAST_ROTATION_SETTING = 'keys.identity.last_rotation';

export function keptRotationChain(store: ChainStore): RotationStatement[] {
  const chain = store.settings.get(ROTATION_CHAIN_SETTING);
  if (chain !== undefined) return decodeRotationChain(fromHex(chain));
  const last = store.settings.get(LAST_ROTATION_SETTING);
  return last === undefined ? [] : [decodeRotationStatement(fromHex(last))];
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return toHex(a) === toHex(b);
}

/**
 * The kept chain with `statement` appended. A statement that does not start where the chain ends (a
 * chain lost, or from before it was kept) starts a new chain; past 64 links the oldest are dropped.
 */
export function chainWith(store: ChainStore, statement: RotationStatement): RotationStatement[] {
  const kept = keptRotationChain(store);
  const end = kept.at(-1);
  if (end !== undefined && sameKey(end.newKey, statement.newKey)) return kept;
  const chain =
    end !== undefined && sameKey(end.newKey, statement.previousKey) ? [...kept, statement] : [statement];
  return chain.slice(-MAX_CHAIN_LINKS);
}

export function saveRotationChain(store: ChainStore, chain: readonly RotationStatement[]): void {
  if (chain.length === 0) return;
  store.settings.set(ROTATION_CHAIN_SETTING, toHex(encodeRotationChain(chain)));
}

/** The links from `leafKey` to the chain's end; undefined when the chain never passed through it. */
export function linksFrom(
  chain: readonly RotationStatement[],
  leafKey: Uint8Array,
): RotationStatement[] | undefined {
  const start = chain.findIndex((link) => sameKey(link.previousKey, leafKey));
  return start === -1 ? undefined : chain.slice(start);
}
