/**
 * `qpc safety-number USER` and `qpc verify USER` (issue 5, item 6): compare, then record the result.
 * A changed key of a verified contact holds sending until `qpc verify USER --acknowledge`.
 */
import { parseArgs } from 'node:util';
import { ExitCode } from '../exitCodes.js';
import { readStdin, writeLine } from '../io.js';
import type { CommandGroup } from './commandGroup.js';
import { clientOptions, clientOptionsHelp, requirePositionals, withEngine } from './clientSession.js';

const safetyNumberHelp = `Usage: qpc safety-number USER [--json] [options]

Prints the safety number you share with USER: 12 groups of 5 digits (the same on both sides) and a QR
code of it. Compare it with USER over a channel you trust (in person, a call), then run qpc verify USER.

Options:
  --json            {"username","groups","verification"}
${clientOptionsHelp}`;

export const safetyNumberCommand: CommandGroup = {
  name: 'safety-number',
  summary: 'the safety number to compare with USER: safety-number USER',
  help: safetyNumberHelp,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...clientOptions, json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      writeLine(io.stdout, safetyNumberHelp);
      return ExitCode.ok;
    }
    const [user = ''] = requirePositionals(positionals, 1, 'qpc safety-number USER');
    return withEngine(values, {}, async ({ engine }) => {
      await engine.connect({ session: false });
      const number = await engine.safetyNumber(user);
      if (values.json) {
        writeLine(
          io.stdout,
          JSON.stringify({
            username: number.username,
            groups: number.groups,
            verification: number.verification,
          }),
        );
      } else {
        writeLine(io.stdout, `safety number with ${number.username} (${number.verification}):`);
        writeLine(io.stdout, number.display);
        writeLine(io.stdout, number.qr);
      }
      return ExitCode.ok;
    });
  },
};

const verifyHelp = `Usage: qpc verify USER [--yes | --acknowledge] [options]

Marks USER's current identity key as verified, after you compared the safety number
(qpc safety-number USER) with them. Asks "do the numbers match? [y/N]" on stdin unless --yes is given.

With --acknowledge: accepts a changed key of a contact you had verified. Until then, sending to any group
that contains them is refused (SEND_HELD_KEY_CHANGED). The new key is then unverified: compare again.

Options:
  --yes             the numbers match: do not ask
  --acknowledge     accept USER's changed key
${clientOptionsHelp}`;

export const verifyCommand: CommandGroup = {
  name: 'verify',
  summary: 'mark USER verified after comparing safety numbers: verify USER [--yes|--acknowledge]',
  help: verifyHelp,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        ...clientOptions,
        yes: { type: 'boolean', default: false },
        acknowledge: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      writeLine(io.stdout, verifyHelp);
      return ExitCode.ok;
    }
    const [user = ''] = requirePositionals(positionals, 1, 'qpc verify USER');
    return withEngine(values, {}, async ({ engine }) => {
      if (values.acknowledge) {
        const state = await engine.acknowledgeKeyChange(user);
        writeLine(io.stdout, `acknowledged the new key of ${user} (${state}); compare safety numbers again`);
        return ExitCode.ok;
      }
      await engine.connect({ session: false });
      const number = await engine.safetyNumber(user);
      if (!values.yes) {
        writeLine(io.stderr, number.display);
        const answer = (await readStdin(io, 'Do the numbers match what USER sees? [y/N]')).trim();
        if (!/^y(es)?$/iu.test(answer)) {
          writeLine(io.stdout, `not verified: ${number.username}`);
          return ExitCode.failure;
        }
      }
      const state = await engine.verifyContact(user);
      writeLine(io.stdout, `${state} ${number.username}`);
      return ExitCode.ok;
    });
  },
};
