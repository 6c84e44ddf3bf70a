/**
 * One profile, one process. Two qpc processes on one profile fight over the server session (each opening
 * it ends the other's, SESSION_REPLACED) and over the MLS group states on disk, so the store refuses to
 * open a profile that another live process holds. The lock is a file beside the database holding the
 * holder's pid; a lock whose pid is no longer running (a crash, kill -9) is stale and is taken over.
 * A pid reused by an unrelated process after a crash keeps the lock until that process ends: the message
 * names the pid and the file, so a person can check and remove it.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StorageError } from '../../lib/errors.js';
import { STORE_PROFILE_LOCKED } from './storageErrors.js';

export const PROFILE_LOCK_SUFFIX = '.lock';

export interface ProfileLock {
  readonly file: string;
  /** Removes the lock file if it is still ours; safe to call more than once. */
  release(): void;
}

export interface ProfileLockOptions {
  /** Default process.pid; tests lock on behalf of another pid. */
  pid?: number;
  /** Default: a signal-0 probe (ESRCH means gone; EPERM means alive under another user). */
  isAlive?: (pid: number) => boolean;
}

export class ProfileLockedError extends StorageError {
  constructor(
    readonly lockFile: string,
    readonly holderPid: number,
  ) {
    super(
      STORE_PROFILE_LOCKED,
      holderPid === process.pid
        ? 'this profile is already open in this process'
        : `this profile is in use by another qpc (pid ${holderPid})`,
      {
        hint: `close the other qpc first, or use another --profile DIR; if no qpc runs with pid ${holderPid}, remove ${lockFile}`,
      },
    );
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    // Gone between our create attempt and this read: the holder released it; the caller tries again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates `<databaseFile>.lock` holding our pid, or throws ProfileLockedError naming the live holder. */
export function acquireProfileLock(databaseFile: string, options: ProfileLockOptions = {}): ProfileLock {
  const file = `${databaseFile}${PROFILE_LOCK_SUFFIX}`;
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? processAlive;
  // A new profile: its directory is created here first (0700, as encryptedDatabase.ts would).
  if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Two rounds: the second follows the removal of a stale lock (or one released while we looked).
  for (let round = 0; round < 2; round += 1) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      if (holder !== undefined && isAlive(holder)) throw new ProfileLockedError(file, holder);
      // Stale (dead pid) or unreadable content: take it over.
      try {
        unlinkSync(file);
      } catch (unlinkError) {
        // Another process took it over first; the next round finds its lock and its live pid.
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
      continue;
    }
    try {
      writeSync(fd, `${pid}\n`);
    } finally {
      closeSync(fd);
    }
    let held = true;
    return {
      file,
      release() {
        if (!held) return;
        held = false;
        if (readHolder(file) !== pid) return;
        try {
          unlinkSync(file);
        } catch (error) {
          // Already removed (by a person, or a stale-lock takeover after our pid was judged dead): fine.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      },
    };
  }
  const holder = readHolder(file) ?? 0;
  throw new ProfileLockedError(file, holder);
}
