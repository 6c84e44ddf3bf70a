import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes.js';
import {
  IDENTITY_DERIVATION_PATH,
  deriveSlip10Ed25519,
  mnemonicToIdentitySeed,
  validateIdentityMnemonic,
} from '../../src/engine/identity/index.js';
import { bip39EnglishVectors, bip39Passphrase } from '../../src/engine/identity/vectors/bip39English.js';
import { slip10Ed25519Vectors } from '../../src/engine/identity/vectors/slip10Ed25519.js';

const bin = fileURLToPath(new URL('../../bin/qpc.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `qpc` bin as a user would, feeding `stdin` and closing it. */
function qpc(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const byWords = (count: number) =>
  bip39EnglishVectors.find((vector) => vector.mnemonic.split(' ').length === count)!;

describe('qpc help', () => {
  it('qpc --help and qpc with no arguments print help and exit 0', async () => {
    for (const args of [['--help'], []]) {
      const run = await qpc(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Usage: qpc/);
      expect(run.stdout).toMatch(/keys/);
    }
  });

  it('qpc keys --help describes the subcommands', async () => {
    const run = await qpc(['keys', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/derive \[options\]/);
    expect(run.stdout).toContain(IDENTITY_DERIVATION_PATH);
  });

  it('qpc keys derive --help names the identity key path the engine uses', async () => {
    const run = await qpc(['keys', 'derive', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/\s+/gu, ' ')).toContain(IDENTITY_DERIVATION_PATH);
  });

  it('an unknown command exits 2 with one line on stderr', async () => {
    const run = await qpc(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe('qpc keys new', () => {
  it('prints a valid 24-word mnemonic by default and 12 words on request', async () => {
    const [long, short] = await Promise.all([qpc(['keys', 'new']), qpc(['keys', 'new', '--words', '12'])]);
    expect(long.code).toBe(0);
    expect(short.code).toBe(0);
    expect(long.stdout.trim().split(' ')).toHaveLength(24);
    expect(short.stdout.trim().split(' ')).toHaveLength(12);
    expect(validateIdentityMnemonic(long.stdout)).toBe(long.stdout.trim());
    expect(validateIdentityMnemonic(short.stdout)).toBe(short.stdout.trim());
  });

  it('refuses --words 13 and unknown options with exit 2', async () => {
    const [words, option] = await Promise.all([
      qpc(['keys', 'new', '--words', '13']),
      qpc(['keys', 'new', '--nope']),
    ]);
    expect(words.code).toBe(2);
    expect(words.stderr).toMatch(/12 or 24/);
    expect(option.code).toBe(2);
  });
});

describe('qpc keys seed', () => {
  for (const count of [12, 18, 24]) {
    it(`prints the BIP39 seed of the ${count}-word Trezor vector`, async () => {
      const vector = byWords(count);
      const run = await qpc(['keys', 'seed', '--passphrase', bip39Passphrase], `${vector.mnemonic}\n`);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe(vector.seed);
    });
  }

  it('an unknown word exits 2 and names the word', async () => {
    const words = byWords(12).mnemonic.split(' ');
    words[2] = 'zebraa';
    const run = await qpc(['keys', 'seed'], words.join(' '));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/word 3 \("zebraa"\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a bad checksum exits 2 and says "checksum"', async () => {
    const words = byWords(12).mnemonic.split(' ');
    words[11] = words[11] === 'zoo' ? 'abandon' : 'zoo';
    const run = await qpc(['keys', 'seed'], words.join(' '));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/checksum/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('qpc keys derive', () => {
  for (const vector of slip10Ed25519Vectors) {
    // Six processes at once on a shared 2-core machine: allow more than the default 60 s.
    it(`matches every chain of SLIP-0010 ${vector.name} (--seed-hex)`, { timeout: 180_000 }, async () => {
      const runs = await Promise.all(
        vector.chains.map((chain) =>
          qpc(['keys', 'derive', '--seed-hex', '--path', chain.path], `${vector.seed}\n`),
        ),
      );
      runs.forEach((run, index) => {
        const chain = vector.chains[index]!;
        expect(run.code).toBe(0);
        expect(JSON.parse(run.stdout)).toEqual({
          path: chain.path,
          chainCode: chain.chainCode,
          privateKey: chain.privateKey,
          publicKey: chain.publicKey.slice(2), // the spec's 0x00 prefix byte is not part of the Ed25519 key
        });
      });
    });
  }

  it('derives the identity key from a mnemonic on stdin', async () => {
    const vector = byWords(24);
    const run = await qpc(['keys', 'derive', '--path', IDENTITY_DERIVATION_PATH], vector.mnemonic);
    expect(run.code).toBe(0);
    const node = deriveSlip10Ed25519(mnemonicToIdentitySeed(vector.mnemonic), IDENTITY_DERIVATION_PATH);
    expect(JSON.parse(run.stdout)).toEqual({
      path: IDENTITY_DERIVATION_PATH,
      chainCode: toHex(node.chainCode),
      privateKey: toHex(node.privateKey),
      publicKey: toHex(node.publicKey),
    });
  });

  it('refuses bad input with exit 2 and a clear message', { timeout: 180_000 }, async () => {
    const seed = slip10Ed25519Vectors[0]!.seed;
    const [notHardened, malformed, noPath, badHex, badWord] = await Promise.all([
      qpc(['keys', 'derive', '--seed-hex', '--path', "m/0'/1"], seed),
      qpc(['keys', 'derive', '--seed-hex', '--path', "m/zero'"], seed),
      qpc(['keys', 'derive', '--seed-hex'], seed),
      qpc(['keys', 'derive', '--seed-hex', '--path', "m/0'"], 'not hex'),
      qpc(['keys', 'derive', '--path', "m/0'"], 'abandon abandon abandonn'),
    ]);
    for (const run of [notHardened, malformed, noPath, badHex, badWord]) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(notHardened.stderr).toMatch(/not hardened/);
    expect(malformed.stderr).toMatch(/segment 1 \("zero'"\) is not a number/);
    expect(noPath.stderr).toMatch(/--path/);
    expect(badHex.stderr).toMatch(/hexadecimal/);
  });
});
