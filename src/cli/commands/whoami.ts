import { parseArgs } from 'node:util';
import { describeKeySource } from '../../engine/client/profile.js';
import { ExitCode } from '../exitCodes.js';
import { writeLine } from '../io.js';
import type { CommandGroup } from './commandGroup.js';
import { clientOptions, clientOptionsHelp, withEngine } from './clientSession.js';

const help = `Usage: qpc whoami [--json] [options]

Shows this profile's username, identity fingerprint (SHA-256 of the identity key), the source of the
store key and the saved server. Works offline.

Options:
  --json            one JSON object: {"username","fingerprint","keySource","server"}
${clientOptionsHelp}`;

export const whoamiCommand: CommandGroup = {
  name: 'whoami',
  summary: 'username and identity fingerprint of this profile',
  help,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: { ...clientOptions, json: { type: 'boolean', default: false } },
      strict: true,
    });
    if (values.help) {
      writeLine(io.stdout, help);
      return ExitCode.ok;
    }
    return withEngine(values, {}, async ({ engine }) => {
      const me = await engine.whoami();
      const keySource = describeKeySource(engine.keySource);
      const server = engine.serverText() ?? '';
      if (values.json) {
        writeLine(
          io.stdout,
          JSON.stringify({ username: me.username, fingerprint: me.fingerprint, keySource, server }),
        );
      } else {
        writeLine(io.stdout, `username    ${me.username || '(not registered)'}`);
        writeLine(io.stdout, `fingerprint ${me.fingerprintGroups.join(' ')}`);
        writeLine(io.stdout, `store key   ${keySource}`);
        writeLine(io.stdout, `server      ${server || '(none yet)'}`);
      }
      return ExitCode.ok;
    });
  },
};
