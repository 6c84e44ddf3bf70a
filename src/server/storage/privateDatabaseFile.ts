import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
/** SQLite's companion files of a WAL database. */
const COMPANIONS = ['-wal', '-shm'] as const;

/**
 * Creates the data directory (0700) and an empty database file (0600) before SQLite opens it, so the
 * file never exists with a umask-dependent mode (SQLite would create it 0644 under the usual umask 022).
 * SQLite then gives -wal and -shm the main file's mode itself. A database or companion file left by an
 * older qpc-server with a wider mode is tightened: it holds ciphertext, but its size and timing still
 * say how busy the server is, and nobody but the server needs to read it.
 */
export function preparePrivateDatabaseFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: DIR_MODE });
  if (!existsSync(file)) {
    const fd = openSync(file, 'wx', FILE_MODE);
    try {
      // openSync's mode goes through the umask, which can only narrow it; fchmod makes it exact.
      fchmodSync(fd, FILE_MODE);
    } finally {
      closeSync(fd);
    }
  }
  tightenDatabaseFiles(file);
}

/** chmod 0600 the database file and its -wal/-shm where they exist with another mode. */
export function tightenDatabaseFiles(file: string): void {
  for (const path of [file, ...COMPANIONS.map((suffix) => file + suffix)]) {
    if (existsSync(path) && (statSync(path).mode & 0o777) !== FILE_MODE) chmodSync(path, FILE_MODE);
  }
}
