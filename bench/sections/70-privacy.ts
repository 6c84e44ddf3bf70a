/**
 * Privacy costs: how much padding to size buckets adds to real MLS ciphertexts, and what an
 * automatic self-update (healing) costs the member who commits it and a member who processes it.
 *
 * Padding: MLS application messages as the engine sends them (the JSON content of
 * src/engine/client/payloads.ts inside a PrivateMessage), texts of 1..500 characters, both suites.
 * Two text-length distributions: uniform over 1..500, and a chat-like one (log-normal, median 40
 * characters, capped at 500). Overhead = (bucket - ciphertext) / ciphertext, on top of the padding that
 * ts-mls itself applies inside every PrivateMessage (content padded to at least 256 bytes).
 *
 * Self-update: groups of 10 and 100, built untimed; each repetition reopens both members from the same
 * stored state (memory store snapshot) so that every timed step includes stage, merge, encode, persist.
 */
import { randomBytes } from 'node:crypto';
import { encodeApplicationContent } from '../../src/engine/client/payloads.js';
import { CLASSICAL_CIPHERSUITE, DEFAULT_CIPHERSUITE } from '../../src/engine/mls/ciphersuites.js';
import { MlsGroupSession } from '../../src/engine/mls/groupSession.js';
import { keyPackageFor, newTestMember, type TestMember } from '../../src/engine/mls/testKit.js';
import { paddedSizeFor } from '../../src/engine/privacy/padding.js';
import { createMemoryStore, type MemoryProfileStore } from '../../src/engine/store/memoryStore.js';
import { figure, heading, median, percentile, timed, type BenchSection } from '../report.js';

const SUITES = [
  ['X-Wing (default)', DEFAULT_CIPHERSUITE],
  ['classical suite 1', CLASSICAL_CIPHERSUITE],
] as const;
const GROUP_SIZES = [10, 100] as const;
const WORDS = [
  'ok',
  'see',
  'you',
  'tomorrow',
  'the',
  'build',
  'is',
  'green',
  'again',
  'thanks',
  'über',
  'déjà',
];

type Member = TestMember & { store: MemoryProfileStore };

function member(name: string): Member {
  const store = createMemoryStore();
  return { ...newTestMember(name, store), store };
}

/** A text of exactly `length` characters made of words, as people type them (a few non-ASCII). */
function textOfLength(length: number, seed: number): string {
  let text = '';
  for (let i = seed; text.length < length; i++) text += `${WORDS[i % WORDS.length]!} `;
  return text.slice(0, length);
}

/** Deterministic log-normal lengths (median 40, sigma 1), capped to 1..500: many short lines, a tail. */
function chatLikeLengths(count: number): number[] {
  const lengths: number[] = [];
  for (let i = 0; i < count; i++) {
    const u1 = (i + 0.5) / count;
    const u2 = ((i * 7919) % count) / count + 0.5 / count;
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    lengths.push(Math.min(500, Math.max(1, Math.round(40 * Math.exp(normal)))));
  }
  return lengths;
}

async function ciphertextSizes(suite: string, lengths: number[]): Promise<number[]> {
  const [alice, bob] = [member('alice'), member('bob')];
  const group = await MlsGroupSession.create(alice.env, { identity: alice.identity, ciphersuite: suite });
  await group.addMembers([await keyPackageFor(bob, suite)]);
  const sizes: number[] = [];
  for (const [i, length] of lengths.entries()) {
    const content = encodeApplicationContent({
      id: randomBytes(16).toString('hex'),
      sentAt: 1_700_000_000_000 + i,
      text: textOfLength(length, i),
    });
    sizes.push((await group.sendMessage(content, { record: false })).length);
  }
  return sizes;
}

function reportPadding(label: string, sizes: number[]): void {
  const overheads = sizes.map((size) => ((paddedSizeFor(size) - size) / size) * 100).sort((a, b) => a - b);
  const mean = overheads.reduce((sum, value) => sum + value, 0) / overheads.length;
  const padded = sizes.reduce((sum, size) => sum + paddedSizeFor(size), 0);
  const raw = sizes.reduce((sum, size) => sum + size, 0);
  const buckets = new Map<number, number>();
  for (const size of sizes) buckets.set(paddedSizeFor(size), (buckets.get(paddedSizeFor(size)) ?? 0) + 1);
  const sortedSizes = [...sizes].sort((a, b) => a - b);
  figure(`${label}: ciphertext bytes, min..max`, sortedSizes[0]!, 'B', `max ${sortedSizes.at(-1)!} B`);
  figure(`${label}: overhead per message, mean`, mean, '%');
  figure(`${label}: overhead per message, p99`, percentile(overheads, 99), '%');
  figure(`${label}: total bytes padded / unpadded`, (padded / raw - 1) * 100, '% more');
  const shares = [...buckets].sort((a, b) => a[0] - b[0]).map(([b, n]) => `${b} B: ${n}`);
  console.log(`    buckets used (${sizes.length} messages): ${shares.join(', ')}`);
}

async function measureSelfUpdate(suite: string, size: number): Promise<void> {
  const alice = member('alice');
  const observer = member('observer');
  const group = await MlsGroupSession.create(alice.env, { identity: alice.identity, ciphersuite: suite });
  const others = [observer, ...Array.from({ length: size - 2 }, (_, i) => member(`m${i}`))];
  const { welcome } = await group.addMembers(await Promise.all(others.map((m) => keyPackageFor(m, suite))));
  await MlsGroupSession.join(observer.env, { identity: observer.identity, welcome });
  const [aliceDisk, observerDisk] = [alice.store.snapshot(), observer.store.snapshot()];

  const commitMs: number[] = [];
  const processMs: number[] = [];
  let commitBytes = 0;
  const repetitions = size >= 100 ? 3 : 5;
  for (let rep = 0; rep < repetitions; rep++) {
    const aliceNow = await MlsGroupSession.open(
      { ...alice.env, store: createMemoryStore(aliceDisk) },
      group.groupId,
    );
    const { commit } = await timed(commitMs, () => aliceNow.selfUpdate());
    commitBytes = commit.length;
    const observerNow = await MlsGroupSession.open(
      { ...observer.env, store: createMemoryStore(observerDisk) },
      group.groupId,
    );
    await timed(processMs, () => observerNow.receive(commit));
  }
  const note = `median of ${repetitions}`;
  figure(`N=${size}: self-update commit (committer)`, median(commitMs), 'ms', note);
  figure(`N=${size}: process it (another member)`, median(processMs), 'ms', note);
  figure(`N=${size}: self-update commit size`, commitBytes / 1024, 'KiB');
}

export const section: BenchSection = {
  name: 'privacy',
  async run() {
    const uniform = Array.from({ length: 500 }, (_, i) => i + 1);
    const chatLike = chatLikeLengths(500);
    for (const [label, suite] of SUITES) {
      heading(`Padding to size buckets: ${label}, MLS application messages, texts of 1..500 characters`);
      reportPadding('uniform 1..500', await ciphertextSizes(suite, uniform));
      reportPadding('chat-like (median 40)', await ciphertextSizes(suite, chatLike));
    }
    for (const [label, suite] of SUITES) {
      heading(`Automatic self-update (healing): ${label}, node:crypto provider`);
      for (const size of GROUP_SIZES) await measureSelfUpdate(suite, size);
    }
  },
};
