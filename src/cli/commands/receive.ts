import { parseArgs } from 'node:util';
import { ExitCode, UsageError } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import type { QpcEngine } from '../../engine/qpcEngine.js';
import type { ClientProfileStore } from '../../engine/store/types.js';
import type { CommandGroup } from './commandGroup.js';
import { clientOptions, clientOptionsHelp, withEngine } from './clientSession.js';

const help = `Usage: qpc receive [--wait SECONDS] [--json] [options]

Connects, catches up with the server (joining groups from Welcomes, applying commits, decrypting
messages), then prints every received message not printed before by this profile, oldest first.
With --wait, and nothing new, it waits up to SECONDS for the first message to arrive.

Options:
  --wait SECONDS    wait up to this long for a message when none is waiting (default 0)
  --json            one JSON object a line: {"kind":"message","group","groupId","sender","fingerprint",
                    "text","time","id"}; a message that could never be read (and was dropped) prints
                    {"kind":"dropped","group","groupId","code","time","id"}
${clientOptionsHelp}`;

const RECEIVE_CURSOR = 'receive.cursor';
const PAGE = 500;

async function printNew(
  engine: QpcEngine,
  store: ClientProfileStore,
  io: CliIo,
  json: boolean,
): Promise<number> {
  let printed = 0;
  for (;;) {
    const cursor = Number(store.settings.get(RECEIVE_CURSOR) ?? '0');
    const entries = await engine.inboxAfter(cursor, PAGE);
    for (const { seq, groupName, message } of entries) {
      const time = new Date(message.sentAt).toISOString();
      if (message.decryptFailed) {
        const line = json
          ? JSON.stringify({
              kind: 'dropped',
              group: groupName,
              groupId: message.groupId,
              code: message.text,
              time,
              id: message.id,
            })
          : `${time} [${groupName}] a message could not be read and was dropped (${message.text})`;
        writeLine(io.stdout, line);
      } else if (json) {
        writeLine(
          io.stdout,
          JSON.stringify({
            kind: 'message',
            group: groupName,
            groupId: message.groupId,
            sender: message.sender.username,
            fingerprint: message.sender.fingerprint,
            text: message.text,
            time,
            id: message.id,
          }),
        );
      } else {
        writeLine(io.stdout, `${time} [${groupName}] ${message.sender.username}: ${message.text}`);
      }
      store.settings.set(RECEIVE_CURSOR, String(seq));
      printed += 1;
    }
    if (entries.length < PAGE) return printed;
  }
}

function waitForMessage(engine: QpcEngine, seconds: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, seconds * 1000);
    const unsubscribe = engine.subscribe((event) => {
      if (event.type === 'messageReceived') done();
    });
    function done(): void {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}

export const receiveCommand: CommandGroup = {
  name: 'receive',
  summary: 'fetch and print new messages: receive [--wait SECONDS] [--json]',
  help,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...clientOptions,
        wait: { type: 'string', default: '0' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (values.help) {
      writeLine(io.stdout, help);
      return ExitCode.ok;
    }
    const wait = Number(values.wait);
    if (!Number.isFinite(wait) || wait < 0 || wait > 86_400) {
      throw new UsageError(`--wait must be a number of seconds (0-86400), not "${values.wait}"`);
    }
    return withEngine(values, {}, async ({ engine, store }) => {
      // Subscribe before connecting so a message pushed during catch-up is not missed.
      const arrived = wait > 0 ? waitForMessage(engine, wait) : Promise.resolve();
      await engine.connect();
      let printed = await printNew(engine, store, io, values.json);
      if (printed === 0 && wait > 0) {
        await arrived;
        printed += await printNew(engine, store, io, values.json);
      }
      return ExitCode.ok;
    });
  },
};
