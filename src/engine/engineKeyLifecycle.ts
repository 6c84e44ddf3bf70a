/**
 * The key lifecycle part of the engine's facade (QpcEngine extends it): the identity and its recovery
 * words, key rotation and its schedule, the encrypted backup, and the lock that zeroes every key in
 * memory. Each method forwards to its feature (account/, keys/, backup/, lock/); the parts it needs are
 * the engine's own, declared here and set by QpcEngine's constructor.
 */
import { systemClock, type Clock } from '../lib/clock.js';
import { ValidationError } from '../lib/errors.js';
import { EngineErrorCode } from './engineErrors.js';
import {
  exportBackup,
  importBackup,
  type BackupSummary,
  type ExportBackupOptions,
  type ImportBackupResult,
} from './backup/profileBackup.js';
import {
  confirmRecoveryWords,
  pendingRecoveryWords,
  prepareRegistrationIdentity,
} from './account/recoveryWords.js';
import type { MlsEnv } from './mls/groupSession.js';
import type { ClientProfileStore } from './store/types.js';
import type { LoadedIdentity } from './client/clientContext.js';
import type { GroupRegistry } from './client/groupRegistry.js';
import { createProfileIdentity, keptRecoveryWords, restoreProfileIdentity } from './client/localIdentity.js';
import type { KeyRotations } from './keys/keyRotations.js';
import { readKeySchedule, writeKeySchedule, type KeySchedule } from './keys/keySettings.js';

export abstract class EngineKeyLifecycle {
  protected locked = false;
  protected abstract readonly store: ClientProfileStore;
  protected abstract readonly mls: MlsEnv;
  protected abstract readonly groups: GroupRegistry;
  protected abstract readonly rotations: KeyRotations;

  abstract login(usernameInput: string, password: string): Promise<unknown>;
  abstract close(): Promise<void>;
  protected abstract requireIdentity(): LoadedIdentity;

  /** Creates the identity of a new profile; returns the 24 recovery words (kept encrypted in the profile). */
  static createIdentity(store: ClientProfileStore, clock: Clock = systemClock): string {
    return createProfileIdentity(store, clock);
  }

  /**
   * The identity a registration uses and its 24 words, kept (encrypted) in the profile until
   * confirmRecoveryWords: a retry after a failed registration gets the same words, and a launch after
   * the words screen was left shows them again (account/recoveryWords.ts). Undefined once registered.
   */
  static prepareRegistration(store: ClientProfileStore, clock: Clock = systemClock): string | undefined {
    return prepareRegistrationIdentity(store, clock);
  }

  /** The words of a registered identity that the person has not confirmed yet (undefined: none). */
  static unconfirmedRecoveryWords(store: ClientProfileStore): string | undefined {
    return pendingRecoveryWords(store);
  }

  /** The person typed a word back (or a script printed them): the words leave the profile for good. */
  static confirmRecoveryWords(store: ClientProfileStore): void {
    confirmRecoveryWords(store);
  }

  /**
   * Creates the identity of a new profile for an existing account from its typed recovery words (the same
   * identity key; a fresh hybrid key pair, published at the next login). Returns the identity public key.
   */
  static restoreIdentity(
    store: ClientProfileStore,
    mnemonic: string,
    clock: Clock = systemClock,
  ): Uint8Array {
    return restoreProfileIdentity(store, mnemonic, clock);
  }

  // ---- key rotation (keys/) ------------------------------------------------------------------------

  /** A new sealed-sender access key, registered with the server and shared in every group. */
  rotateAccessKey(): Promise<void> {
    return this.rotations.rotateAccessKey();
  }

  /** A new hybrid key pair, published; the previous private key opens late envelopes for the grace period. */
  rotateHybridKey(): Promise<void> {
    return this.rotations.rotateHybridKey();
  }

  /** The profile's key rotation schedule, in days. */
  keySchedule(): KeySchedule {
    return readKeySchedule(this.store.settings);
  }

  /** Changes parts of the rotation schedule (typed error KEYS_BAD_SCHEDULE for a bad number of days). */
  setKeySchedule(change: Partial<KeySchedule>): KeySchedule {
    return writeKeySchedule(this.store.settings, change);
  }

  /** Scheduled key rotations due now (normally they run by themselves at session start and on a timer). */
  runDueKeyRotations(): Promise<void> {
    return this.rotations.runDue();
  }

  /**
   * The 24 recovery words again, only for the account password: it is checked by an OPAQUE login (so
   * the server's rate limits apply to guesses). RECOVERY_WORDS_NOT_KEPT for profiles made before the
   * words were kept.
   */
  async revealRecoveryWords(password: string): Promise<string> {
    const username = this.requireIdentity().username;
    if (username === null) {
      throw new ValidationError(EngineErrorCode.notRegistered, 'this profile has no account yet');
    }
    await this.login(username, password);
    const words = keptRecoveryWords(this.store);
    if (words === undefined) {
      throw new ValidationError(
        EngineErrorCode.recoveryWordsNotKept,
        'this profile does not keep its recovery words',
        { hint: 'profiles made by an older qpc kept them only until the first check' },
      );
    }
    return words;
  }

  // ---- encrypted backup (backup/profileBackup.ts) ----------------------------------------------------

  /** Writes an encrypted backup (contacts, trust, settings, history) to `file`, mode 0600. */
  exportBackup(file: string, options: Omit<ExportBackupOptions, 'clock'> = {}): Promise<BackupSummary> {
    return Promise.resolve().then(() =>
      exportBackup(this.store, file, { ...options, clock: this.mls.clock }),
    );
  }

  /**
   * Imports a backup opened by the 24 words, in one transaction; a profile with no account gets the
   * words' identity (log in next). MLS group states are not in a backup: groups come back by invite.
   */
  importBackup(file: string, words: string): Promise<ImportBackupResult> {
    return Promise.resolve().then(() => importBackup(this.store, file, words, this.mls.clock));
  }

  /**
   * Lock (lock/engineLock.ts): the connection drops, every key this engine holds in memory is zeroed
   * (identity, hybrid key, every open MLS group state), and the store closes. Every call after it fails
   * with ENGINE_LOCKED; unlocking opens the profile again in a new engine. Messages wait on the server.
   */
  async lock(): Promise<void> {
    if (this.locked) return;
    this.locked = true;
    try {
      await this.close();
    } finally {
      await this.groups.wipeSessions();
      this.store.close();
    }
  }

  get isLocked(): boolean {
    return this.locked;
  }
}
