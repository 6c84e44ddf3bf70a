/**
 * Lock and unlock of a running client. A locked client holds no key and no open store: lock() runs
 * QpcEngine.lock (connection dropped, identity, hybrid key and MLS states zeroed, store closed) and keeps
 * nothing of that engine. unlock() opens the profile again (keychain, or the passphrase typed on the
 * unlock screen), builds a new engine, and logs in: with the saved session token, or with the account
 * password when that session has ended; catching up fetches what waited on the server meanwhile.
 * An idle timer locks after `idleMs` without touch() (0: never).
 */
import type { Clock } from '../../lib/clock.js';
import type { QpcEngine } from '../qpcEngine.js';
import type { ClientProfileStore } from '../store/types.js';
import { engineLockedError } from './lockErrors.js';

export interface EngineLockOptions {
  /** Opens the profile: `storeSecret` is the passphrase (undefined: keychain or environment). */
  openStore: (storeSecret: string | undefined) => Promise<ClientProfileStore>;
  createEngine: (store: ClientProfileStore) => QpcEngine;
  /** Lock after this long without touch(); 0 or absent: never. */
  idleMs?: number;
  /** Told after every lock (the TUI shows its unlock screen) and every unlock. */
  onChange?: (locked: boolean) => void;
  /** Where an idle lock that fails is reported. */
  onError?: (error: unknown) => void;
  clock?: Clock;
}

export interface UnlockSecrets {
  storeSecret?: string;
  /** The account password: a fresh login instead of the saved session (needed once that expired). */
  password?: string;
}

export class EngineLock {
  private current: QpcEngine | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: EngineLockOptions,
    engine?: QpcEngine,
  ) {
    this.current = engine;
    this.touch();
  }

  get locked(): boolean {
    return this.current === undefined;
  }

  /** The unlocked engine; ENGINE_LOCKED while locked. */
  get engine(): QpcEngine {
    if (this.current === undefined) throw engineLockedError();
    return this.current;
  }

  /** Activity: the idle timer starts again. */
  touch(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const idleMs = this.options.idleMs ?? 0;
    if (idleMs <= 0 || this.current === undefined) return;
    this.timer = setTimeout(() => {
      this.lock().catch((error: unknown) => this.options.onError?.(error));
    }, idleMs);
    // An idle timer alone must not keep a closing process alive.
    this.timer.unref();
  }

  async lock(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const engine = this.current;
    if (engine === undefined) return;
    this.current = undefined;
    await engine.lock();
    this.options.onChange?.(true);
  }

  /** Opens the profile and logs in; on failure the client stays locked and nothing stays open. */
  async unlock(secrets: UnlockSecrets = {}): Promise<QpcEngine> {
    if (this.current !== undefined) return this.current;
    const store = await this.options.openStore(secrets.storeSecret);
    const engine = this.options.createEngine(store);
    try {
      if (secrets.password === undefined) await engine.connect();
      else {
        const me = await engine.whoami();
        await engine.login(me.username, secrets.password);
      }
    } catch (error) {
      await engine.lock();
      throw error;
    }
    this.current = engine;
    this.touch();
    this.options.onChange?.(false);
    return engine;
  }

  /** Stops the idle timer (at exit). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
