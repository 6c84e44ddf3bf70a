/**
 * What every command definition shares: how an action ends (its exit code) and the global options read
 * as the handlers' ClientFlags.
 */
import type { ExitCodeValue } from './exitCodes.js';
import type { ClientFlags } from './commands/clientSession.js';

/** What an action gives back: its exit code. */
export type Finish = (code: ExitCodeValue) => void;

/** The global options, as the handlers' ClientFlags. */
export function flagsOf(command: { optsWithGlobals(): object }): ClientFlags {
  const all = command.optsWithGlobals() as {
    profile?: string;
    server?: string;
    sealedSender?: boolean;
  };
  return {
    profile: all.profile,
    server: all.server,
    'no-sealed-sender': all.sealedSender === false ? true : undefined,
    'sealed-sender': all.sealedSender === true ? true : undefined,
  };
}
