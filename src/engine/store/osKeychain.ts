/**
 * The OS keychain through @napi-rs/keyring (macOS Keychain, Windows Credential Manager, the Secret Service
 * on Linux). On Linux the entry is pinned to the Secret Service: the library's default falls back to the
 * kernel keyring, which forgets everything at reboot, and losing the store key loses the profile.
 * Every call has a deadline so a keychain that never answers (a locked collection waiting on a prompt
 * nobody sees) cannot hang qpc; with no D-Bus session the library throws, which we report as "no keychain".
 */
import type * as Keyring from '@napi-rs/keyring';

/** The part of a keychain the store needs; an in-memory fake serves unit tests. */
export interface KeychainLike {
  /** Resolves null when there is no such entry; rejects when the keychain cannot be reached. */
  getSecret(service: string, account: string): Promise<Uint8Array | null>;
  setSecret(service: string, account: string, secret: Uint8Array): Promise<void>;
  /** Resolves false when there was nothing to delete. */
  deleteSecret(service: string, account: string): Promise<boolean>;
}

type KeyringModule = typeof Keyring;

const DEFAULT_TIMEOUT_MS = 5000;

async function withDeadline<T>(timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`the keychain did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function createOsKeychain(options: { timeoutMs?: number } = {}): KeychainLike {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Loaded lazily: a platform without a prebuilt binary then means "no keychain", not a crash at import.
  let keyring: Promise<KeyringModule> | undefined;
  const entry = async (service: string, account: string) => {
    keyring ??= import('@napi-rs/keyring');
    const { AsyncEntry } = await keyring;
    return new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  };
  return {
    getSecret: (service, account) =>
      withDeadline(timeoutMs, async (signal) => {
        const secret = await (await entry(service, account)).getSecret(signal);
        if (secret === null) return null;
        const bytes = Uint8Array.from(secret);
        secret.fill(0);
        return bytes;
      }),
    setSecret: (service, account, secret) =>
      withDeadline(timeoutMs, async (signal) => (await entry(service, account)).setSecret(secret, signal)),
    deleteSecret: (service, account) =>
      withDeadline(timeoutMs, async (signal) => (await entry(service, account)).deleteCredential(signal)),
  };
}
