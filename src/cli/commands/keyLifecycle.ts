/**
 * `qpc keys show-recovery` and `qpc profile rekey`: handlers behind ../keyLifecycleCommands. Secrets come
 * from a terminal prompt without echo or from stdin (scripts); never from arguments, never logged.
 */
import { fromHex } from '../../lib/bytes.js';
import { rekeyProfile, type NewStoreKey } from '../../engine/store/profileRekey.js';
import { resolveProfileDir } from '../../engine/client/profile.js';
import { newSecretProblem } from '../../engine/store/secretRules.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { readStdin, writeLine, type CliIo } from '../io.js';
import { askNewSecret, canPrompt, type TerminalInput } from '../secretPrompt.js';
import { openCliProfile, readPassword, withEngine, type ClientFlags } from './clientSession.js';

export async function showRecovery(
  options: { passwordStdin?: boolean | undefined },
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const password = await readPassword(io, options.passwordStdin);
  return withEngine(flags, { io }, async ({ engine }) => {
    const words = await engine.revealRecoveryWords(password);
    writeLine(io.stdout, words);
    return ExitCode.ok;
  });
}

export interface RekeyOptions {
  to?: string | undefined;
  newSecretStdin?: boolean | undefined;
}

async function newStoreKey(options: RekeyOptions, current: string, io: CliIo): Promise<NewStoreKey> {
  const kind = options.to ?? current;
  if (kind === 'keychain') return { kind: 'keychain' };
  if (kind === 'raw') {
    if (options.newSecretStdin !== true) {
      throw new UsageError('a new raw key comes from stdin: add --new-secret-stdin (64 hex digits)');
    }
    const text = (await readStdin(io, 'New key (64 hex digits)')).trim();
    if (!/^[0-9a-fA-F]{64}$/u.test(text)) throw new UsageError('the new key must be 64 hex digits');
    return { kind: 'raw', key: fromHex(text.toLowerCase()) };
  }
  if (kind !== 'passphrase') throw new UsageError(`--to takes passphrase, keychain or raw, not "${kind}"`);
  if (options.newSecretStdin === true) {
    const passphrase = (await readStdin(io, 'New passphrase')).replace(/\r?\n$/u, '');
    const problem = newSecretProblem('passphrase', passphrase);
    if (problem !== undefined) throw new UsageError(problem);
    return { kind: 'passphrase', passphrase };
  }
  const stdin = io.stdin as TerminalInput;
  if (!canPrompt(stdin)) throw new UsageError('the new passphrase comes from stdin: add --new-secret-stdin');
  const passphrase = await askNewSecret(stdin, io.stderr, 'passphrase', (secret, again) =>
    newSecretProblem('passphrase', secret, again),
  );
  return { kind: 'passphrase', passphrase };
}

export async function profileRekey(
  options: RekeyOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const store = await openCliProfile(flags, { io });
  try {
    const next = await newStoreKey(options, store.keySource, io);
    const source = await rekeyProfile({ profileDir: resolveProfileDir(flags.profile), store, next });
    writeLine(
      io.stdout,
      `rekeyed: the profile is now opened by ${source === 'raw' ? 'QPC_STORE_KEY' : `the ${source}`}`,
    );
    return ExitCode.ok;
  } finally {
    store.close();
  }
}
