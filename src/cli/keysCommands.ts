/**
 * `qpc keys ...`: mnemonics, derivation, key rotation and the recovery words, defined like every command of ./program (which adds them). Handlers load on use.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from './io.js';
import { flagsOf, type Finish } from './commandFlags.js';
import { addRotateIdentityCommand, addShowRecoveryCommand } from './keyLifecycleCommands.js';

export function addKeysCommands(program: Command, io: CliIo, finish: Finish): void {
  const keys = program
    .command('keys')
    .description('identity keys from a BIP39 mnemonic (SLIP-0010 ed25519); secrets come from stdin')
    .addHelpText('after', "\nThe identity key is at m/44'/5328963'/0'/0'/0' (see qpc keys derive --help).");
  const load = () => import('./commands/keys.js');
  keys
    .command('new')
    .description('print a fresh mnemonic')
    .option('--words <count>', '12 or 24', '24')
    .action(async (options) => finish(await (await load()).keysNew(options, io)));
  keys
    .command('seed')
    .description('read a mnemonic on stdin, print its 64-byte BIP39 seed in hex')
    .option(
      '--passphrase <p>',
      'BIP39 passphrase ("25th word"); visible to other local users in the process list',
      '',
    )
    .action(async (options) => finish(await (await load()).keysSeed(options, io)));
  keys
    .command('derive')
    .description(
      'read a mnemonic (or, with --seed-hex, a hex seed) on stdin and print {"path","chainCode","privateKey","publicKey"} as JSON (hex); only hardened indexes (44\' or 44h)',
    )
    .option('--path <path>', "derivation path, such as m/44'/5328963'/0'/0'/0'")
    .option('--seed-hex', 'stdin holds a hex seed instead of a mnemonic')
    .option('--passphrase <p>', 'BIP39 passphrase ("25th word")', '')
    .action(async (options) => finish(await (await load()).keysDerive(options, io)));
  const loadRotation = () => import('./commands/keyRotation.js');
  keys
    .command('rotate-hybrid')
    .description(
      'replace the hybrid key Welcomes and sealed messages are sealed to (also on a schedule: qpc keys schedule)',
    )
    .action(async (_options, command) =>
      finish(await (await loadRotation()).rotateHybrid(flagsOf(command), io)),
    );
  keys
    .command('rotate-access')
    .description(
      'replace your sealed-sender access key (also when a member leaves a group of yours, and weekly)',
    )
    .action(async (_options, command) =>
      finish(await (await loadRotation()).rotateAccess(flagsOf(command), io)),
    );
  keys
    .command('schedule')
    .description('show or change how often keys rotate by themselves, in days (0: never)')
    .option('--hybrid-days <n>', 'hybrid key: rotate when older than this (default 30)')
    .option('--grace-days <n>', 'keep a replaced hybrid private key this long, then wipe it (default 7)')
    .option('--access-days <n>', 'sealed-sender access key: rotate when older than this (default 7)')
    .option('--json', 'print the schedule as JSON')
    .action(async (options, command) =>
      finish(await (await loadRotation()).schedule(options, flagsOf(command), io)),
    );
  addShowRecoveryCommand(keys, io, finish, flagsOf);
  addRotateIdentityCommand(keys, io, finish, flagsOf);
}
