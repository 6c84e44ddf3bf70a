/** `qpc keys new|seed|derive`: handlers behind the definitions in ../program. Secrets come from stdin. */
import { fromHex, toHex, wipe } from '../../lib/bytes.js';
import {
  IDENTITY_DERIVATION_PATH,
  deriveSlip10Ed25519,
  generateIdentityMnemonic,
  mnemonicToIdentitySeed,
} from '../../engine/identity/index.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { readStdin, writeLine, type CliIo } from '../io.js';

export function keysNew(values: { words: string }, io: CliIo): Promise<ExitCodeValue> {
  if (values.words !== '12' && values.words !== '24') {
    throw new UsageError(`--words must be 12 or 24, not "${values.words}"`);
  }
  writeLine(io.stdout, generateIdentityMnemonic(values.words === '12' ? 12 : 24));
  return Promise.resolve(ExitCode.ok);
}

export async function keysSeed(values: { passphrase: string }, io: CliIo): Promise<ExitCodeValue> {
  const mnemonic = await readStdin(io, 'Mnemonic');
  const seed = mnemonicToIdentitySeed(mnemonic, values.passphrase);
  writeLine(io.stdout, toHex(seed));
  wipe(seed);
  return ExitCode.ok;
}

export interface DeriveOptions {
  path?: string | undefined;
  seedHex?: boolean | undefined;
  passphrase: string;
}

export async function keysDerive(values: DeriveOptions, io: CliIo): Promise<ExitCodeValue> {
  if (values.path === undefined) {
    throw new UsageError(
      'keys derive needs --path',
      `for the identity key: --path "${IDENTITY_DERIVATION_PATH}"`,
    );
  }
  const input = await readStdin(io, values.seedHex === true ? 'Seed (hex)' : 'Mnemonic');
  const seed = values.seedHex === true ? fromHex(input) : mnemonicToIdentitySeed(input, values.passphrase);
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
