import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import { QpcEngine } from '../../engine/qpcEngine.js';
import type { CommandGroup } from './commandGroup.js';
import {
  clientOptions,
  clientOptionsHelp,
  readPassword,
  requirePositionals,
  withEngine,
} from './clientSession.js';

const help = `Usage: qpc account <command> USER --password-stdin [options]

Commands:
  register USER   create the profile (24-word identity, hybrid key, encrypted store), register USER on the
                  server with OPAQUE (the password never leaves this machine), log in, publish KeyPackages
  login USER      log in again (a new session token, kept in the encrypted profile)
  restore USER    a new profile for an existing account: the identity from its 24 recovery words
                  (--words-file FILE), OPAQUE login, a fresh hybrid key and fresh KeyPackages published

Options:
  --password-stdin        read the password from stdin (required; never from arguments)
  --show-recovery-words   register: print the 24 recovery words on stdout (also after a retry);
                          without it they wait in the profile until the full-screen qpc shows them
  --words-file FILE       restore: the file holding the 24 recovery words (separated by spaces)
${clientOptionsHelp}`;

async function register(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...clientOptions,
      'password-stdin': { type: 'boolean', default: false },
      'show-recovery-words': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [username = ''] = requirePositionals(positionals, 1, 'qpc account register USER --password-stdin');
  const password = await readPassword(io, values['password-stdin']);
  return withEngine(values, { create: true }, async ({ engine, store }) => {
    // The words of an earlier failed attempt, or new ones; kept in the profile until shown.
    const words = QpcEngine.prepareRegistration(store);
    await engine.register(username, password);
    const me = await engine.whoami();
    writeLine(io.stdout, `registered ${me.username}`);
    writeLine(io.stdout, `fingerprint ${me.fingerprint}`);
    if (words !== undefined && values['show-recovery-words']) {
      writeLine(io.stdout, `recovery words: ${words}`);
      QpcEngine.confirmRecoveryWords(store);
    } else {
      writeLine(
        io.stderr,
        'qpc: the recovery words were not shown; the full-screen qpc shows them at its next start',
      );
    }
    return ExitCode.ok;
  });
}

async function login(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...clientOptions, 'password-stdin': { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [username = ''] = requirePositionals(positionals, 1, 'qpc account login USER --password-stdin');
  const password = await readPassword(io, values['password-stdin']);
  return withEngine(values, {}, async ({ engine }) => {
    await engine.login(username, password);
    writeLine(io.stdout, `logged in as ${(await engine.whoami()).username}`);
    return ExitCode.ok;
  });
}

async function restore(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...clientOptions,
      'password-stdin': { type: 'boolean', default: false },
      'words-file': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const usage = 'qpc account restore USER --words-file FILE --password-stdin';
  const [username = ''] = requirePositionals(positionals, 1, usage);
  const wordsFile = values['words-file'];
  if (wordsFile === undefined)
    throw new UsageError('the recovery words come from a file: add --words-file FILE', usage);
  const words = readFileSync(wordsFile, 'utf8');
  const password = await readPassword(io, values['password-stdin']);
  return withEngine(values, { create: true }, async ({ engine, store }) => {
    QpcEngine.restoreIdentity(store, words);
    await engine.login(username, password);
    const me = await engine.whoami();
    writeLine(io.stdout, `restored ${me.username}`);
    writeLine(io.stdout, `fingerprint ${me.fingerprint}`);
    return ExitCode.ok;
  });
}

export const accountCommand: CommandGroup = {
  name: 'account',
  summary: 'register, log in or restore (OPAQUE): account register|login|restore USER --password-stdin',
  help,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (
      sub === undefined ||
      sub === '--help' ||
      sub === '-h' ||
      rest.includes('--help') ||
      rest.includes('-h')
    ) {
      writeLine(io.stdout, help);
      return ExitCode.ok;
    }
    if (sub === 'register') return register(rest, io);
    if (sub === 'login') return login(rest, io);
    if (sub === 'restore') return restore(rest, io);
    throw new UsageError(`unknown account command "${sub}"`, 'see qpc account --help');
  },
};
