/**
 * Lock and unlock of the full-screen client over the real engine (the TUI's LockApi). Locking runs
 * QpcEngine.lock (connection dropped, identity, hybrid key and MLS states zeroed, store closed; see
 * docs/key-lifecycle.md) and the launcher forgets both. Unlocking checks a secret before anything opens
 * for the person at the keyboard:
 * - a profile kept with a passphrase: the typed passphrase must open the store (scrypt), and the saved
 *   session then reconnects in the background, as at launch;
 * - a profile whose key comes from the keychain or QPC_STORE_KEY opens without a secret, so the account
 *   password is checked by an OPAQUE login (the server's rate limits apply to guesses; the server must
 *   answer). The idle unlock of EngineLock, which reconnects with the saved session, would let anyone in.
 * A failed unlock locks again whatever it opened.
 */
import { AuthError, ValidationError } from '../../lib/errors.js';
import type { QpcEngine } from '../../engine/qpcEngine.js';
import type { ClientProfileStore, StoreKeySource } from '../../engine/store/types.js';
import type { EngineApi } from '../../tui/engineApi.js';
import type { LaunchNeed, ProgressReporter } from '../../tui/launch/launchApi.js';
import type { LockApi } from '../../tui/lock/lockApi.js';
import { CliErrorCode } from '../exitCodes.js';

export interface TuiLockHost {
  readonly keySource: StoreKeySource;
  /** The launcher's engine and store now. */
  current(): { engine: QpcEngine | undefined; store: ClientProfileStore | undefined };
  /** The launcher lets go of both (they are locked and closed by the caller). */
  forget(): void;
  /** Opens the store with a typed passphrase (a wrong one rejects). */
  reopenWithPassphrase(passphrase: string, progress: ProgressReporter): Promise<LaunchNeed>;
  /** Opens the store from the keychain or QPC_STORE_KEY. */
  reopen(): Promise<LaunchNeed>;
  login(username: string, password: string, progress: ProgressReporter): Promise<void>;
  /** The engine for the main screen; it keeps connecting in the background. */
  open(): EngineApi;
}

async function lockHeld(host: TuiLockHost): Promise<void> {
  const { engine, store } = host.current();
  host.forget();
  // The engine's lock closes its store; a store opened without an engine yet is closed here.
  if (engine !== undefined) await engine.lock();
  else store?.close();
}

export function createTuiLock(host: TuiLockHost): LockApi {
  const secretKind = host.keySource === 'passphrase' ? 'passphrase' : 'password';
  let username: string | undefined;
  return {
    secretKind,
    async lock() {
      const { engine } = host.current();
      // Kept for the login that unlocks (the identity leaves memory with the engine).
      if (engine !== undefined) username = (await engine.whoami()).username;
      await lockHeld(host);
    },
    async unlock(secret, progress) {
      try {
        if (secretKind === 'passphrase') {
          progress('Opening the profile (scrypt)');
          const need = await host.reopenWithPassphrase(secret, progress);
          if (need.kind !== 'ready') {
            throw new AuthError(CliErrorCode.unlockSessionEnded, 'your session ended while qpc was locked', {
              hint: 'press Ctrl-C and start qpc again to log in',
            });
          }
        } else {
          if (username === undefined) {
            throw new ValidationError(CliErrorCode.profileNotOpen, 'this profile has no account to unlock');
          }
          progress('Opening the profile');
          await host.reopen();
          progress(`Logging in as ${username}: stretching the password (argon2id)`);
          await host.login(username, secret, progress);
        }
        return host.open();
      } catch (error) {
        await lockHeld(host);
        throw error;
      }
    },
  };
}
