/** A received application message: its record in the store, and the event that announces it. */
import { fromUtf8, toHex, wipe } from '../../lib/bytes.js';
import { decodeWholeMlsMessage } from '../mls/wireMessages.js';
import type { MessageRecord } from '../store/types.js';
import { chatMessageOf, type ClientContext } from './clientContext.js';
import { usernameOf } from './directory.js';
import { traceHop } from '../../lib/trace.js';
import { decodeApplicationContent, decodeControl, messageIdFor } from './payloads.js';
import { rememberPeerAccessKey } from './sealedSender.js';
import { decodeUnopenedReport } from './sealedReports.js';

/** Synchronous store writes for a received application message; returns the new chat record. */
export function writeApplication(
  context: ClientContext,
  groupId: string,
  sender: Uint8Array,
  plaintext: Uint8Array,
  epoch: bigint,
): MessageRecord | undefined {
  const report = decodeUnopenedReport(plaintext);
  if (report !== undefined) {
    // Handled outside the transaction that stores the MLS state: it may send (sealedReports.ts).
    queueMicrotask(() => context.unopenedReportReceived?.(sender, report));
    return undefined;
  }
  const control = decodeControl(plaintext);
  if (control !== undefined) {
    // A member's sealed-sender access key: kept, never shown as a message.
    rememberPeerAccessKey(context, sender, control.key);
    wipe(control.key);
    return undefined;
  }
  let content;
  try {
    content = decodeApplicationContent(plaintext);
  } catch {
    // A client that sends bare UTF-8 text still gets through, under an id made from the text.
    const text = fromUtf8(plaintext);
    content = { id: toHex(plaintext).slice(0, 64), sentAt: context.mls.clock.now(), text };
  }
  const record: MessageRecord = {
    id: messageIdFor(sender, content.id),
    groupId,
    sender: toHex(sender),
    direction: 'in',
    text: content.text,
    epoch,
    sentAt: content.sentAt,
    receivedAt: context.mls.clock.now(),
  };
  return context.store.messages.append(record) ? record : undefined;
}

export async function announceMessage(
  context: ClientContext,
  record: MessageRecord,
  sender: Uint8Array,
): Promise<void> {
  context.groups.bumpUnread(record.groupId);
  const username = await usernameOf(sender, context.store, context.connection());
  traceHop('client.event');
  context.emit({
    type: 'messageReceived',
    message: chatMessageOf(record, { username, identityKey: sender }, false, 'delivered'),
  });
}

/** The hex group id an MLS group message names, or '' when the bytes are not one. */
export function groupIdOf(payload: Uint8Array): string {
  try {
    const decoded = decodeWholeMlsMessage(payload);
    if (decoded.wireformat === 'mls_private_message') return toHex(decoded.privateMessage.groupId);
    if (decoded.wireformat === 'mls_public_message') return toHex(decoded.publicMessage.content.groupId);
  } catch {
    // Not an MLS message at all: the caller drops it with the decoding error it already has.
  }
  return '';
}
