/**
 * The backup container (docs/backup.md has the byte layout):
 *
 *   magic "QPCBAK\r\n" (8) | version (1) | path length (1) | KDF path (ASCII) | key check (16)
 *   | nonce (12) | ciphertext length (8, big-endian) | ciphertext | tag (16)
 *
 * AES-256-GCM with everything before the ciphertext as associated data, so a changed header fails like a
 * changed body. The plaintext is gzip'd JSON (backupContents.ts). Sizes are checked before any slice.
 */
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { CodecError, CryptoError } from '../../lib/errors.js';
import { BackupErrorCode } from './backupErrors.js';
import { BACKUP_DERIVATION_PATH, BACKUP_KEY_CHECK_BYTES, type BackupKey } from './backupKey.js';

export const BACKUP_MAGIC = new Uint8Array([0x51, 0x50, 0x43, 0x42, 0x41, 0x4b, 0x0d, 0x0a]);
export const BACKUP_FORMAT_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MAX_PATH_BYTES = 64;
const LENGTH_BYTES = 8;

export interface BackupHeader {
  version: number;
  path: string;
  keyCheck: Uint8Array;
  nonce: Uint8Array;
  /** Length of the ciphertext (without the tag), so a cut file is told apart from a changed one. */
  bodyLength: number;
  /** The header's bytes: the associated data of the encryption. */
  bytes: Uint8Array;
}

function headerBytes(path: string, keyCheck: Uint8Array, nonce: Uint8Array, bodyLength: number): Uint8Array {
  const pathBytes = Buffer.from(path, 'ascii');
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeBigUInt64BE(BigInt(bodyLength));
  return Buffer.concat([
    BACKUP_MAGIC,
    Uint8Array.of(BACKUP_FORMAT_VERSION, pathBytes.length),
    pathBytes,
    keyCheck,
    nonce,
    length,
  ]);
}

export function sealBackup(
  key: BackupKey,
  plaintext: Uint8Array,
  path: string = BACKUP_DERIVATION_PATH,
): Uint8Array {
  const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  // GCM's ciphertext is as long as its plaintext.
  const header = headerBytes(path, key.check, nonce, plaintext.length);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([header, body, cipher.getAuthTag()]));
}

/** Reads and checks the header only (no key needed): the path tells which key opens the file. */
export function readBackupHeader(file: Uint8Array): BackupHeader {
  const notBackup = (): CodecError =>
    new CodecError(BackupErrorCode.notABackup, 'this file is not a quicprochat backup', {
      hint: 'give the FILE written by `qpc backup export`',
    });
  if (file.length < BACKUP_MAGIC.length + 2) throw notBackup();
  if (!timingSafeEqual(file.subarray(0, BACKUP_MAGIC.length), BACKUP_MAGIC)) throw notBackup();
  const version = file[BACKUP_MAGIC.length] ?? 0;
  if (version !== BACKUP_FORMAT_VERSION) {
    throw new CodecError(BackupErrorCode.unsupported, `backup format version ${version} is not known here`, {
      hint: 'open it with the qpc version that wrote it, or a newer one',
    });
  }
  const pathLength = file[BACKUP_MAGIC.length + 1] ?? 0;
  const pathStart = BACKUP_MAGIC.length + 2;
  const headerEnd = pathStart + pathLength + BACKUP_KEY_CHECK_BYTES + NONCE_BYTES + LENGTH_BYTES;
  const truncated = (): CodecError =>
    new CodecError(BackupErrorCode.truncated, 'the backup file is cut short: nothing was imported', {
      hint: 'copy the whole file again from where it was written',
    });
  if (pathLength === 0 || pathLength > MAX_PATH_BYTES) throw notBackup();
  if (file.length < headerEnd + TAG_BYTES) throw truncated();
  const bodyLength = Buffer.from(
    file.buffer,
    file.byteOffset + headerEnd - LENGTH_BYTES,
    LENGTH_BYTES,
  ).readBigUInt64BE();
  if (BigInt(file.length) < BigInt(headerEnd + TAG_BYTES) + bodyLength) throw truncated();
  if (BigInt(file.length) > BigInt(headerEnd + TAG_BYTES) + bodyLength) {
    throw new CryptoError(
      BackupErrorCode.tampered,
      'the backup file was changed (bytes were added): nothing was imported',
      {
        hint: 'use an intact copy of the backup',
      },
    );
  }
  const path = Buffer.from(file.subarray(pathStart, pathStart + pathLength)).toString('ascii');
  if (path !== BACKUP_DERIVATION_PATH) {
    throw new CodecError(BackupErrorCode.unsupported, `backup key path ${path} is not known here`);
  }
  const checkStart = pathStart + pathLength;
  return {
    version,
    path,
    keyCheck: file.slice(checkStart, checkStart + BACKUP_KEY_CHECK_BYTES),
    nonce: file.slice(checkStart + BACKUP_KEY_CHECK_BYTES, checkStart + BACKUP_KEY_CHECK_BYTES + NONCE_BYTES),
    bodyLength: Number(bodyLength),
    bytes: file.subarray(0, headerEnd),
  };
}

/** Opens a backup with the key of its header's path; typed errors for a wrong key or a changed file. */
export function openBackup(file: Uint8Array, header: BackupHeader, key: BackupKey): Uint8Array {
  if (!timingSafeEqual(header.keyCheck, key.check)) {
    throw new CryptoError(BackupErrorCode.wrongWords, 'these recovery words do not open this backup', {
      hint: 'type the 24 words of the account that wrote the backup',
    });
  }
  const body = file.subarray(header.bytes.length, file.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.key, header.nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(header.bytes);
  decipher.setAuthTag(file.subarray(file.length - TAG_BYTES));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch (error) {
    throw new CryptoError(
      BackupErrorCode.tampered,
      'the backup file was changed or damaged: nothing was imported',
      {
        hint: 'use an intact copy of the backup',
        cause: error,
      },
    );
  }
}
