/** Reading the received messages after the profile's cursor: shared by `qpc receive` and --follow. */
import type { InboxItem, QpcEngine } from '../../engine/qpcEngine.js';
import type { ClientProfileStore } from '../../engine/store/types.js';

const RECEIVE_CURSOR = 'receive.cursor';
const PAGE = 500;

/**
 * The JSON form of a received message (also a `"type":"message"` line of --follow): `kind` is "message",
 * "dropped" for a message that could never be read (its `code` says why; it has no sender or text), or
 * "membership" for a join, add, removal, leave or key update, or an invitee's answer to our invite
 * (`event` declined or refused, the latter with the client's `code`), or a recipient that could not
 * open the sealed envelope of our message (`event` unopened, with `code`, `messageId` and `resealed`),
 * with `actor` and `subjects` by username.
 */
export function messageJson(item: InboxItem): object {
  const { groupName, message } = item;
  const time = new Date(message.sentAt).toISOString();
  if (message.membership !== undefined) {
    return {
      kind: 'membership',
      group: groupName,
      groupId: message.groupId,
      event: message.membership.event,
      actor: message.membership.actor,
      subjects: message.membership.subjects,
      ...(message.membership.code === undefined ? {} : { code: message.membership.code }),
      // 'unopened': which of our messages, and whether it was re-sealed to the recipient's current key.
      ...(message.membership.messageId === undefined
        ? {}
        : { messageId: message.membership.messageId, resealed: message.membership.resealed }),
      text: message.text,
      time,
      id: message.id,
    };
  }
  if (message.decryptFailed === true) {
    return {
      kind: 'dropped',
      group: groupName,
      groupId: message.groupId,
      code: message.text,
      time,
      id: message.id,
    };
  }
  return {
    kind: 'message',
    group: groupName,
    groupId: message.groupId,
    sender: message.sender.username,
    fingerprint: message.sender.fingerprint,
    text: message.text,
    time,
    id: message.id,
  };
}

/** Prints every stored message after the profile's receive cursor, moving the cursor past each. */
export async function printNew(
  engine: QpcEngine,
  store: ClientProfileStore,
  print: (item: InboxItem) => void,
): Promise<number> {
  let printed = 0;
  for (;;) {
    const cursor = Number(store.settings.get(RECEIVE_CURSOR) ?? '0');
    const entries = await engine.inboxAfter(cursor, PAGE);
    for (const entry of entries) {
      print(entry);
      store.settings.set(RECEIVE_CURSOR, String(entry.seq));
      printed += 1;
    }
    if (entries.length < PAGE) return printed;
  }
}
