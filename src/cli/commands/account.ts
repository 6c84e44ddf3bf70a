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

Options:
  --password-stdin        read the password from stdin (required; never from arguments)
  --show-recovery-words   register: print the 24 recovery words on stdout (only chance to see them)
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
    const words = store.identity.load() === undefined ? QpcEngine.createIdentity(store) : undefined;
    await engine.register(username, password);
    const me = await engine.whoami();
    writeLine(io.stdout, `registered ${me.username}`);
    writeLine(io.stdout, `fingerprint ${me.fingerprint}`);
    if (words !== undefined && values['show-recovery-words'])
      writeLine(io.stdout, `recovery words: ${words}`);
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

export const accountCommand: CommandGroup = {
  name: 'account',
  summary: 'register or log in (OPAQUE): account register|login USER --password-stdin',
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
    throw new UsageError(`unknown account command "${sub}"`, 'see qpc account --help');
  },
};
