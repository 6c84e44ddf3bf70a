/**
 * `qpc send`, `receive` and `history`, defined like every command of ./program (which adds them). Handlers load on use.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from './io.js';
import { flagsOf, type Finish } from './commandFlags.js';

export function addMessageCommands(program: Command, io: CliIo, finish: Finish): void {
  program
    .command('send')
    .description(
      'encrypt TEXT for the group NAME and send it; without a server it waits in the outbox and goes out, once, on the next connection. Prints "sent ID" or "queued ID"',
    )
    .argument('<name>', "the group's name or id")
    .argument('<text>', 'the message')
    .action(async (name, text, _options, command) => {
      finish(await (await import('./commands/send.js')).send(name, text, flagsOf(command), io));
    });
  program
    .command('receive')
    .description(
      'connect, catch up, and print every received message not printed before by this profile, oldest first',
    )
    .option('--wait <seconds>', 'with nothing new, wait up to this long for a message', '0')
    .option('--json', 'one JSON object a line: {"group","groupId","sender","fingerprint","text","time","id"}')
    .option(
      '--follow',
      'stay connected; one JSON line per event: "type" message, members, keyChanged, groupRemoved, connection (ends on Ctrl-C or SIGTERM)',
    )
    .action(async (options, command) => {
      finish(await (await import('./commands/receive.js')).receive(options, flagsOf(command), io));
    });
  program
    .command('history')
    .description('the messages of a group stored in this profile, oldest first (offline)')
    .argument('<name>', "the group's name or id")
    .option('--json', 'one JSON object a line')
    .option('--limit <n>', 'the newest N messages', '50')
    .action(async (name, options, command) => {
      finish(await (await import('./commands/history.js')).history(name, options, flagsOf(command), io));
    });
}
