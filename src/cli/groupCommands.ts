/**
 * `qpc group ...`: create, invite, kick, leave, rotate, list, members, and the waiting invites, defined like every command of ./program (which adds them). Handlers load on use.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from './io.js';
import { flagsOf, type Finish } from './commandFlags.js';

export function addGroupCommands(program: Command, io: CliIo, finish: Finish): void {
  const group = program
    .command('group')
    .description('MLS groups')
    .addHelpText('after', "\nNAME is the group's name or its id (or an id prefix of 8+ hex digits).");
  const load = () => import('./commands/group.js');
  group
    .command('create')
    .description('a new MLS group (post-quantum suite X-Wing) with only you in it')
    .argument('<name>')
    .action(async (name, _options, command) => {
      finish(await (await load()).create(name, flagsOf(command), io));
    });
  group
    .command('invite')
    .description('add USER: a commit to the members and a sealed Welcome to USER')
    .argument('<name>')
    .argument('<user>')
    .action(async (name, user, _options, command) => {
      finish(await (await load()).invite(name, user, flagsOf(command), io));
    });
  group
    .command('kick')
    .description('remove USER in a commit: they read nothing sent after it')
    .argument('<name>')
    .argument('<user>')
    .action(async (name, user, _options, command) => {
      finish(await (await load()).kick(name, user, flagsOf(command), io));
    });
  group
    .command('leave')
    .description('ask the members to remove you, and forget the group here')
    .argument('<name>')
    .action(async (name, _options, command) => {
      finish(await (await load()).leave(name, flagsOf(command), io));
    });
  group
    .command('rotate')
    .description('replace your key in the group now (an update commit; also done on a schedule)')
    .argument('<name>')
    .action(async (name, _options, command) => {
      finish(await (await load()).rotate(name, flagsOf(command), io));
    });
  group
    .command('list')
    .description('your groups: id, epoch, members, name')
    .option('--json', 'one JSON object a line')
    .action(async (options, command) => {
      finish(await (await load()).list(options, flagsOf(command), io));
    });
  group
    .command('members')
    .description('usernames and fingerprints of the members')
    .argument('<name>')
    .option('--json', 'one JSON object a line')
    .action(async (name, options, command) => {
      finish(await (await load()).members(name, options, flagsOf(command), io));
    });
  const loadInvites = () => import('./commands/groupInvites.js');
  group
    .command('invites')
    .description('invites waiting for you to accept or decline: id, group, inviter')
    .option('--json', 'one JSON object a line: {"id","group","inviter","time"}')
    .option(
      '--policy <policy>',
      'which invites join at once: all (the default), verified (from verified contacts), none (ask for every one)',
    )
    .action(async (options, command) => {
      finish(await (await loadInvites()).invites(options, flagsOf(command), io));
    });
  group
    .command('accept')
    .description('join the group of a waiting invite (ID from qpc group invites, or the group name)')
    .argument('<invite>')
    .action(async (reference, _options, command) => {
      finish(await (await loadInvites()).accept(reference, flagsOf(command), io));
    });
  group
    .command('decline')
    .description(
      'delete a waiting invite without joining (the inviter is told, and removes you from the group)',
    )
    .argument('<invite>')
    .action(async (reference, _options, command) => {
      finish(await (await loadInvites()).decline(reference, flagsOf(command), io));
    });
}
