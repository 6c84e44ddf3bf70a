/** `qpc send NAME TEXT`: handler behind the definition in ../program. */
import { NetworkError } from '../../lib/errors.js';
import { ExitCode, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import { withEngine, type ClientFlags } from './clientSession.js';

export function send(name: string, text: string, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
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
}
