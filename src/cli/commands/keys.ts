import { parseArgs } from 'node:util';
import { fromHex, toHex, wipe } from '../../lib/bytes.js';
import {
  IDENTITY_DERIVATION_PATH,
  deriveSlip10Ed25519,
  generateIdentityMnemonic,
  mnemonicToIdentitySeed,
} from '../../engine/identity/index.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { readStdin, writeLine, type CliIo } from '../io.js';
import type { CommandGroup } from './commandGroup.js';

const help = `Usage: qpc keys <command> [options]

Identity keys from a BIP39 mnemonic (SLIP-0010 ed25519). Secrets are read from stdin, never from arguments.

Commands:
  new [--words 12|24]             print a fresh mnemonic (24 words by default)
  seed [--passphrase P]           read a mnemonic on stdin, print its 64-byte BIP39 seed in hex
  derive --path PATH [--seed-hex] read a mnemonic (or, with --seed-hex, a hex seed) on stdin and print
                                  {"path","chainCode","privateKey","publicKey"} as JSON (hex)
                                  for that node; only hardened indexes (44' or 44h) are allowed.
                                  The identity key is at ${IDENTITY_DERIVATION_PATH}

Options:
  --passphrase P   BIP39 passphrase ("25th word"); visible to other local users in the process list
  -h, --help       show this help

Exit codes: 0 ok, 2 bad usage or input (unknown word, bad checksum, bad path).`;

function keysNew(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseArgs({
    args: argv,
    options: { words: { type: 'string', default: '24' } },
    strict: true,
  });
  if (values.words !== '12' && values.words !== '24') {
    throw new UsageError(`--words must be 12 or 24, not "${values.words}"`);
  }
  writeLine(io.stdout, generateIdentityMnemonic(values.words === '12' ? 12 : 24));
  return Promise.resolve(ExitCode.ok);
}

async function keysSeed(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseArgs({
    args: argv,
    options: { passphrase: { type: 'string', default: '' } },
    strict: true,
  });
  const mnemonic = await readStdin(io, 'Mnemonic');
  const seed = mnemonicToIdentitySeed(mnemonic, values.passphrase);
  writeLine(io.stdout, toHex(seed));
  wipe(seed);
  return ExitCode.ok;
}

async function keysDerive(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseArgs({
    args: argv,
    options: {
      path: { type: 'string' },
      'seed-hex': { type: 'boolean', default: false },
      passphrase: { type: 'string', default: '' },
    },
    strict: true,
  });
  if (values.path === undefined) {
    throw new UsageError(
      'keys derive needs --path',
      `for the identity key: --path "${IDENTITY_DERIVATION_PATH}"`,
    );
  }
  const input = await readStdin(io, values['seed-hex'] ? 'Seed (hex)' : 'Mnemonic');
  const seed = values['seed-hex'] ? fromHex(input) : mnemonicToIdentitySeed(input, values.passphrase);
  try {
    const node = deriveSlip10Ed25519(seed, values.path);
    const output = {
      path: values.path,
      chainCode: toHex(node.chainCode),
      privateKey: toHex(node.privateKey),
      publicKey: toHex(node.publicKey),
    };
    wipe(node.chainCode, node.privateKey);
    writeLine(io.stdout, JSON.stringify(output));
  } finally {
    wipe(seed);
  }
  return ExitCode.ok;
}

const subcommands: Record<string, (argv: string[], io: CliIo) => Promise<ExitCodeValue>> = {
  new: keysNew,
  seed: keysSeed,
  derive: keysDerive,
};

export const keysCommand: CommandGroup = {
  name: 'keys',
  summary: 'create a mnemonic, show its seed, derive SLIP-0010 ed25519 keys',
  help,
  async run(argv, io) {
    const [name, ...rest] = argv;
    if (
      name === undefined ||
      name === '--help' ||
      name === '-h' ||
      rest.includes('--help') ||
      rest.includes('-h')
    ) {
      writeLine(io.stdout, help);
      return ExitCode.ok;
    }
    const subcommand = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
    if (subcommand === undefined) {
      throw new UsageError(`unknown command "keys ${name}"`, 'see qpc keys --help');
    }
    return subcommand(rest, io);
  },
};
