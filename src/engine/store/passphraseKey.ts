/**
 * The store key from a passphrase, for machines with no OS keychain: scrypt (N=2^17, r=8, p=1: 128 MiB and
 * about half a second, once per start) over a random salt kept in `<profileDir>/store.salt` (0600). The
 * same file holds a verifier so a wrong passphrase is reported as such rather than as a wrong database key.
 * The verifier gives an attacker holding the file nothing the encrypted database does not already give:
 * either lets them test passphrase guesses, each at the cost of one scrypt.
 */
import { createHmac, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { closeSync, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';
import { AuthError, StorageError, ValidationError } from '../../lib/errors.js';
import { constantTimeEqual, fromHex, toHex, wipe } from '../../lib/bytes.js';
import { StoreErrorCode } from './storageErrors.js';

export const SALT_FILE_NAME = 'store.salt';
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const SALT_BYTES = 32;
const KEY_BYTES = 32;
const VERIFIER_LABEL = 'quicprochat store key verifier v1';
/** Upper bounds when reading store.salt, so a tampered file cannot make us allocate gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 16;
const MAX_P = 4;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export interface SaltFile extends ScryptParams {
  version: 1;
  kdf: 'scrypt';
  salt: string;
  verifier: string;
}

export class StoreWrongPassphraseError extends AuthError {
  constructor() {
    super(StoreErrorCode.wrongPassphrase, 'the passphrase does not match this profile', {
      hint: 'Type the passphrase you chose when this profile was created (or set it in QPC_PASSPHRASE; a profile keyed by QPC_STORE_KEY needs that key instead).',
    });
  }
}

function deriveKey(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const normalized = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  // maxmem must exceed 128 * N * r (Node's default of 32 MiB is too small for N = 2^17).
  const maxmem = 2 * 128 * params.N * params.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scryptCallback(normalized, salt, KEY_BYTES, { ...params, maxmem }, (error, derived) => {
      wipe(normalized);
      if (error) reject(error);
      else {
        resolve(new Uint8Array(derived));
        wipe(derived);
      }
    });
  });
}

function verifierOf(key: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(VERIFIER_LABEL).digest());
}

function checkPassphrase(passphrase: string): void {
  if (passphrase.length === 0)
    throw new ValidationError(StoreErrorCode.emptyPassphrase, 'the passphrase is empty');
}

function parseSaltFile(path: string): SaltFile {
  const bad = (why: string): StorageError =>
    new StorageError(StoreErrorCode.badSaltFile, `${path} is not a valid quicprochat salt file (${why})`, {
      hint: 'Restore this file from a backup; without it the passphrase cannot open the profile.',
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw bad('not JSON');
  }
  const file = parsed as Partial<SaltFile>;
  if (file.version !== 1 || file.kdf !== 'scrypt') throw bad('unknown version');
  const { N, r, p, salt, verifier } = file;
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p)) throw bad('bad parameters');
  if (N! < 2 || N! > MAX_N || (N! & (N! - 1)) !== 0 || r! < 1 || r! > MAX_R || p! < 1 || p! > MAX_P) {
    throw bad('parameters out of range');
  }
  if (typeof salt !== 'string' || typeof verifier !== 'string' || !/^[0-9a-f]{64}$/.test(verifier)) {
    throw bad('bad salt or verifier');
  }
  return file as SaltFile;
}

/** Creates store.salt for a new profile and returns the key the passphrase derives. */
export async function createPassphraseKey(
  saltPath: string,
  passphrase: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<Uint8Array> {
  checkPassphrase(passphrase);
  const salt = new Uint8Array(randomBytes(SALT_BYTES));
  const key = await deriveKey(passphrase, salt, params);
  const content: SaltFile = {
    version: 1,
    kdf: 'scrypt',
    ...params,
    salt: toHex(salt),
    verifier: toHex(verifierOf(key)),
  };
  // 'wx': never overwrite an existing salt, which would make the old database unreadable.
  const fd = openSync(saltPath, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}

/** Derives the key from store.salt and the passphrase; a wrong passphrase gives StoreWrongPassphraseError. */
export async function unlockPassphraseKey(saltPath: string, passphrase: string): Promise<Uint8Array> {
  checkPassphrase(passphrase);
  const file = parseSaltFile(saltPath);
  const key = await deriveKey(passphrase, fromHex(file.salt), { N: file.N, r: file.r, p: file.p });
  const verifier = verifierOf(key);
  const matches = constantTimeEqual(verifier, fromHex(file.verifier));
  wipe(verifier);
  if (!matches) {
    wipe(key);
    throw new StoreWrongPassphraseError();
  }
  return key;
}
