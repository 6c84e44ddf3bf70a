/**
 * `qpc receive --follow`: stays connected and prints one JSON object a line per event, for bots:
 *   {"type":"message", group, groupId, sender, fingerprint, text, time, id}
 *   {"type":"members", groupId, group, members: [{username, fingerprint, verification}]}
 *   {"type":"keyChanged", username, fingerprint, previousFingerprint, verification}
 *   {"type":"groupRemoved", groupId, reason}
 *   {"type":"connection", status, server, reason?}
 * Messages waiting from before come first (the same cursor as plain `qpc receive`). It ends on SIGINT or
 * SIGTERM (exit 0) or when stdout is closed.
 */
import { writeLine, type CliIo } from '../io.js';
import type { EngineEvent, GroupMember, QpcEngine } from '../../engine/qpcEngine.js';
import type { ClientProfileStore } from '../../engine/store/types.js';
import { messageJson, printNew } from './inboxCursor.js';

export async function followEvents(engine: QpcEngine, store: ClientProfileStore, io: CliIo): Promise<void> {
  const print = (value: object): void => writeLine(io.stdout, JSON.stringify(value));
  const printMessages = (): Promise<number> =>
    printNew(engine, store, (item) => print({ type: 'message', ...messageJson(item) }));
  // The fingerprint each username had when last seen, to report a key change once.
  const known = new Map<string, string>();
  const remember = (members: readonly GroupMember[]): GroupMember[] => {
    const changed: GroupMember[] = [];
    for (const member of members) {
      const before = known.get(member.username);
      if (before !== undefined && before !== member.fingerprint) changed.push(member);
      known.set(member.username, member.fingerprint);
    }
    return changed;
  };
  // Events are handled one after another, in the order they came: printNew moves a stored cursor.
  let queue = Promise.resolve();
  let failure: Error | undefined;
  const handle = (event: EngineEvent): Promise<void> => {
    switch (event.type) {
      case 'messageReceived':
        return printMessages().then(() => undefined);
      case 'membersChanged': {
        const previous = new Map(known);
        const group = engine.listGroups().find((candidate) => candidate.id === event.groupId);
        print({
          type: 'members',
          groupId: event.groupId,
          group: group?.name ?? '',
          members: event.members.map(({ username, fingerprint, verification }) => ({
            username,
            fingerprint,
            verification,
          })),
        });
        for (const member of remember(event.members)) {
          print({
            type: 'keyChanged',
            username: member.username,
            fingerprint: member.fingerprint,
            previousFingerprint: previous.get(member.username),
            verification: member.verification,
          });
        }
        return Promise.resolve();
      }
      case 'groupRemoved':
        print({ type: 'groupRemoved', groupId: event.groupId, reason: event.reason });
        return Promise.resolve();
      case 'connectionChanged':
        print({ type: 'connection', ...event.connection });
        return Promise.resolve();
      default:
        return Promise.resolve();
    }
  };
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const unsubscribe = engine.subscribe((event) => {
    queue = queue
      .then(() => handle(event))
      .catch((error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error));
        stop();
      });
  });
  const onSignal = (): void => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  io.stdout.once('error', onSignal);
  try {
    for (const group of engine.listGroups()) remember(await engine.listMembers(group.id));
    await engine.connect();
    await printMessages();
    await stopped;
    await queue;
    if (failure !== undefined) throw failure;
  } finally {
    unsubscribe();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    io.stdout.off('error', onSignal);
  }
}
