/**
 * Invite notices, the invitee's side (docs/protocol.md, "Invite notices"): every Welcome this client
 * handles is answered with exactly one notice to the inviter, sealed to the inviter's hybrid key:
 * accepted, declined, or refused (the client could not open it; the error code says why). Every outcome
 * has the same shape and size, so the notice tells the server only that the Welcome was handled, which
 * it already learns from the Ack. Notices wait in the profile until the server accepted them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { concatBytes, fromHex, fromUtf8, toHex, utf8 } from '../../lib/bytes.js';
import { CodecError, isQpcError } from '../../lib/errors.js';
import { Method, WireErrorCode } from '../../protocol/index.js';
import { decodeHybridPublicKey } from '../crypto/hybridKeys.js';
import { sealHybridEnvelope } from '../crypto/hybridEnvelope.js';
import { padToBucket } from '../privacy/padding.js';
import { ClientErrorCode } from './clientErrors.js';
import type { ClientContext } from './clientContext.js';
import { lookupIdentityKey } from './directory.js';
import { PAYLOAD_KIND_INVITE_NOTICE } from './payloads.js';

export type InviteOutcome = 'accepted' | 'declined' | 'refused';
const OUTCOMES: readonly InviteOutcome[] = ['accepted', 'declined', 'refused'];

/** Authenticated with every notice, so an envelope made for another purpose never opens as one. */
export const INVITE_NOTICE_AAD = utf8('qpc/v1 invite notice');

/** Every notice's plaintext is padded to this size, whatever its outcome and code. */
export const INVITE_NOTICE_PLAINTEXT_BYTES = 160;

/** At most this many notices wait to be sent; beyond it the oldest is given up. */
export const MAX_QUEUED_NOTICES = 100;

const QUEUE_KEY = 'invites.notices';

export interface InviteNotice {
  /** Names the Welcome answered: inviteRef of its sealed envelope. */
  ref: string;
  outcome: InviteOutcome;
  /** For 'refused': the error code that stopped the client. */
  code?: string;
}

interface QueuedNotice extends InviteNotice {
  /** The inviter's identity key, hex. */
  to: string;
  /** The Enqueue client_message_id, fixed once so a resend after a lost answer is not delivered twice. */
  messageId: string;
}

/** The reference both ends compute for one Welcome: SHA-256 of its sealed envelope, first 16 bytes. */
export function inviteRef(envelope: Uint8Array): string {
  return toHex(createHash('sha256').update(envelope).digest().subarray(0, 16));
}

export function encodeInviteNotice(notice: InviteNotice): Uint8Array {
  const json = utf8(
    JSON.stringify({
      v: 1,
      ref: notice.ref,
      outcome: notice.outcome,
      ...(notice.code === undefined ? {} : { code: notice.code }),
    }),
  );
  if (json.length > INVITE_NOTICE_PLAINTEXT_BYTES) {
    throw new CodecError(ClientErrorCode.badInviteNotice, 'an invite notice is too long');
  }
  // Spaces after the JSON: JSON.parse ignores them, and every notice is the same size.
  const padded = new Uint8Array(INVITE_NOTICE_PLAINTEXT_BYTES).fill(0x20);
  padded.set(json);
  return padded;
}

export function decodeInviteNotice(bytes: Uint8Array): InviteNotice {
  let value: { v?: unknown; ref?: unknown; outcome?: unknown; code?: unknown };
  try {
    value = JSON.parse(fromUtf8(bytes)) as typeof value;
  } catch (error) {
    throw new CodecError(ClientErrorCode.badInviteNotice, 'an invite notice is not JSON', { cause: error });
  }
  const outcome = OUTCOMES.find((candidate) => candidate === value.outcome);
  // The refusing client's error code, when there is one (named so: it is data, not a code of ours).
  const reason = value.code;
  const reasonOk = reason === undefined || (typeof reason === 'string' && /^[A-Z0-9_]{1,64}$/u.test(reason));
  if (
    value.v !== 1 ||
    typeof value.ref !== 'string' ||
    !/^[0-9a-f]{32}$/u.test(value.ref) ||
    outcome === undefined ||
    !reasonOk
  ) {
    throw new CodecError(ClientErrorCode.badInviteNotice, 'an invite notice has an unknown shape');
  }
  return { ref: value.ref, outcome, ...(typeof reason === 'string' ? { code: reason } : {}) };
}

function readQueue(context: ClientContext): QueuedNotice[] {
  const raw = context.store.settings.get(QUEUE_KEY);
  return raw === undefined ? [] : (JSON.parse(raw) as QueuedNotice[]);
}

function writeQueue(context: ClientContext, queue: QueuedNotice[]): void {
  context.store.settings.set(QUEUE_KEY, JSON.stringify(queue.slice(-MAX_QUEUED_NOTICES)));
}

/** Keeps the answer to one Welcome for sending (once per Welcome: a repeat of the same one is ignored). */
export function queueInviteNotice(
  context: ClientContext,
  answer: { inviter: Uint8Array; welcome: Uint8Array; outcome: InviteOutcome; code?: string },
): void {
  const ref = inviteRef(answer.welcome);
  const queue = readQueue(context);
  if (queue.some((queued) => queued.ref === ref)) return;
  queue.push({
    to: toHex(answer.inviter),
    ref,
    outcome: answer.outcome,
    ...(answer.code === undefined ? {} : { code: answer.code }),
    messageId: toHex(new Uint8Array(randomBytes(16))),
  });
  writeQueue(context, queue);
}

export function queuedInviteNotices(context: ClientContext): number {
  return readQueue(context).length;
}

/**
 * Sends the waiting notices, oldest first; each leaves the queue once the server accepted it (or the
 * inviter's account is gone: nobody is left to tell). Offline: nothing happens, the next session sends.
 */
export async function sendInviteNotices(context: ClientContext): Promise<number> {
  const connection = context.connection();
  if (connection === undefined || connection.state !== 'online') return 0;
  let sent = 0;
  for (const notice of readQueue(context)) {
    const inviter = fromHex(notice.to);
    try {
      const entry = await lookupIdentityKey(connection, context.store, inviter);
      const envelope = sealHybridEnvelope(
        decodeHybridPublicKey(entry.hybridPublicKey),
        encodeInviteNotice(notice),
        INVITE_NOTICE_AAD,
      );
      await connection.request(Method.Enqueue, {
        recipientIdentityKeys: [inviter],
        payload: padToBucket(concatBytes(Uint8Array.of(PAYLOAD_KIND_INVITE_NOTICE), envelope)),
        clientMessageId: fromHex(notice.messageId),
      });
      sent += 1;
    } catch (error) {
      if (!isQpcError(error) || error.code !== WireErrorCode.NotFound) throw error;
      // The inviter's account no longer exists: the notice has no one to reach, so it goes.
    }
    writeQueue(
      context,
      readQueue(context).filter((queued) => queued.ref !== notice.ref),
    );
  }
  return sent;
}
