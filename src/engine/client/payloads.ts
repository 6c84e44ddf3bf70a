/**
 * What this client puts inside the server's opaque payloads (docs/client.md, "payloads"):
 *
 * - An Enqueue payload is either an MLSMessage (its first byte is 0x00: the high byte of version mls10)
 *   or a hybrid envelope (first byte 0x01, the envelope version) holding a Welcome for one invitee, or
 *   0x02 followed by a hybrid envelope holding an invite notice (inviteNotices.ts) for the inviter.
 * - The sealed Welcome's plaintext: u8(len(name)) | utf8(group name) | MLSMessage(Welcome).
 * - An MLS application message's plaintext: JSON {"v":1,"id":<client_message_id hex>,"t":<ms>,"text":...}.
 */
import { createHash } from 'node:crypto';
import { concatBytes, fromHex, fromUtf8, toHex, utf8 } from '../../lib/bytes.js';
import { CodecError } from '../../lib/errors.js';
import { ClientErrorCode } from './clientErrors.js';

export const PAYLOAD_KIND_MLS = 0x00;
export const PAYLOAD_KIND_SEALED_WELCOME = 0x01;
export const PAYLOAD_KIND_INVITE_NOTICE = 0x02;
/** Authenticated with every sealed Welcome, so an envelope made for another purpose never opens as one. */
export const WELCOME_ENVELOPE_AAD = utf8('qpc/v1 welcome');
const MAX_GROUP_NAME_BYTES = 255;

export interface ApplicationContent {
  /** The sender's client_message_id, hex (32 digits). */
  id: string;
  /** Sender's clock, ms since the Unix epoch. */
  sentAt: number;
  text: string;
}

export function encodeApplicationContent(content: ApplicationContent): Uint8Array {
  return utf8(JSON.stringify({ v: 1, id: content.id, t: content.sentAt, text: content.text }));
}

export function decodeApplicationContent(bytes: Uint8Array): ApplicationContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(bytes));
  } catch (error) {
    throw new CodecError(ClientErrorCode.badContent, 'application message is not JSON', { cause: error });
  }
  const value = parsed as { v?: unknown; id?: unknown; t?: unknown; text?: unknown };
  if (
    value.v !== 1 ||
    typeof value.id !== 'string' ||
    !/^[0-9a-f]{32}$/u.test(value.id) ||
    typeof value.t !== 'number' ||
    typeof value.text !== 'string'
  ) {
    throw new CodecError(ClientErrorCode.badContent, 'application message has an unknown shape');
  }
  return { id: value.id, sentAt: value.t, text: value.text };
}

/**
 * The id a message is stored and deduplicated under: bound to its sender, so one member cannot make
 * another member's message disappear by reusing its client_message_id.
 */
export function messageIdFor(senderIdentityKey: Uint8Array, clientMessageIdHex: string): string {
  return toHex(
    createHash('sha256').update(senderIdentityKey).update(clientMessageIdHex).digest().subarray(0, 16),
  );
}

export function encodeWelcomeBundle(groupName: string, welcome: Uint8Array): Uint8Array {
  const name = utf8(groupName);
  if (name.length > MAX_GROUP_NAME_BYTES) {
    throw new CodecError(
      ClientErrorCode.groupNameTooLong,
      `a group name has at most ${MAX_GROUP_NAME_BYTES} bytes`,
    );
  }
  return concatBytes(Uint8Array.of(name.length), name, welcome);
}

export function decodeWelcomeBundle(bytes: Uint8Array): { groupName: string; welcome: Uint8Array } {
  const length = bytes[0];
  if (length === undefined || bytes.length < 1 + length + 1) {
    throw new CodecError(ClientErrorCode.badWelcome, 'sealed Welcome is truncated');
  }
  return { groupName: fromUtf8(bytes.subarray(1, 1 + length)), welcome: bytes.slice(1 + length) };
}

/**
 * A control payload inside an MLS application message (never shown as chat): today only a member's
 * sealed-sender access key, JSON {"v":1,"ctl":"access","key":<64 hex>}. Told apart from chat text by "ctl".
 */
export interface AccessKeyControl {
  kind: 'access';
  key: Uint8Array;
}

export function encodeAccessKeyControl(key: Uint8Array): Uint8Array {
  return utf8(JSON.stringify({ v: 1, ctl: 'access', key: toHex(key) }));
}

/** The control payload, or undefined when the plaintext is not one (chat text, another client's format). */
export function decodeControl(bytes: Uint8Array): AccessKeyControl | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(bytes));
  } catch {
    // Not JSON: chat text or another client's format, which is not a control payload.
    return undefined;
  }
  const value = parsed as { v?: unknown; ctl?: unknown; key?: unknown } | null;
  if (value === null || typeof value !== 'object' || value.ctl === undefined) return undefined;
  if (
    value.v !== 1 ||
    value.ctl !== 'access' ||
    typeof value.key !== 'string' ||
    !/^[0-9a-f]{64}$/u.test(value.key)
  ) {
    throw new CodecError(ClientErrorCode.badControl, 'control payload has an unknown shape');
  }
  return { kind: 'access', key: fromHex(value.key) };
}
