import type { CliIo } from '../io.js';
import type { ExitCodeValue } from '../exitCodes.js';

/**
 * A `qpc <group> ...` command family (keys, later account, group, send, receive). A new group is one file
 * in src/cli/commands/ exporting a CommandGroup, added to the list in src/cli/qpc.ts.
 */
export interface CommandGroup {
  /** The word after `qpc`. */
  readonly name: string;
  /** One line for `qpc --help`. */
  readonly summary: string;
  /** Full text for `qpc <name> --help`. */
  readonly help: string;
  /** argv after the group name. Throws a QpcError for expected failures; returns the exit code. */
  run(argv: string[], io: CliIo): Promise<ExitCodeValue>;
}
