/**
 * What the TUI needs before the main screen: opening the profile, the first run (server, account,
 * recovery words) and logging in again. The composition root (src/cli/commands/tui.ts) implements it
 * over the engine; the TUI only calls it, so the launch screens are tested with a fake.
 */
import type { EngineApi } from '../engineApi.js';
import type { LockApi } from '../lock/lockApi.js';

/** Short labels of long work ("Connecting to 127.0.0.1:7443"), shown next to a spinner. */
export type ProgressReporter = (label: string) => void;

/** What the launch must ask next. */
export type LaunchNeed =
  /** The store key comes from a passphrase; `creating`: a new profile, so it is asked twice. */
  | { readonly kind: 'passphrase'; readonly creating: boolean }
  /** A profile with no account yet: pick the server, then register or log in with recovery words. */
  | { readonly kind: 'firstRun'; readonly defaultServer: string }
  /** An account whose session is gone: its password, to log in again. */
  | { readonly kind: 'login'; readonly username: string; readonly server: string }
  /**
   * Registered, but the recovery words were never confirmed (the words screen was left): show them and
   * ask one back before anything else; confirmRecoveryWords then lets the main screen start.
   */
  | { readonly kind: 'recoveryWords'; readonly words: readonly string[] }
  /** Logged in: the main screen can start. */
  | { readonly kind: 'ready' };

export interface LaunchApi {
  /** Opens the profile (or finds there is none) and says what comes next. */
  start(progress: ProgressReporter): Promise<LaunchNeed>;
  /** The store passphrase; rejects with a QpcError when it is wrong. */
  unlock(passphrase: string, progress: ProgressReporter): Promise<LaunchNeed>;
  /**
   * Creates the identity, registers `username` on `server` (OPAQUE) and logs in. Resolves with the 24
   * recovery words, which the caller shows and checks; a retry after a failure resolves with the same
   * words. Until confirmRecoveryWords, every launch answers `recoveryWords` instead of `ready`.
   */
  register(
    server: string,
    username: string,
    password: string,
    progress: ProgressReporter,
  ): Promise<readonly string[]>;
  /** The person typed the asked word back: the words leave the profile. */
  confirmRecoveryWords(): Promise<void>;
  login(username: string, password: string, progress: ProgressReporter): Promise<void>;
  /**
   * Log in to an existing account on a new profile: the identity comes from the recovery `words`
   * (rejects with MNEMONIC_UNKNOWN_WORD / MNEMONIC_BAD_CHECKSUM), then OPAQUE login on `server`.
   * With `backupFile`, the backup the same words open is checked first (a typed BACKUP_* error and
   * nothing done when it does not open) and imported after the login.
   */
  restore(
    server: string,
    words: string,
    username: string,
    password: string,
    progress: ProgressReporter,
    backupFile?: string,
  ): Promise<void>;
  /** The engine for the main screen; connecting continues in the background. */
  open(): EngineApi;
  /** Lock and unlock of the main screen, asked once it is ready; absent: the client cannot lock. */
  lockApi?(): LockApi;
}
