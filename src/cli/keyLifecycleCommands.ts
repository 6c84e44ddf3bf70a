/**
 * The commands of the client's key lifecycle, defined like those of ./program (which adds them): the
 * encrypted backup, the account password, the store key, the recovery words. Handlers load on use.
 */
import type { Command } from '@commander-js/extra-typings';
import type { ExitCodeValue } from './exitCodes.js';
import type { CliIo } from './io.js';
import type { ClientFlags } from './commands/clientSession.js';

type Finish = (code: ExitCodeValue) => void;
type FlagsOf = (command: { optsWithGlobals(): object }) => ClientFlags;

export function addKeyLifecycleCommands(program: Command, io: CliIo, finish: Finish, flagsOf: FlagsOf): void {
  addBackupCommands(program, io, finish, flagsOf);
  const load = () => import('./commands/keyLifecycle.js');
  const profile = program.command('profile').description('the encrypted profile on this machine');
  profile
    .command('rekey')
    .description(
      're-encrypt the profile under a new key (a new passphrase, a new keychain entry, or a raw key); the old key opens nothing after',
    )
    .option('--to <source>', 'passphrase, keychain or raw (default: the source in use)')
    .option('--new-secret-stdin', 'read the new passphrase (or raw key in hex) from stdin')
    .action(async (options, command) => {
      finish(await (await load()).profileRekey(options, flagsOf(command), io));
    });
}

/** `qpc keys show-recovery`, added to the existing `keys` command. */
export function addShowRecoveryCommand(keys: Command, io: CliIo, finish: Finish, flagsOf: FlagsOf): void {
  keys
    .command('show-recovery')
    .description('print the 24 recovery words again, after the account password (checked by logging in)')
    .option('--password-stdin', 'read the password from stdin (without it, a terminal asks)')
    .action(async (options, command) => {
      finish(await (await import('./commands/keyLifecycle.js')).showRecovery(options, flagsOf(command), io));
    });
}

function addBackupCommands(program: Command, io: CliIo, finish: Finish, flagsOf: FlagsOf): void {
  const backup = program
    .command('backup')
    .description(
      'an encrypted backup of contacts, trust, settings and history, opened by the 24 recovery words alone (not the MLS group states: groups come back by invite)',
    );
  const load = () => import('./commands/backup.js');
  const wordsFile = '--words-file <file>';
  const wordsFileHelp = 'the file holding the 24 recovery words (separated by spaces)';
  const wordsStdin = 'read the 24 recovery words from stdin (without either, a terminal asks)';
  backup
    .command('export')
    .description(
      'write the backup to FILE (mode 0600); the words are needed only if this profile does not keep them',
    )
    .argument('<file>')
    .option(wordsFile, wordsFileHelp)
    .option('--words-stdin', wordsStdin)
    .action(async (file, options, command) => {
      finish(await (await load()).backupExport(file, options, flagsOf(command), io));
    });
  backup
    .command('import')
    .description(
      'import FILE into this profile in one transaction (a new profile gets the identity of the words: log in next)',
    )
    .argument('<file>')
    .option(wordsFile, wordsFileHelp)
    .option('--words-stdin', wordsStdin)
    .action(async (file, options, command) => {
      finish(await (await load()).backupImport(file, options, flagsOf(command), io));
    });
}

/** `qpc keys rotate-identity`, added to the existing `keys` command. */
export function addRotateIdentityCommand(keys: Command, io: CliIo, finish: Finish, flagsOf: FlagsOf): void {
  keys
    .command('rotate-identity')
    .description(
      'move to a new identity key (the next one of your recovery words), signed by the current one: directory, every group, KeyPackages',
    )
    .option(
      '--words-stdin',
      'read the 24 recovery words from stdin (only if this profile does not keep them)',
    )
    .action(async (options, command) => {
      const handler = await import('./commands/identityRotation.js');
      finish(await handler.rotateIdentity(options, flagsOf(command), io));
    });
}
