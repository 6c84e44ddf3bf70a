/**
 * Issue "Foundation" item 8: three members over real encrypted profile files. Every member closes its
 * SQLCipher store and decodes its group state again between steps, as after a restart.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import {
  CLASSICAL_CIPHERSUITE,
  DEFAULT_CIPHERSUITE,
  defaultMlsCryptoProvider,
} from '../../src/engine/mls/ciphersuites.js';
import type { MlsIdentity } from '../../src/engine/mls/credentials.js';
import { MlsGroupSession, type MlsEnv } from '../../src/engine/mls/groupSession.js';
import { generateKeyPackage } from '../../src/engine/mls/keyPackages.js';
import { mlsErrorCodes } from '../../src/engine/mls/mlsErrors.js';
import { newTestIdentity, textOfBytes, utf8Text } from '../../src/engine/mls/testKit.js';
import { nodeCryptoProvider } from '../../src/engine/mls/crypto/nodeCryptoProvider.js';
import { openProfileStore } from '../../src/engine/store/profileStore.js';
import type { CryptoProvider } from 'ts-mls';

const directory = mkdtempSync(join(tmpdir(), 'qpc-three-members-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A member as a profile file plus its key: each step opens the store, does one thing, closes it. */
class Member {
  identity: MlsIdentity = newTestIdentity();
  private file: string;
  private key = new Uint8Array(randomBytes(32));
  private readonly clock = new ManualClock(1_700_000_000_000);

  constructor(
    readonly name: string,
    suiteTag: string,
    private readonly provider: CryptoProvider = defaultMlsCryptoProvider,
  ) {
    this.file = join(directory, `${suiteTag}-${name}.db`);
  }

  /** A copy of this member's profile file as it is now (the store is closed between steps). */
  copyProfile(name: string): Member {
    const copy = new Member(name, 'copy', this.provider);
    copyFileSync(this.file, copy.file);
    copy.key = this.key;
    copy.identity = this.identity;
    return copy;
  }

  get identityKey(): Uint8Array {
    return this.identity.signingPublicKey;
  }

  /** Opens the store, runs fn, and always closes the store again (the restart between steps). */
  async withEnv<T>(fn: (env: MlsEnv) => Promise<T>): Promise<T> {
    const store = openProfileStore({ file: this.file, key: this.key });
    try {
      this.clock.advance(1000);
      return await fn({ store, provider: this.provider, clock: this.clock });
    } finally {
      store.close();
    }
  }

  /** Reloads the group from disk and runs fn on it. */
  withGroup<T>(groupId: string, fn: (group: MlsGroupSession, env: MlsEnv) => Promise<T>): Promise<T> {
    return this.withEnv(async (env) => fn(await MlsGroupSession.open(env, groupId), env));
  }

  async keyPackage(ciphersuite: string): Promise<Uint8Array> {
    return this.withEnv(
      async (env) =>
        (await generateKeyPackage({ ...env, identity: this.identity, ciphersuite })).publicPackage,
    );
  }

  async join(welcome: Uint8Array): Promise<string> {
    return this.withEnv(
      async (env) => (await MlsGroupSession.join(env, { identity: this.identity, welcome })).groupId,
    );
  }

  send(groupId: string, text: string): Promise<Uint8Array> {
    return this.withGroup(groupId, (group) => group.sendMessage(utf8Text(text)));
  }

  /** Receives and returns [sender identity key, text] of an application message. */
  async read(groupId: string, message: Uint8Array): Promise<[Uint8Array, string]> {
    const result = await this.withGroup(groupId, (group) => group.receive(message));
    if (result.kind !== 'application')
      throw new Error(`${this.name} expected an application message, got ${result.kind}`);
    return [result.sender, textOfBytes(result.plaintext)];
  }

  async receiveHandshake(groupId: string, message: Uint8Array): Promise<string> {
    return (await this.withGroup(groupId, (group) => group.receive(message))).kind;
  }

  info(groupId: string) {
    return this.withGroup(groupId, (group) => Promise.resolve(group.info()));
  }
}

