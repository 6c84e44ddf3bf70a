/**
 * What the TUI needs to lock a running client and unlock it again. The composition root implements it
 * over the engine's lock (src/engine/lock/): locking drops the connection, zeroes the keys the engine
 * holds and closes the store; unlocking opens the profile again, logs in and hands back a new engine.
 * The TUI only calls it, so the lock screen is tested with a fake.
 */
import type { EngineApi } from '../engineApi.js';

/**
 * What the unlock screen asks for: the store passphrase (a profile kept without a keychain: opening the
 * store checks it), or the account password (a keychain or raw-key profile: an OPAQUE login checks it).
 */
export type UnlockSecretKind = 'passphrase' | 'password';

export interface LockApi {
  /** Known before locking, so the unlock screen can name it. */
  readonly secretKind: UnlockSecretKind;
  /** Locks the engine the main screen was using; afterwards it answers only ENGINE_LOCKED. */
  lock(): Promise<void>;
  /**
   * Opens the profile and logs in with `secret`; rejects with a QpcError (a wrong passphrase or
   * password) and leaves the client locked. Resolves with the engine for the main screen.
   */
  unlock(secret: string, progress: (label: string) => void): Promise<EngineApi>;
}
