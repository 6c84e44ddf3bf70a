/**
 * A sealed envelope its recipient cannot open is reported back to its sender over the real server: the
 * recipient reports the envelope's hash in the group (MLS), the sender matches it, drops its cached hybrid
 * key, seals the same MLS ciphertext again to the recipient's current directory key, and shows it. When
 * the second envelope cannot be opened either, the message is marked failed.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes.js';
import { generateHybridKeyPair, type HybridPublicKey } from '../../src/engine/crypto/hybridKeys.js';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import { contextOf, identityKeyOf } from './engineProbes.js';
import { isMessage, waitUntil, withGroup, type GroupFixture, type TestClient } from './harness.js';

type Unopened = Extract<EngineEvent, { type: 'sealedUnopened' }>;
const isUnopened =
  (resealed: boolean) =>
  (event: EngineEvent): event is Unopened =>
    event.type === 'sealedUnopened' && event.resealed === resealed;

/** alice and bob in one group, each holding the other's access key, so alice's messages go sealed. */
async function sealedPair(fixture: GroupFixture): Promise<{ alice: TestClient; bob: TestClient }> {
  const [alice, bob] = fixture.clients as [TestClient, TestClient];
  await waitUntil(() => alice.store.peerAccessKeys.get(toHex(identityKeyOf(bob))) !== undefined);
  await waitUntil(() => bob.store.peerAccessKeys.get(toHex(identityKeyOf(alice))) !== undefined);
  return { alice, bob };
}

function deliveredCount(client: TestClient, text: string): number {
  return client.events.filter((event) => event.type === 'messageReceived' && event.message.text === text)
    .length;
}

describe('a sealed envelope its recipient cannot open', () => {
  let fixture: GroupFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it(
    'sealed to a stale key in the sender cache: reported, re-sealed, delivered once',
    { timeout: 180_000 },
    async () => {
      fixture = await withGroup(['alice', 'bob'], 'stale');
      const { alice, bob } = await sealedPair(fixture);
      const { groupId } = fixture;
      // alice's cache holds a hybrid key for bob that bob has no private half of (a key he no longer has).
      const bobHex = toHex(identityKeyOf(bob));
      const accessKey = alice.store.peerAccessKeys.get(bobHex);
      if (accessKey === undefined) throw new Error('alice does not know bob access key');
      const channel = (alice.engine as unknown as { sealedChannel: { hybridKeys: Map<string, unknown> } })
        .sealedChannel;
      const stale: HybridPublicKey = generateHybridKeyPair().publicKey;
      channel.hybridKeys.set(bobHex, {
        key: stale,
        until: Date.now() + 3_600_000,
        accessTag: createHash('sha256').update(accessKey).digest('hex'),
      });

      const sent = await alice.engine.send(groupId, 'to a stale key');
      const report = await alice.waitFor(isUnopened(true), 90_000);
      expect(report).toMatchObject({ groupId, messageId: sent.id, code: 'ENVELOPE_AUTH_FAILED' });
      await bob.waitFor(isMessage('to a stale key'), 90_000);
      // bob's own view records the envelope he could not open; alice's cache entry for bob is gone.
      expect(
        bob.events.some((event) => event.type === 'incomingDropped' && event.code === 'ENVELOPE_AUTH_FAILED'),
      ).toBe(true);
      // The next message goes to bob's current key at once, and the re-sealed one came exactly once.
      await alice.engine.send(groupId, 'after the report');
      await bob.waitFor(isMessage('after the report'), 90_000);
      expect(deliveredCount(bob, 'to a stale key')).toBe(1);
      expect(alice.events.filter(isUnopened(true))).toHaveLength(1);
      expect(alice.events.filter(isUnopened(false))).toHaveLength(0);
      // alice's history shows who could not open which message (receive --json prints the same entry).
      const entries = (await alice.engine.inboxAfter(0, 200)).map((item) => item.message);
      const mark = entries.find((message) => message.membership?.event === 'unopened');
      expect(mark?.membership).toMatchObject({
        actor: 'bob',
        messageId: sent.id,
        resealed: true,
        code: 'ENVELOPE_AUTH_FAILED',
      });
      expect(mark?.text).toContain('bob could not open your message');
    },
  );

  it(
    'the recipient cannot open the current key either: re-sealed once, then marked failed',
    { timeout: 180_000 },
    async () => {
      fixture = await withGroup(['alice', 'bob'], 'lost');
      const { alice, bob } = await sealedPair(fixture);
      const { groupId } = fixture;
      // bob's client lost the private half of the hybrid key the directory publishes (nothing opens).
      const bobIdentity = contextOf(bob).identity();
      bobIdentity.hybrid = generateHybridKeyPair();
      bobIdentity.retiredHybrid = [];

      const sent = await alice.engine.send(groupId, 'never readable');
      await alice.waitFor(isUnopened(true), 90_000);
      const final = await alice.waitFor(isUnopened(false), 90_000);
      expect(final).toMatchObject({ groupId, messageId: sent.id, code: 'ENVELOPE_AUTH_FAILED' });
      await alice.waitFor(
        (event): event is Extract<EngineEvent, { type: 'deliveryStateChanged' }> =>
          event.type === 'deliveryStateChanged' && event.messageId === sent.id && event.state === 'failed',
      );
      expect(deliveredCount(bob, 'never readable')).toBe(0);
      const entries = (await alice.engine.inboxAfter(0, 200)).map((item) => item.message);
      const marks = entries.filter((message) => message.membership?.event === 'unopened');
      expect(marks.map((message) => message.membership?.resealed)).toEqual([true, false]);
      expect(marks[1]?.text).toContain('not delivered');
    },
  );
});