describe.each([
  ['X-Wing', DEFAULT_CIPHERSUITE],
  ['classical', CLASSICAL_CIPHERSUITE],
])('three members over SQLCipher profiles (%s)', (tag, ciphersuite) => {
  it('create, add, talk in all directions, remove, self-update, with a reload between steps', async () => {
    // Mixed crypto providers: alice and carol on node:crypto, bob on ts-mls's default, so the
    // scenario also shows that the two interoperate on the wire.
    const alice = new Member('alice', tag, nodeCryptoProvider);
    const bob = new Member('bob', tag, defaultMlsCryptoProvider);
    const carol = new Member('carol', tag, nodeCryptoProvider);

    const groupId = await alice.withEnv(
      async (env) =>
        (await MlsGroupSession.create(env, { identity: alice.identity, ciphersuite, name: 'trio' })).groupId,
    );
    const [bobPackage, carolPackage] = [
      await bob.keyPackage(ciphersuite),
      await carol.keyPackage(ciphersuite),
    ];
    const { commit: addCommit, welcome } = await alice.withGroup(groupId, (g) =>
      g.addMembers([bobPackage, carolPackage]),
    );
    expect(addCommit.length).toBeGreaterThan(0);
    expect(await bob.join(welcome)).toBe(groupId);
    expect(await carol.join(welcome)).toBe(groupId);
    for (const member of [alice, bob, carol]) {
      const info = await member.info(groupId);
      expect(info.epoch).toBe(1n);
      expect(info.ciphersuite).toBe(ciphersuite);
      expect(info.members).toEqual([alice.identityKey, bob.identityKey, carol.identityKey]);
    }

    // Every member sends; both others read it and see who sent it.
    for (const sender of [alice, bob, carol]) {
      const text = `hello from ${sender.name}`;
      const message = await sender.send(groupId, text);
      for (const receiver of [alice, bob, carol].filter((m) => m !== sender)) {
        expect(await receiver.read(groupId, message)).toEqual([sender.identityKey, text]);
      }
    }

    // Alice removes carol; bob applies it; carol learns of her removal and loses her state.
    // A copy of carol's profile from before her removal: even with her old keys she must not read on.
    const carolBeforeRemoval = carol.copyProfile('carol-old');
    const { commit: removeCommit } = await alice.withGroup(groupId, (g) =>
      g.removeMembers([carol.identityKey]),
    );
    expect(await bob.receiveHandshake(groupId, removeCommit)).toBe('commit');
    expect(await carol.receiveHandshake(groupId, removeCommit)).toBe('removed');
    expect((await bob.info(groupId)).members).toEqual([alice.identityKey, bob.identityKey]);

    const secret = await alice.send(groupId, 'carol must not read this');
    expect(await bob.read(groupId, secret)).toEqual([alice.identityKey, 'carol must not read this']);
    await expect(carol.read(groupId, secret)).rejects.toMatchObject({ code: mlsErrorCodes.unknownGroup });
    await expect(carolBeforeRemoval.read(groupId, secret)).rejects.toMatchObject({
      code: mlsErrorCodes.futureEpoch,
    });
    // Catching up on the removal commit does not help: it only tells her that she is out.
    expect(await carolBeforeRemoval.receiveHandshake(groupId, removeCommit)).toBe('removed');
    await expect(carolBeforeRemoval.read(groupId, secret)).rejects.toMatchObject({
      code: mlsErrorCodes.unknownGroup,
    });

    // Bob refreshes his keys; alice follows; both still talk.
    const { commit: updateCommit } = await bob.withGroup(groupId, (g) => g.selfUpdate());
    expect(await alice.receiveHandshake(groupId, updateCommit)).toBe('commit');
    expect((await alice.info(groupId)).epoch).toBe(3n);
    expect((await bob.info(groupId)).epoch).toBe(3n);
    const afterUpdate = await bob.send(groupId, 'fresh keys');
    expect(await alice.read(groupId, afterUpdate)).toEqual([bob.identityKey, 'fresh keys']);
    const reply = await alice.send(groupId, 'got it');
    expect(await bob.read(groupId, reply)).toEqual([alice.identityKey, 'got it']);

    // The stored history came through the restarts too.
    const history = await bob.withEnv((env) => Promise.resolve(env.store.messages.list(groupId)));
    expect(history.map((m) => [m.direction, m.text])).toEqual([
      ['in', 'hello from alice'],
      ['out', 'hello from bob'],
      ['in', 'hello from carol'],
      ['in', 'carol must not read this'],
      ['out', 'fresh keys'],
      ['in', 'got it'],
    ]);
  });
});
