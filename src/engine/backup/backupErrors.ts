/** Codes of the encrypted backup (export and import); every one is raised with a typed error. */
export const BackupErrorCode = {
  /** The backup file could not be read from disk. */
  unreadable: 'BACKUP_UNREADABLE',
  /** Not a quicprochat backup: the magic bytes are missing or the file is too short for a header. */
  notABackup: 'BACKUP_NOT_A_BACKUP',
  /** A format version or key path this qpc does not know. */
  unsupported: 'BACKUP_UNSUPPORTED',
  /** The file ends before its authentication tag. */
  truncated: 'BACKUP_TRUNCATED',
  /** The recovery words do not open this backup (its key check does not match). */
  wrongWords: 'BACKUP_WRONG_WORDS',
  /** The key is right but the authentication tag fails: the file was changed or damaged. */
  tampered: 'BACKUP_TAMPERED',
  /** The decrypted contents are not a backup this qpc reads. */
  badContents: 'BACKUP_BAD_CONTENTS',
  /** The recovery words are not those of this profile's identity. */
  wordsMismatch: 'BACKUP_WORDS_MISMATCH',
  /** The profile keeps no recovery words (created before they were kept) and none were given. */
  wordsNeeded: 'BACKUP_WORDS_NEEDED',
  /** The backup belongs to another identity than this profile's. */
  otherIdentity: 'BACKUP_OTHER_IDENTITY',
} as const;
