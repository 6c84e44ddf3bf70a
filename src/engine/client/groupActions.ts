/**
 * What a person does to groups: create one, invite, kick, self-update, leave (each a commit on the
 * newest epoch, or a proposal), answer invites waiting for consent, and queue messages to send.
 */
import { fromHex, toHex } from '../../lib/bytes.js';
import { ValidationError } from '../../lib/errors.js';
import { EngineErrorCode } from '../engineErrors.js';
import { ClientErrorCode } from './clientErrors.js';
import { MlsGroupSession } from '../mls/groupSession.js';
import { assertSendAllowed } from './contactTrust.js';
import { usernameOf } from './directory.js';
import type { ChatMessage, GroupSummary, PendingInvite } from './engineTypes.js';
import { queueOutgoing } from './outboxSender.js';
import { findInvite, forgetInvite, listInvites } from './pendingInvites.js';
import { queueInviteNotice, sendInviteNotices } from './inviteNotices.js';
import { normalizeUsername } from '../account/opaqueAccount.js';
import { fingerprintOf } from '../identity/index.js';
import type { CommitChange } from '../mls/groupTypes.js';
import { BackgroundTask, type BackgroundWork } from './backgroundWork.js';
import type { ClientContext } from './clientContext.js';
import type { EngineSession } from './engineSession.js';
import { commitToGroup, inviteToGroup, leaveGroup } from './groupCommits.js';
import type { IncomingProcessor } from './incoming.js';
import type { OutboxSender } from './outboxSender.js';
import { queueAccessKeyShare } from './sealedSender.js';
import type { SelfUpdateScheduler } from './selfUpdateScheduler.js';
import type { KeyRotations } from '../keys/keyRotations.js';
import { moveDeferredLeaf } from '../keys/deferredIdentityMove.js';
import { lostMember } from './incoming.js';
import { membersOf } from './views.js';

export interface GroupActionParts {
  context: ClientContext;
  session: EngineSession;
  incoming: IncomingProcessor;
  outbox: OutboxSender;
  background: BackgroundWork;
  healing: SelfUpdateScheduler;
  rotations: KeyRotations;
}

export class GroupActions {
  constructor(private readonly parts: GroupActionParts) {}

  async createGroup(name: string): Promise<GroupSummary> {
    const { context } = this.parts;
    if (name.trim() === '') throw new ValidationError(EngineErrorCode.badGroupName, 'a group needs a name');
    const session = await MlsGroupSession.create(context.mls, { identity: context.identity().mls, name });
    context.groups.adopt(session);
    await context.announceGroup(session.groupId);
    const summary = context.groups.summaries().find((group) => group.id === session.groupId);
    if (summary === undefined)
      throw new ValidationError(ClientErrorCode.groupNotFound, 'the new group was not stored');
    return summary;
  }

  async invite(groupRef: string, username: string): Promise<void> {
    const { context, incoming, outbox, background, rotations } = this.parts;
    const groupId = context.groups.resolve(groupRef).groupId;
    const moveLeaf = (): Promise<boolean> =>
      moveDeferredLeaf(context, groupId, (change) =>
        commitToGroup(context, groupId, change, () => incoming.fetchAll()),
      );
    await incoming.exclusive(async () => {
      await incoming.fetchAll();
      await inviteToGroup(context, groupId, username, () => incoming.fetchAll());
      try {
        await moveLeaf();
      } catch (error) {
        // The invite is done whatever happens here: the move is tried again in the background with
        // backoff, and a failure of its last try is reported (backgroundFailed).
        void error;
        rotations.deferredMoves.retry(
          groupId,
          () => incoming.exclusive(moveLeaf),
          (lastError) => background.report(BackgroundTask.identityMove, lastError),
        );
      }
    });
    queueAccessKeyShare(context, groupId);
    // The invite itself succeeded; the access key waits in the outbox if this flush fails.
    await background.settle(BackgroundTask.flushOutbox, () => outbox.flush());
  }

  async kick(groupRef: string, usernameInput: string): Promise<void> {
    const { context } = this.parts;
    const groupId = context.groups.resolve(groupRef).groupId;
    const session = await context.groups.session(groupId);
    const members = await membersOf(session.info().members, context);
    const username = normalizeUsername(usernameInput);
    const target = members.find((member) => member.username === username && !member.self);
    if (target === undefined)
      throw new ValidationError(EngineErrorCode.notAMember, `${username} is not in this group`);
    const key = session.info().members.find((member) => fingerprintOf(member).hex === target.fingerprint);
    if (key === undefined)
      throw new ValidationError(EngineErrorCode.notAMember, `${username} is not in this group`);
    await this.commitExclusive(groupId, { kind: 'remove', identityKeys: [key] });
  }

