/** `qpc receive [--wait S] [--json] [--follow]`: handlers behind the definitions in ../program. */
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import type { InboxItem, QpcEngine } from '../../engine/qpcEngine.js';
import { withEngine, type ClientFlags } from './clientSession.js';
import { followEvents } from './receiveFollow.js';
import { messageJson, printNew } from './inboxCursor.js';

export interface ReceiveOptions {
  wait: string;
  json?: boolean | undefined;
  follow?: boolean | undefined;
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

export function receive(options: ReceiveOptions, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  const wait = Number(options.wait);
  if (!Number.isFinite(wait) || wait < 0 || wait > 86_400) {
    throw new UsageError(`--wait must be a number of seconds (0-86400), not "${options.wait}"`);
  }
  if (options.follow === true) {
    return withEngine(flags, { io, reconnect: true }, async ({ engine, store }) => {
      await followEvents(engine, store, io);
      return ExitCode.ok;
    });
  }
  const print = (item: InboxItem): void => {
    if (options.json === true) writeLine(io.stdout, JSON.stringify(messageJson(item)));
    else {
      const time = new Date(item.message.sentAt).toISOString();
      writeLine(
        io.stdout,
        item.message.decryptFailed === true
          ? `${time} [${item.groupName}] a message could not be read and was dropped (${item.message.text})`
          : item.message.membership !== undefined
            ? `${time} [${item.groupName}] * ${item.message.text}`
            : `${time} [${item.groupName}] ${item.message.sender.username}: ${item.message.text}`,
      );
    }
  };
  return withEngine(flags, { io }, async ({ engine, store }) => {
    // Subscribe before connecting so a message pushed during catch-up is not missed.
    const arrived = wait > 0 ? waitForMessage(engine, wait) : Promise.resolve();
    await engine.connect();
    const printed = await printNew(engine, store, print);
    if (printed === 0 && wait > 0) {
      await arrived;
      await printNew(engine, store, print);
    }
    return ExitCode.ok;
  });
}
