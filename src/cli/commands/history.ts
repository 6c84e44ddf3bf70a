/** `qpc history NAME [--json] [--limit N]`: the stored messages of a group, oldest first. Works offline. */
import type { ChatMessage } from '../../engine/qpcEngine.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import { withEngine, type ClientFlags } from './clientSession.js';

export interface HistoryOptions {
  json?: boolean | undefined;
  limit: string;
}

/** Upper bound of --limit: pages are read 500 at a time, this many stay in memory. */
const MAX_LIMIT = 100_000;
const PAGE = 500;

function parseLimit(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}, not "${text}"`);
  }
  return limit;
}

function historyJson(message: ChatMessage): object {
  return {
    id: message.id,
    groupId: message.groupId,
    sender: message.sender.username,
    fingerprint: message.sender.fingerprint,
    text: message.text,
    time: new Date(message.sentAt).toISOString(),
    outgoing: message.outgoing,
    state: message.state,
    decryptFailed: message.decryptFailed,
  };
}

export function history(
  name: string,
  options: HistoryOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const limit = parseLimit(options.limit);
  return withEngine(flags, { io }, async ({ engine }) => {
    // Pages come newest first, each page oldest first: gather the newest `limit`, print oldest first.
    const pages: (readonly ChatMessage[])[] = [];
    let count = 0;
    let before: string | undefined;
    while (count < limit) {
      const page = await engine.loadMessages(name, {
        limit: Math.min(PAGE, limit - count),
        ...(before === undefined ? {} : { before }),
      });
      if (page.messages.length === 0) break;
      pages.unshift(page.messages);
      count += page.messages.length;
      before = page.messages[0]?.id;
      if (!page.hasMore) break;
    }
    for (const message of pages.flat()) {
      if (options.json === true) writeLine(io.stdout, JSON.stringify(historyJson(message)));
      else {
        const time = new Date(message.sentAt).toISOString();
        const text = message.decryptFailed ? '(could not be decrypted)' : message.text;
        writeLine(io.stdout, `${time} ${message.sender.username}: ${text}`);
      }
    }
    return ExitCode.ok;
  });
}