  async selfUpdate(groupRef: string): Promise<void> {
    const groupId = this.parts.context.groups.resolve(groupRef).groupId;
    await this.commitExclusive(groupId, { kind: 'selfUpdate' });
    this.parts.healing.updated(groupId);
  }

  /** Invites waiting for a decision, oldest first, with the inviter's username. */
  async listInvites(): Promise<(PendingInvite & { readonly inviter: string })[]> {
    const { context } = this.parts;
    const out: (PendingInvite & { readonly inviter: string })[] = [];
    for (const invite of listInvites(context)) {
      out.push({
        ...invite,
        inviter: await usernameOf(fromHex(invite.from), context.store, context.connection()),
      });
    }
    return out;
  }

  /** Joins the group of a waiting invite (by id, or group name when one matches); returns the group id. */
  async acceptInvite(reference: string): Promise<string> {
    const { context } = this.parts;
    const invite = findInvite(context, reference);
    const groupId = await this.parts.incoming.acceptInvite(invite.bytes, fromHex(invite.from));
    forgetInvite(context, invite.id);
    context.emit({ type: 'invitesChanged', invites: listInvites(context) });
    return groupId;
  }

  /** Deletes a waiting invite without joining; the inviter is told (inviteNotices.ts) and removes us. */
  async declineInvite(reference: string): Promise<void> {
    const { context, background } = this.parts;
    const invite = findInvite(context, reference);
    context.store.transaction(() => {
      queueInviteNotice(context, {
        inviter: fromHex(invite.from),
        welcome: invite.bytes,
        outcome: 'declined',
      });
      forgetInvite(context, invite.id);
    });
    context.emit({ type: 'invitesChanged', invites: listInvites(context) });
    background.run(BackgroundTask.inviteNotices, () => sendInviteNotices(context));
    // async so a missing invite is a rejection, as for every other call of the facade.
    await Promise.resolve();
  }

  /** Resolves once the message is in the outbox (and shown as 'pending'); delivery follows. */
  async send(groupRef: string, text: string): Promise<ChatMessage> {
    const { context, background, outbox, healing } = this.parts;
    const group = context.groups.resolve(groupRef);
    // SendHeldError while a verified member's key change waits for acknowledgement (contactTrust.ts).
    const session = await context.groups.session(group.groupId);
    assertSendAllowed(context.store, session.info().members.map(toHex), context.mls.clock.now());
    const message = queueOutgoing(context, context.groups.resolve(groupRef), text);
    if (context.connection()?.state === 'online') {
      background.run(BackgroundTask.flushOutbox, async () => {
        await outbox.flush();
        await healing.runDue();
      });
    }
    return message;
  }

  /** Sends a Remove proposal for ourselves (another member commits it) and forgets the group. */
  async leave(groupRef: string): Promise<void> {
    const { context, incoming, session } = this.parts;
    const groupId = context.groups.resolve(groupRef).groupId;
    const connection = session.requireConnection();
    await incoming.exclusive(() => leaveGroup(context, connection, groupId));
    context.emit({ type: 'groupRemoved', groupId, reason: 'left' });
    await context.announceGroup(undefined);
  }

  /** Our commit on the newest epoch (caught up first), incoming lane held, conflicts retried. */
  async commitExclusive(groupId: string, change: CommitChange): Promise<void> {
    const { context, incoming, outbox, background } = this.parts;
    const catchUp = () => incoming.fetchAll();
    let removed = false;
    await incoming.exclusive(async () => {
      await catchUp();
      if (!context.groups.has(groupId)) return;
      const before = (await context.groups.session(groupId)).info().members;
      await commitToGroup(context, groupId, change, catchUp);
      removed =
        context.groups.has(groupId) &&
        lostMember(before, (await context.groups.session(groupId)).info().members);
    });
    // Our own commit removed someone (a kick, or a leave we committed): they knew our access key.
    if (removed) background.run(BackgroundTask.keyRotation, () => this.parts.rotations.rotateAccessKey());
    await context.announceGroup(groupId);
    // Messages held back while the commit was pending go out in the new epoch.
    background.run(BackgroundTask.flushOutbox, () => outbox.flush());
  }
}
