/**
 * `qpc account register|login|restore`, `logout`, `whoami` and `server repin`, defined like every command of ./program (which adds them). Handlers load on use.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from './io.js';
import { flagsOf, type Finish } from './commandFlags.js';

export function addAccountCommands(program: Command, io: CliIo, finish: Finish): void {
  const account = program
    .command('account')
    .description('register, log in or restore (OPAQUE: the password never leaves this machine)');
  account
    .command('register')
    .description(
      'create the profile (24-word identity, hybrid key, encrypted store), register USER on the server, log in, publish KeyPackages',
    )
    .argument('<user>', 'the username to register (3-32 of a-z 0-9 _ . -)')
    .option(
      '--password-stdin',
      'read the password from stdin (without it, a terminal asks; never from arguments)',
    )
    .option(
      '--show-recovery-words',
      'print the 24 recovery words on stdout (also after a retry); without it they wait in the profile until the full-screen qpc shows them',
    )
    .action(async (user, options, command) => {
      finish(await (await import('./commands/account.js')).register(user, options, flagsOf(command), io));
    });
  account
    .command('login')
    .description('log in again (a new session token, kept in the encrypted profile)')
    .argument('<user>', 'your username')
    .option(
      '--password-stdin',
      'read the password from stdin (without it, a terminal asks; never from arguments)',
    )
    .action(async (user, options, command) => {
      finish(await (await import('./commands/account.js')).login(user, options, flagsOf(command), io));
    });
  account
    .command('restore')
    .description(
      'a new profile for an existing account: the identity from its 24 recovery words, OPAQUE login, a fresh hybrid key and fresh KeyPackages',
    )
    .argument('<user>', 'your username')
    .requiredOption('--words-file <file>', 'the file holding the 24 recovery words (separated by spaces)')
    .option(
      '--password-stdin',
      'read the password from stdin (without it, a terminal asks; never from arguments)',
    )
    .action(async (user, options, command) => {
      finish(await (await import('./commands/account.js')).restore(user, options, flagsOf(command), io));
    });
  account
    .command('password')
    .description("change the account password (OPAQUE re-registration); the account's other sessions end")
    .option('--password-stdin', 'read the current then the new password, one per line, from stdin')
    .action(async (options, command) => {
      finish(
        await (await import('./commands/accountPassword.js')).changePassword(options, flagsOf(command), io),
      );
    });
  program
    .command('logout')
    .description('end the session: the server revokes its token and this profile forgets it')
    .action(async (_options, command) => {
      finish(await (await import('./commands/account.js')).logout(flagsOf(command), io));
    });
  program
    .command('whoami')
    .description("this profile's username, identity fingerprint, store key source and server (offline)")
    .option('--json', 'one JSON object: {"username","fingerprint","keySource","server"}')
    .action(async (options, command) => {
      finish(await (await import('./commands/whoami.js')).whoami(options, flagsOf(command), io));
    });
  program
    .command('server')
    .description('the server as this profile knows it')
    .command('repin')
    .description(
      'forget the pinned certificate of the server (--server, or the saved one); the next connection pins what the server shows. Only after the operator said it changed on purpose: compare its SHA-256 with theirs',
    )
    .action(async (_options, command) => {
      finish(await (await import('./commands/server.js')).repin(flagsOf(command), io));
    });
}
