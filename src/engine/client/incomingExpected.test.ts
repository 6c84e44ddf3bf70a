import { describe, expect, it } from 'vitest';
import { CLASSICAL_CIPHERSUITE } from '../mls/ciphersuites.js';
import { MlsGroupSession } from '../mls/groupSession.js';
import { mlsErrorCodes } from '../mls/mlsErrors.js';
import { keyPackageFor, newTestMember, utf8Text } from '../mls/testKit.js';
import type { ClientContext } from './clientContext.js';
import type { EngineEvent } from './engineTypes.js';
import { isExpectedLate, rememberJoinEpoch, settleUnreadable } from './incomingExpected.js';

/** A context with only what incomingExpected touches: settings, the drop timeline and events. */
function fakeContext() {
  const settings = new Map<string, string>();
  const appended: unknown[] = [];
  const events: EngineEvent[] = [];
  const context = {
    store: {
      settings: {
        get: (key: string) => settings.get(key),
        set: (key: string, value: string) => settings.set(key, value),
      },
      messages: { append: (record: unknown) => appended.push(record) },
      transaction: (work: () => void) => work(),
    },
    mls: { clock: { now: () => 1 } },
    emit: (event: EngineEvent) => events.push(event),
  } as unknown as ClientContext;
  return { context, settings, appended, events };
}

/** Alice's group: the commit that adds bob (epoch 0), then a self-update (epoch 1) and a message (epoch 2). */
async function messages() {
  const [alice, bob] = [newTestMember('alice'), newTestMember('bob')];
  const group = await MlsGroupSession.create(alice.env, {
    identity: alice.identity,
    ciphersuite: CLASSICAL_CIPHERSUITE,
  });
  const addBob = (await group.addMembers([await keyPackageFor(bob, CLASSICAL_CIPHERSUITE)])).commit;
  const update = (await group.selfUpdate()).commit;
  const text = await group.sendMessage(utf8Text('hello'));
  return { groupId: group.groupId, addBob, update, text };
}

describe('late handshake messages', () => {
  it('a commit from before our join is expected; one from within our membership is not', async () => {
    const { context } = fakeContext();
    const { groupId, addBob, update } = await messages();
    const stale = { groupId, code: mlsErrorCodes.staleEpoch };
    // No join recorded (a group we created, or joined before this was kept): every stale commit shows.
    expect(isExpectedLate(context, stale, addBob)).toBe(false);
    rememberJoinEpoch(context, groupId, 1n);
    expect(isExpectedLate(context, stale, addBob)).toBe(true);
    expect(isExpectedLate(context, stale, update)).toBe(false);
    // Another code for the same commit is a real drop.
    expect(isExpectedLate(context, { groupId, code: mlsErrorCodes.badSignature }, addBob)).toBe(false);
  });

  it('an application message is never expected, stale or for a group we left', async () => {
    const { context } = fakeContext();
    const { groupId, text, update } = await messages();
    rememberJoinEpoch(context, groupId, 5n);
    expect(isExpectedLate(context, { groupId, code: mlsErrorCodes.staleEpoch }, text)).toBe(false);
    expect(isExpectedLate(context, { groupId, code: mlsErrorCodes.notActive }, text)).toBe(false);
    expect(isExpectedLate(context, { groupId, code: mlsErrorCodes.notActive }, update)).toBe(true);
    expect(isExpectedLate(context, { groupId, code: mlsErrorCodes.staleEpoch }, utf8Text('x'))).toBe(false);
  });

  it('settling: the expected one moves the cursor silently, a real one is recorded and announced', async () => {
    const { context, settings, appended, events } = fakeContext();
    const { groupId, addBob, text } = await messages();
    rememberJoinEpoch(context, groupId, 1n);
    const code = mlsErrorCodes.staleEpoch;
    settleUnreadable(context, { key: '7', groupId, code, cursor: 7n }, addBob);
    expect(settings.get('queue.cursor')).toBe('7');
    expect(appended).toEqual([]);
    expect(events).toEqual([]);
    settleUnreadable(context, { key: '8', groupId, code, cursor: 8n }, text);
    expect(settings.get('queue.cursor')).toBe('8');
    expect(appended).toHaveLength(1);
    expect(events).toEqual([{ type: 'incomingDropped', code, groupId }]);
  });
});
