/**
 * MLS group operations at growing group sizes, for the post-quantum default and the classical suite.
 * "Size N" = adding the N-th member to a group of N-1. The group of N-1 is built untimed with one big
 * commit; each repetition starts again from the same stored state (a snapshot of the memory store),
 * so that every timed operation includes what the engine really does: stage, merge, encode, persist.
 * Crypto provider: the node:crypto one (src/engine/mls/crypto); QPC_BENCH_MLS_PROVIDER=default measures
 * ts-mls's own default provider instead, for comparison. QPC_BENCH_MLS_SIZES=2,10,50,200,1000 picks the
 * sizes (1,000 takes minutes on 2 busy cores, so it is not in the default run); QPC_BENCH_MLS_SUITES=
 * classical or xwing runs one suite. Anchor: OpenMLS adds one member to 1,000 in 734 ms.
 */
import type { CryptoProvider } from 'ts-mls';
import {
  CLASSICAL_CIPHERSUITE,
  DEFAULT_CIPHERSUITE,
  defaultMlsCryptoProvider,
} from '../../src/engine/mls/ciphersuites.js';
import { nodeCryptoProvider } from '../../src/engine/mls/crypto/nodeCryptoProvider.js';
import { MlsGroupSession } from '../../src/engine/mls/groupSession.js';
import { keyPackageFor, newTestMember, type TestMember } from '../../src/engine/mls/testKit.js';
import { createMemoryStore, type MemoryProfileStore } from '../../src/engine/store/memoryStore.js';
import { figure, heading, median, timed, type BenchSection } from '../report.js';

const SIZES = (process.env['QPC_BENCH_MLS_SIZES'] ?? '2,10,50,200').split(',').map(Number);
const SUITE_CHOICE = process.env['QPC_BENCH_MLS_SUITES'] ?? 'both';
const useDefaultProvider = process.env['QPC_BENCH_MLS_PROVIDER'] === 'default';
const provider: CryptoProvider = useDefaultProvider ? defaultMlsCryptoProvider : nodeCryptoProvider;
const providerLabel = useDefaultProvider ? 'ts-mls default provider' : 'node:crypto provider';
const repetitionsFor = (size: number): number => (size >= 1000 ? 2 : size >= 50 ? 3 : 5);

function memberWithStore(name: string): TestMember & { store: MemoryProfileStore } {
  const store = createMemoryStore();
  return { ...newTestMember(name, store, provider), store };
}

/** A member whose store is a fresh copy of a snapshot: "the same disk, reopened". */
function reopened(member: TestMember, snapshot: ReturnType<MemoryProfileStore['snapshot']>): TestMember {
  return { ...member, env: { ...member.env, store: createMemoryStore(snapshot) } };
}

async function measureSize(ciphersuite: string, size: number): Promise<void> {
  const alice = memberWithStore('alice');
  const group = await MlsGroupSession.create(alice.env, { identity: alice.identity, ciphersuite });
  // The observer is the member who processes the timed commit; it exists from size 3 on.
  const observer = size >= 3 ? memberWithStore('observer') : undefined;
  if (size >= 3) {
    const others = [observer!, ...Array.from({ length: size - 3 }, (_, i) => memberWithStore(`m${i}`))];
    const packages = await Promise.all(others.map((m) => keyPackageFor(m, ciphersuite)));
    const { welcome } = await group.addMembers(packages);
    await MlsGroupSession.join(observer!.env, { identity: observer!.identity, welcome });
  }
  const aliceDisk = alice.store.snapshot();
  const observerDisk = observer?.store.snapshot();

  const commitMs: number[] = [];
  const processMs: number[] = [];
  const joinMs: number[] = [];
  const updateMs: number[] = [];
  const processUpdateMs: number[] = [];
  let welcomeBytes = 0;
  let commitBytes = 0;
  let updateBytes = 0;
  for (let rep = 0; rep < repetitionsFor(size); rep++) {
    const newcomer = memberWithStore('newcomer');
    const newcomerPackage = await keyPackageFor(newcomer, ciphersuite);
    const aliceNow = await MlsGroupSession.open(reopened(alice, aliceDisk).env, group.groupId);
    const added = await timed(commitMs, () => aliceNow.addMembers([newcomerPackage]));
    welcomeBytes = added.welcome.length;
    commitBytes = added.commit.length;
    if (observer !== undefined && observerDisk !== undefined) {
      const observerNow = await MlsGroupSession.open(reopened(observer, observerDisk).env, group.groupId);
      await timed(processMs, () => observerNow.receive(added.commit));
    }
    await timed(joinMs, () =>
      MlsGroupSession.join(newcomer.env, { identity: newcomer.identity, welcome: added.welcome }),
    );
    // A self-update (path update) from the group of N-1, and the same commit processed by a member.
    const aliceAgain = await MlsGroupSession.open(reopened(alice, aliceDisk).env, group.groupId);
    const update = await timed(updateMs, () => aliceAgain.selfUpdate());
    updateBytes = update.commit.length;
    if (observer !== undefined && observerDisk !== undefined) {
      const observerNow = await MlsGroupSession.open(reopened(observer, observerDisk).env, group.groupId);
      await timed(processUpdateMs, () => observerNow.receive(update.commit));
    }
  }
  const note = `median of ${commitMs.length}`;
  figure(`N=${size}: add-member commit`, median(commitMs), 'ms', note);
  if (processMs.length > 0)
    figure(`N=${size}: process that commit (existing member)`, median(processMs), 'ms', note);
  figure(`N=${size}: join from the Welcome`, median(joinMs), 'ms', note);
  figure(`N=${size}: Welcome size (with ratchet tree)`, welcomeBytes / 1024, 'KiB');
  figure(`N=${size}: commit size`, commitBytes / 1024, 'KiB');
  figure(`N=${size - 1}: self-update commit`, median(updateMs), 'ms', note);
  if (processUpdateMs.length > 0)
    figure(`N=${size - 1}: process the self-update (existing member)`, median(processUpdateMs), 'ms', note);
  figure(`N=${size - 1}: self-update commit size`, updateBytes / 1024, 'KiB');
}

export const section: BenchSection = {
  name: 'mls-groups',
  async run() {
    for (const [label, suite] of [
      ['X-Wing (default)', DEFAULT_CIPHERSUITE],
      ['classical suite 1', CLASSICAL_CIPHERSUITE],
    ] as const) {
      if (SUITE_CHOICE === 'classical' && suite !== CLASSICAL_CIPHERSUITE) continue;
      if (SUITE_CHOICE === 'xwing' && suite !== DEFAULT_CIPHERSUITE) continue;
      heading(`MLS groups: ${label}, ${suite}, ${providerLabel}`);
      const start = performance.now();
      for (const size of SIZES) await measureSize(suite, size);
      figure('section time for this suite (incl. untimed setup)', (performance.now() - start) / 1000, 's');
    }
  },
};
