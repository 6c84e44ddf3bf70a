/**
 * Account creation is not finished until the person has seen the 24 recovery words and typed one back:
 * an account whose words nobody wrote down can never be restored. So the words of a new identity stay in
 * the (encrypted) profile until that check passes, and are deleted then. Until then:
 * - a registration that failed and is retried (a taken username, a network error) shows the same words;
 * - a launch after the words screen was left (Ctrl-C, Esc, a crash) shows them again and asks again.
 * Keeping them in the profile adds no exposure: the identity private key they derive is in the same
 * SQLCipher file. A restored identity never has pending words (the person typed them).
 */
import type { Clock } from '../../lib/clock.js';
import type { ClientProfileStore } from '../store/types.js';
import { createProfileIdentity, RECOVERY_WORDS_PENDING_SETTING } from '../client/localIdentity.js';

export { RECOVERY_WORDS_PENDING_SETTING };
export {
  keepRecoveryWords,
  keptRecoveryWords,
  RECOVERY_WORDS_KEPT_SETTING,
} from '../client/localIdentity.js';

/** The words of this profile's identity while they are not yet confirmed; undefined otherwise. */
export function pendingRecoveryWords(store: ClientProfileStore): string | undefined {
  return store.settings.get(RECOVERY_WORDS_PENDING_SETTING);
}

/** The person wrote the words down and typed one back (or a script received them): forget them. */
export function confirmRecoveryWords(store: ClientProfileStore): void {
  store.settings.delete(RECOVERY_WORDS_PENDING_SETTING);
}

/**
 * The identity to register, and its words: the unconfirmed one of an earlier attempt, or a fresh one.
 * An unregistered identity whose words are unknown here (a restore that was abandoned, or a profile
 * from before this rule) is replaced, so the words shown are always those of the key registered.
 * Returns undefined when the profile already has an account (register refuses it with its own error).
 */
export function prepareRegistrationIdentity(store: ClientProfileStore, clock: Clock): string | undefined {
  const record = store.identity.load();
  if (record !== undefined) record.signingPrivateKey.fill(0);
  if (record !== undefined) record.hybridPrivateKey.fill(0);
  if (record !== undefined && record.username !== null) return pendingRecoveryWords(store);
  const pending = pendingRecoveryWords(store);
  if (record !== undefined && pending !== undefined) return pending;
  return store.transaction(() => {
    const words = createProfileIdentity(store, clock, { replaceUnregistered: true });
    store.settings.set(RECOVERY_WORDS_PENDING_SETTING, words);
    return words;
  });
}
