/**
 * What a backup holds, as the JSON inside the encryption (gzip'd): who it belongs to, the contacts and
 * their verified fingerprints, the trust decisions and other kept settings, the person's own settings
 * file, and the message history. Every field is checked with zod on the way in: a reader never casts.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';
import type { BackupRows } from '../store/sqliteBackupRows.js';
import { BackupErrorCode } from './backupErrors.js';

export const BACKUP_CONTENTS_FORMAT = 'quicprochat-backup';
export const BACKUP_CONTENTS_VERSION = 1;

/**
 * Profile settings a backup carries: trust decisions, preferences and the names of groups whose history
 * it holds. Everything else stays behind: session tokens and queue cursors (of this device), sealed-sender
 * access keys and self-update state (tied to MLS group states, which are not restored), pending invites
 * (sealed to this device's hybrid key) and the recovery words (the backup is opened by them).
 */
const KEPT_SETTING_KEYS = new Set([
  'server',
  'invites.autoAccept',
  'privacy.sealed_sender',
  'privacy.self_update.max_messages',
  'privacy.self_update.max_age_ms',
]);
const KEPT_SETTING_PREFIXES = ['trust.', 'group.formerName.'];

export function settingKeptInBackup(key: string): boolean {
  return KEPT_SETTING_KEYS.has(key) || KEPT_SETTING_PREFIXES.some((prefix) => key.startsWith(prefix));
}

const hex = z.string().regex(/^[0-9a-f]*$/u);

const contentsSchema = z.object({
  format: z.literal(BACKUP_CONTENTS_FORMAT),
  version: z.literal(BACKUP_CONTENTS_VERSION),
  createdAt: z.number().int().nonnegative(),
  /** Ed25519 identity public key of the profile that wrote it, hex. */
  identityKey: hex.length(64),
  username: z.string().nullable(),
  /** Names of the groups the history belongs to (group id hex -> name). */
  groups: z.record(hex, z.string()),
  contacts: z.array(
    z.object({
      identityKey: hex,
      username: z.string().nullable(),
      verifiedFingerprint: z.string().nullable(),
      verifiedAt: z.number().int().nullable(),
    }),
  ),
  /** Trust decisions about each contact's key (the contact_trust table), by username. */
  trust: z.array(
    z.object({
      username: z.string().min(1),
      identityKey: hex.length(64),
      lastSeenKey: hex.length(64),
      verifiedFingerprint: hex.optional(),
      verifiedAt: z.number().int().optional(),
      keyChangedAt: z.number().int().optional(),
      acknowledged: z.boolean().optional(),
      rotatedByOwner: z.boolean().optional(),
    }),
  ),
  settings: z.array(z.object({ key: z.string().refine(settingKeptInBackup), value: z.string() })),
  /** The person's settings file (theme, notifications ...), as its keys and values. */
  userSettings: z.record(z.string(), z.string()),
  messages: z.array(
    z.object({
      id: z.string().min(1),
      groupId: hex,
      sender: z.string(),
      direction: z.enum(['in', 'out']),
      text: z.string(),
      epoch: z.string().regex(/^[0-9]+$/u),
      sentAt: z.number().int(),
      receivedAt: z.number().int(),
      kind: z.string(),
    }),
  ),
});

export type BackupContents = z.infer<typeof contentsSchema>;

export function encodeBackupContents(contents: BackupContents): Uint8Array {
  return new Uint8Array(gzipSync(Buffer.from(JSON.stringify(contents), 'utf8')));
}

/** Reads decrypted bytes back; anything else than a version-1 backup is BACKUP_BAD_CONTENTS. */
export function decodeBackupContents(bytes: Uint8Array): BackupContents {
  let parsed: unknown;
  try {
    parsed = JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch (error) {
    throw new ValidationError(
      BackupErrorCode.badContents,
      'the backup opened but does not hold readable contents',
      {
        cause: error,
      },
    );
  }
  const checked = contentsSchema.safeParse(parsed);
  if (!checked.success) {
    const first = checked.error.issues[0];
    throw new ValidationError(
      BackupErrorCode.badContents,
      `the backup opened but its contents break the format (${first?.path.join('.') ?? 'root'}: ${first?.message ?? '?'})`,
      { hint: 'it may come from a newer qpc: import it with that version' },
    );
  }
  return checked.data;
}

export function rowsOf(contents: BackupContents): BackupRows {
  return { contacts: contents.contacts, settings: contents.settings, messages: contents.messages };
}
