/**
 * Rotation of our sealed-sender access key. Every member of a group learns our key inside MLS; a
 * member who is removed (or leaves) keeps what it learned. So whenever a group we are in loses a member,
 * and on a schedule, we make a new key, register its hash with the server (the old key is refused from
 * then on: SEALED_ACCESS_DENIED) and share it in every group we are still in. Members who still hold the
 * old key get that refusal and fall back to a normal Enqueue until the new key reaches them.
 */
import { wipe } from '../../lib/bytes.js';
import type { ClientContext } from '../client/clientContext.js';
import {
  queueAccessKeyShare,
  registerSealedAccess,
  replaceOwnAccessKey,
  SealedSettingKey,
  sealedSenderEnabled,
} from '../client/sealedSender.js';
import {
  DEFAULT_ACCESS_KEY_MAX_AGE_MS,
  durationSetting,
  instantSetting,
  KeySettingKey,
  rotationDue,
} from './keySettings.js';

export type AccessKeyRotationReason = 'memberRemoved' | 'schedule' | 'manual';

/** Is our access key older than the schedule allows? */
export function accessKeyRotationDue(context: ClientContext): boolean {
  const { settings } = context.store;
  if (settings.get(SealedSettingKey.accessKey) === undefined) return false;
  const now = context.mls.clock.now();
  const createdAt = instantSetting(settings, SealedSettingKey.accessKeyCreatedAt, now);
  const maxAge = durationSetting(settings, KeySettingKey.accessKeyMaxAgeMs, DEFAULT_ACCESS_KEY_MAX_AGE_MS);
  return rotationDue(createdAt, maxAge, now);
}

/**
 * Replaces our access key, registers it when online (otherwise the next session does, as it compares
 * the registered hash with the current key) and queues it for every group. The caller flushes the outbox.
 */
export async function rotateAccessKey(context: ClientContext): Promise<void> {
  wipe(replaceOwnAccessKey(context));
  if (!sealedSenderEnabled(context)) return;
  await registerSealedAccess(context);
  for (const group of context.groups.summaries()) queueAccessKeyShare(context, group.id);
}
