/**
 * The incoming processor's writes: the queue cursor, held messages (bounded) and the timeline entries
 * that record a dropped message, each written together with the cursor so a crash repeats nothing.
 */
import { randomBytes } from 'node:crypto';
import { toHex } from '../../lib/bytes.js';
import { ClientErrorCode } from './clientErrors.js';
import { SettingKey, type ClientContext } from './clientContext.js';
import { rememberFormerName } from './membershipTimeline.js';

/** At most this many messages wait on disk for an epoch or a group; beyond it the oldest is dropped. */
export const MAX_HELD_INCOMING = 1_000;

/** Settings key prefix marking a group we were removed from (its late messages are dropped, not held). */
export const REMOVED_GROUP_PREFIX = 'group.removed.';

export function queueCursor(context: ClientContext): bigint {
  return BigInt(context.store.settings.get(SettingKey.queueCursor) ?? '0');
}

export function advanceCursor(context: ClientContext, messageId: bigint | undefined): void {
  if (messageId !== undefined) context.store.settings.set(SettingKey.queueCursor, messageId.toString());
}

/**
 * Writes a timeline entry (kind 'dropped', the code as its text) for a message that can never be read,
 * and emits incomingDropped. `key` makes the entry idempotent (the queue message id, or a held row).
 */
export function recordDrop(
  context: ClientContext,
  drop: { key: string; groupId: string; code: string; cursor?: bigint },
): void {
  const now = context.mls.clock.now();
  context.store.transaction(() => {
    context.store.messages.append({
      id: `dropped:${drop.key}`,
      groupId: drop.groupId,
      sender: '',
      direction: 'in',
      text: drop.code,
      epoch: 0n,
      sentAt: now,
      receivedAt: now,
      kind: 'dropped',
    });
    advanceCursor(context, drop.cursor);
  });
  context.emit({ type: 'incomingDropped', code: drop.code, groupId: drop.groupId });
}

/** Keeps a message for later (with the cursor past it); the oldest held one goes when the store is full. */
export function holdMessage(
  context: ClientContext,
  held: { groupId: string; sealed: boolean; payload: Uint8Array; code: string; cursor?: bigint },
): void {
  const { store } = context;
  if (store.heldIncoming.count() >= MAX_HELD_INCOMING) {
    const [oldest] = store.heldIncoming.list(1);
    if (oldest !== undefined) {
      store.heldIncoming.delete(oldest.seq);
      recordDrop(context, {
        key: `held-overflow:${toHex(new Uint8Array(randomBytes(8)))}`,
        groupId: oldest.groupId,
        code: ClientErrorCode.heldOverflow,
      });
    }
  }
  store.transaction(() => {
    store.heldIncoming.add({
      groupId: held.groupId,
      sealed: held.sealed,
      payload: held.payload,
      code: held.code,
      heldAt: context.mls.clock.now(),
    });
    advanceCursor(context, held.cursor);
  });
}

/** `name` is kept for timeline entries that arrive for the group afterwards. */
export function markGroupRemoved(context: ClientContext, groupId: string, name: string): void {
  rememberFormerName(context, groupId, name);
  context.store.settings.set(REMOVED_GROUP_PREFIX + groupId, String(context.mls.clock.now()));
}

export function wasRemovedFrom(context: ClientContext, groupId: string): boolean {
  return context.store.settings.get(REMOVED_GROUP_PREFIX + groupId) !== undefined;
}
