/**
 * Everything that arrives in our queue, pushed or fetched, goes through one serial lane: process,
 * persist, then ack (docs/protocol.md, Delivery). Sealed Welcomes join groups; commits advance epochs;
 * application messages are stored once (the messages table dedupes by id, the queue cursor by
 * message_id). A message that cannot be used is dropped with an `incomingDropped` event and acked, so
 * one bad message never blocks the queue.
 */
import { constantTimeEqual, fromUtf8, toHex, wipe } from '../../lib/bytes.js';
import { QpcError } from '../../lib/errors.js';
import { Method, type QueuedMessage } from '../../protocol/index.js';
import { openHybridEnvelope } from '../crypto/hybridEnvelope.js';
import { MlsGroupSession } from '../mls/groupSession.js';
import { unpad } from '../privacy/padding.js';
import { decodeWholeMlsMessage } from '../mls/wireMessages.js';
import { chatMessageOf, SettingKey, type ClientContext } from './clientContext.js';
import { usernameOf } from './directory.js';
import { discardOutrunPendingCommit } from './pendingCommits.js';
import { rememberPeerAccessKey, SEALED_ENVELOPE_AAD } from './sealedSender.js';
import { assertSealedFromMember, SealedSenderRejectedError } from './sealedChecks.js';
import {
  decodeControl,
  decodeApplicationContent,
  decodeWelcomeBundle,
  messageIdFor,
  PAYLOAD_KIND_SEALED_WELCOME,
  WELCOME_ENVELOPE_AAD,
} from './payloads.js';

const FETCH_LIMIT = 100;

export class IncomingProcessor {
  private lane: Promise<unknown> = Promise.resolve();
  /** Called after a Welcome consumed one of our KeyPackages. */
  onKeyPackageUsed: () => void = () => undefined;
  /** Called (outside the lane) when a member proposed a change, e.g. its own removal, to commit it. */
  onProposal: (groupId: string) => void = () => undefined;
  /** Called after we joined a group from a Welcome (we then share our access key with the members). */
  onJoined: (groupId: string) => void = () => undefined;
  /** Called (outside the lane) when a commit added members (they learn our access key). */
  onMembersAdded: (groupId: string) => void = () => undefined;

  constructor(private readonly context: ClientContext) {}

  private get cursor(): bigint {
    return BigInt(this.context.store.settings.get(SettingKey.queueCursor) ?? '0');
  }

  /** Fetches and processes everything waiting in our queue; resolves with how many were new. */
  drain(): Promise<number> {
    return this.serial(() => this.fetchAll());
  }

  /**
   * Runs work with the lane held, so no incoming commit is applied in the middle of our own commit.
   * Inside it, catch up with `fetchAll` (calling `drain` there would wait for itself).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.serial(work);
  }

  async fetchAll(): Promise<number> {
    const connection = this.context.connection();
    if (connection === undefined) return 0;
    let processed = 0;
    for (;;) {
      const page = await connection.request(Method.FetchQueue, {
        afterMessageId: this.cursor,
        limit: FETCH_LIMIT,
      });
      processed += await this.processBatch(page.messages);
      if (!page.more || page.messages.length === 0) return processed;
    }
  }

  /** Messages from a push; they join the same lane, after any fetch in progress. */
  acceptPush(messages: QueuedMessage[]): Promise<number> {
    return this.serial(() => this.processBatch(messages));
  }

  private async processBatch(messages: QueuedMessage[]): Promise<number> {
    const connection = this.context.connection();
    const ids: bigint[] = [];
    let processed = 0;
    for (const message of messages) {
      ids.push(message.messageId);
      if (message.messageId <= this.cursor) continue;
      await this.processOne(message);
      this.context.store.settings.set(SettingKey.queueCursor, message.messageId.toString());
      processed += 1;
    }
    // Persisted above, so acknowledging is safe; a lost ack only means a duplicate we skip next time.
    if (ids.length > 0 && connection !== undefined) {
      await connection.request(Method.Ack, { messageIds: ids }).catch(() => undefined);
    }
    return processed;
  }

