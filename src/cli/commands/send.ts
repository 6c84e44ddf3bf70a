import { parseArgs } from 'node:util';
import { NetworkError } from '../../lib/errors.js';
import { ExitCode } from '../exitCodes.js';
import { writeLine } from '../io.js';
import type { CommandGroup } from './commandGroup.js';
import { clientOptions, clientOptionsHelp, requirePositionals, withEngine } from './clientSession.js';

const help = `Usage: qpc send NAME TEXT [options]

Encrypts TEXT for the group NAME (name or id) and sends it through the server. The message is first
written to the profile's outbox; when the server cannot be reached it stays there and goes out, exactly
once, the next time a qpc command connects. Prints "sent ID" or "queued ID".

Options:
${clientOptionsHelp}`;

export const sendCommand: CommandGroup = {
  name: 'send',
  summary: 'send a message to a group: send NAME TEXT',
  help,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: clientOptions,
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      writeLine(io.stdout, help);
      return ExitCode.ok;
    }
    const [name = '', text = ''] = requirePositionals(positionals, 2, 'qpc send NAME TEXT');
    return withEngine(values, {}, async ({ engine }) => {
      // Catch up first, so the message is encrypted in the group's newest epoch.
      let online = true;
      try {
        await engine.connect();
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        online = false;
      }
      const message = await engine.send(name, text);
      const result = online ? await engine.flushOutbox() : { pending: 1 };
      if (result.pending === 0) {
        writeLine(io.stdout, `sent ${message.id}`);
      } else {
        writeLine(io.stdout, `queued ${message.id}`);
        writeLine(
          io.stderr,
          'qpc: the server is not reachable; the message waits in the outbox and goes out on the next connection',
        );
      }
      return ExitCode.ok;
    });
  },
};
