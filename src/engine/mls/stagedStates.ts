/**
 * The in-memory states behind staged commit bytes. Merging a commit staged by the same session
 * then skips decoding the bytes (and encoding the result again): at 1,000 members that decode and
 * encode cost more than the commit itself. Only a state staged on the very state the session still
 * holds is served; anything else (another message processed in between, a reopened session, bytes
 * read back from disk) goes through the bytes.
 */
import type { ClientState } from 'ts-mls';

export interface StagedInMemory {
  /** The state createCommit started from. */
  base: ClientState;
  /** The state after the commit; stagedState is its encoding. */
  next: ClientState;
  /** What ts-mls reports the commit used up (zeroed once merged, unless `next` still holds it). */
  consumed: Uint8Array[];
}

export class StagedStates {
  // Keyed on the identity of the staged bytes: an entry lives no longer than the caller's array.
  readonly #byBytes = new WeakMap<Uint8Array, StagedInMemory>();

  remember(stagedState: Uint8Array, entry: StagedInMemory): void {
    this.#byBytes.set(stagedState, entry);
  }

  /** The entry for these bytes if it was staged on `current`; a hit or a miss, it is forgotten. */
  take(stagedState: Uint8Array, current: ClientState): StagedInMemory | undefined {
    const entry = this.#byBytes.get(stagedState);
    this.#byBytes.delete(stagedState);
    return entry?.base === current ? entry : undefined;
  }
}