  private async processOne(message: QueuedMessage): Promise<void> {
    try {
      // An empty sender marks a sealed message: the padded MLS message is inside a hybrid envelope to us.
      const sealed = message.senderIdentityKey.length === 0;
      // Every payload this client accepts is padded (privacy/padding.ts); the length is unwrapped first.
      const payload = sealed
        ? unpad(openHybridEnvelope(this.context.identity().hybrid, message.payload, SEALED_ENVELOPE_AAD))
        : unpad(message.payload);
      if (!sealed && payload[0] === PAYLOAD_KIND_SEALED_WELCOME) await this.joinFromWelcome(payload);
      else await this.processGroupMessage(payload, sealed);
    } catch (error) {
      const code = error instanceof QpcError ? error.code : 'CLIENT_UNEXPECTED';
      this.context.emit({ type: 'incomingDropped', code });
    }
  }

  private async joinFromWelcome(payload: Uint8Array): Promise<void> {
    const { context } = this;
    const plaintext = openHybridEnvelope(context.identity().hybrid, payload, WELCOME_ENVELOPE_AAD);
    const bundle = decodeWelcomeBundle(plaintext);
    const session = await MlsGroupSession.join(context.mls, {
      identity: context.identity().mls,
      welcome: bundle.welcome,
      name: bundle.groupName,
    });
    context.groups.adopt(session);
    this.onKeyPackageUsed();
    this.onJoined(session.groupId);
    await context.announceGroup(session.groupId);
  }

  private async processGroupMessage(payload: Uint8Array, sealed: boolean): Promise<void> {
    const { context } = this;
    const decoded = decodeWholeMlsMessage(payload);
    const groupIdBytes =
      decoded.wireformat === 'mls_private_message'
        ? decoded.privateMessage.groupId
        : decoded.wireformat === 'mls_public_message'
          ? decoded.publicMessage.content.groupId
          : undefined;
    if (groupIdBytes === undefined) throw new QpcError('CLIENT_NOT_GROUP_MESSAGE', 'not a group message');
    const groupId = toHex(groupIdBytes);
    if (!context.groups.has(groupId))
      throw new QpcError('CLIENT_UNKNOWN_GROUP', 'message for an unknown group');
    const session = await context.groups.session(groupId);
    if (sealed) assertSealedFromMember(decoded.wireformat, session.info().members, payload);
    const membersBefore = session.info().members.length;
    const result = await session.receive(payload, { record: false });
    if (sealed && !session.info().members.some((member) => constantTimeEqual(member, result.sender))) {
      throw new SealedSenderRejectedError('the sealed message is from someone who is not a member');
    }
    if (result.kind === 'commit') discardOutrunPendingCommit(context, groupId, session.info().epoch);
    if (result.kind === 'commit' && session.info().members.length > membersBefore) {
      queueMicrotask(() => this.onMembersAdded(groupId));
    }
    if (result.kind === 'application') {
      await this.storeApplication(groupId, result.sender, result.plaintext, result.epoch);
    } else if (result.kind === 'removed') {
      context.groups.forget(groupId);
      context.emit({ type: 'groupRemoved', groupId, reason: 'removed' });
      await context.announceGroup(undefined);
    } else {
      if (result.kind === 'proposal') queueMicrotask(() => this.onProposal(groupId));
      await context.announceGroup(groupId);
    }
  }

  private async storeApplication(
    groupId: string,
    sender: Uint8Array,
    plaintext: Uint8Array,
    epoch: bigint,
  ): Promise<void> {
    const { context } = this;
    const control = decodeControl(plaintext);
    if (control !== undefined) {
      // A member's sealed-sender access key: kept, never shown as a message.
      rememberPeerAccessKey(context, sender, control.key);
      wipe(control.key);
      return;
    }
    let content;
    try {
      content = decodeApplicationContent(plaintext);
    } catch {
      // A client that sends bare UTF-8 text still gets through, under an id made from the text.
      const text = fromUtf8(plaintext);
      content = { id: toHex(plaintext).slice(0, 64), sentAt: context.mls.clock.now(), text };
    }
    const id = messageIdFor(sender, content.id);
    const record = {
      id,
      groupId,
      sender: toHex(sender),
      direction: 'in' as const,
      text: content.text,
      epoch,
      sentAt: content.sentAt,
      receivedAt: context.mls.clock.now(),
    };
    if (!context.store.messages.append(record)) return;
    context.groups.bumpUnread(groupId);
    const username = await usernameOf(sender, context.store, context.connection());
    context.emit({
      type: 'messageReceived',
      message: chatMessageOf(record, { username, identityKey: sender }, false, 'delivered'),
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lane.then(work, work);
    this.lane = run.catch(() => undefined);
    return run;
  }
}
