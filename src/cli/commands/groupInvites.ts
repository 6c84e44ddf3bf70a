/**
 * `qpc group invites|accept|decline`: invites waiting for consent (the profile's policy decides which
 * wait: all joins every invite at once, verified only those from verified contacts, none asks for all).
 */
import { UsageError, ExitCode, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import type { InvitePolicy } from '../../engine/qpcEngine.js';
import { withEngine, type ClientFlags } from './clientSession.js';

const POLICIES: readonly string[] = ['all', 'verified', 'none'];

export interface InvitesOptions {
  json?: boolean | undefined;
  policy?: string | undefined;
}

export function invites(options: InvitesOptions, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  if (options.policy !== undefined && !POLICIES.includes(options.policy)) {
    throw new UsageError(`--policy must be one of ${POLICIES.join(', ')}, not "${options.policy}"`);
  }
  return withEngine(flags, { io }, async ({ engine }) => {
    if (options.policy !== undefined) {
      engine.setInvitePolicy(options.policy as InvitePolicy);
      writeLine(io.stdout, `invite policy: ${options.policy}`);
      return ExitCode.ok;
    }
    // Catch up first, so an invite waiting on the server is listed.
    await engine.connect();
    for (const invite of await engine.listInvites()) {
      const time = new Date(invite.receivedAt).toISOString();
      writeLine(
        io.stdout,
        options.json === true
          ? JSON.stringify({ id: invite.id, group: invite.groupName, inviter: invite.inviter, time })
          : `${invite.id} ${invite.groupName} from ${invite.inviter} (${time})`,
      );
    }
    return ExitCode.ok;
  });
}

export function accept(reference: string, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.connect();
    const groupId = await engine.acceptInvite(reference);
    const group = engine.listGroups().find((candidate) => candidate.id === groupId);
    writeLine(io.stdout, `joined ${group?.name ?? reference} ${groupId}`);
    return ExitCode.ok;
  });
}

export function decline(reference: string, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.declineInvite(reference);
    writeLine(io.stdout, `declined ${reference}`);
    return ExitCode.ok;
  });
}
