/** `qpc account password`: a new OPAQUE password for the logged-in account; its other sessions end. */
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { readStdin, writeLine, type CliIo } from '../io.js';
import { askNewSecret, askSecret, canPrompt, type TerminalInput } from '../secretPrompt.js';
import { newSecretProblem } from '../../engine/store/secretRules.js';
import { withEngine, type ClientFlags } from './clientSession.js';

const USAGE = 'printf "%s\\n%s\\n" "$OLD" "$NEW" | qpc account password --password-stdin';

/** The old and the new password: asked in a terminal, or two lines on stdin. */
async function readPasswords(
  io: CliIo,
  passwordStdin: boolean | undefined,
): Promise<{ oldPassword: string; newPassword: string }> {
  if (passwordStdin !== true) {
    const stdin = io.stdin as TerminalInput;
    if (!canPrompt(stdin)) {
      throw new UsageError(
        'the passwords come from stdin: add --password-stdin (or run in a terminal)',
        USAGE,
      );
    }
    const oldPassword = await askSecret(stdin, io.stderr, 'Current password: ');
    if (oldPassword === '') throw new UsageError('the current password is empty');
    const newPassword = await askNewSecret(stdin, io.stderr, 'new password', (secret, again) =>
      newSecretProblem('password', secret, again),
    );
    return { oldPassword, newPassword };
  }
  const lines = (await readStdin(io, 'Current password, then the new one, one per line')).split(/\r?\n/u);
  const [oldPassword = '', newPassword = ''] = lines;
  if (oldPassword === '' || newPassword === '') {
    throw new UsageError('stdin needs two lines: the current password, then the new one', USAGE);
  }
  return { oldPassword, newPassword };
}

export async function changePassword(
  options: { passwordStdin?: boolean | undefined },
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const { oldPassword, newPassword } = await readPasswords(io, options.passwordStdin);
  // The same rule as registration.
  const problem = newSecretProblem('password', newPassword);
  if (problem !== undefined) throw new UsageError(problem);
  if (newPassword === oldPassword) throw new UsageError('the new password is the current one');
  return withEngine(flags, { io }, async ({ engine }) => {
    const { sessionsEnded } = await engine.changePassword(oldPassword, newPassword);
    writeLine(io.stdout, `password changed for ${(await engine.whoami()).username ?? '?'}`);
    writeLine(io.stdout, `${sessionsEnded} other session(s) ended; log in there again with the new password`);
    return ExitCode.ok;
  });
}
