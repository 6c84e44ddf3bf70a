/**
 * `qpc proof show|verify`, `safety-number` and `verify`, defined like every command of ./program (which adds them). Handlers load on use.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from './io.js';
import { flagsOf, type Finish } from './commandFlags.js';

export function addTrustCommands(program: Command, io: CliIo, finish: Finish): void {
  const proof = program
    .command('proof')
    .description("the server's signed delivery proofs of a message you sent (ids: qpc history --json)");
  proof
    .command('show')
    .description(
      'the stored proofs, one per recipient, checked with the signing keys already known (offline)',
    )
    .argument('<message-id>')
    .option('--json', 'one JSON object a line')
    .action(async (messageId, options, command) => {
      finish(await (await import('./commands/proof.js')).showProof(messageId, options, flagsOf(command), io));
    });
  proof
    .command('verify')
    .description(
      "check every proof against the server's published keys (current and retired); exit 1 if one fails",
    )
    .argument('<message-id>')
    .option('--json', 'one JSON object a line')
    .action(async (messageId, options, command) => {
      finish(
        await (await import('./commands/proof.js')).verifyProof(messageId, options, flagsOf(command), io),
      );
    });
  program
    .command('safety-number')
    .description(
      'the safety number you share with USER (12 groups of 5 digits and a QR code): compare it over a channel you trust, then qpc verify USER',
    )
    .argument('<user>')
    .option('--json', '{"username","groups","verification"}')
    .action(async (user, options, command) => {
      finish(await (await import('./commands/verify.js')).safetyNumber(user, options, flagsOf(command), io));
    });
  program
    .command('verify')
    .description(
      'mark USER\'s current key verified after comparing safety numbers; asks "do the numbers match? [y/N]" unless --yes',
    )
    .argument('<user>')
    .option('--yes', 'the numbers match: do not ask')
    .option(
      '--acknowledge',
      "accept USER's changed key (sending to groups with them is held until then; the new key is unverified)",
    )
    .action(async (user, options, command) => {
      finish(await (await import('./commands/verify.js')).verify(user, options, flagsOf(command), io));
    });
}
