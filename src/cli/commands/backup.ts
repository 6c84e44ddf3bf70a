/**
 * `qpc backup export|import FILE`: handlers behind the definitions in ../program. The 24 words come from
 * --words-file, --words-stdin (scripts) or, in a terminal, a prompt without echo; never from arguments.
 * An export made by a profile that keeps its words needs none.
 */
import { readFileSync } from 'node:fs';
import { UserSettingsFile } from '../../engine/settings/userSettings.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { readStdin, writeLine, type CliIo } from '../io.js';
import { askSecret, canPrompt, type TerminalInput } from '../secretPrompt.js';
import { withEngine, type ClientFlags } from './clientSession.js';

export interface BackupWordsOptions {
  wordsFile?: string | undefined;
  wordsStdin?: boolean | undefined;
}

/** The words from a file, stdin or a prompt; undefined when none is given and `optional`. */
async function readWords(
  options: BackupWordsOptions,
  io: CliIo,
  optional: boolean,
): Promise<string | undefined> {
  if (options.wordsFile !== undefined && options.wordsStdin === true) {
    throw new UsageError('give the words with --words-file or --words-stdin, not both');
  }
  if (options.wordsFile !== undefined) return readFileSync(options.wordsFile, 'utf8');
  if (options.wordsStdin === true) return readStdin(io, 'Recovery words');
  if (optional) return undefined;
  const stdin = io.stdin as TerminalInput;
  if (!canPrompt(stdin)) {
    throw new UsageError(
      'the 24 recovery words are needed: add --words-file FILE or --words-stdin',
      'qpc backup import FILE --words-file words.txt',
    );
  }
  return askSecret(stdin, io.stderr, 'The 24 recovery words (not shown): ');
}

/** The person's settings file as text values (a broken file is left out of the backup, with a warning). */
function readUserSettings(io: CliIo): Record<string, string> {
  try {
    const settings = new UserSettingsFile().read();
    return Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, String(value)]));
  } catch (error) {
    writeLine(io.stderr, `qpc: the settings file is not in the backup: ${(error as Error).message}`);
    return {};
  }
}

export async function backupExport(
  file: string,
  options: BackupWordsOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const words = await readWords(options, io, true);
  return withEngine(flags, { io }, async ({ engine }) => {
    const summary = await engine.exportBackup(file, {
      ...(words === undefined ? {} : { words }),
      userSettings: readUserSettings(io),
    });
    writeLine(
      io.stdout,
      `exported ${summary.contacts} contacts, ${summary.settings} settings, ${summary.messages} messages to ${file} (${summary.bytes} bytes)`,
    );
    return ExitCode.ok;
  });
}

export async function backupImport(
  file: string,
  options: BackupWordsOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const words = (await readWords(options, io, false)) ?? '';
  return withEngine(flags, { create: true, io }, async ({ engine }) => {
    const result = await engine.importBackup(file, words);
    const settingsFile = new UserSettingsFile();
    for (const [key, value] of Object.entries(result.userSettings)) {
      try {
        settingsFile.set(key, value);
      } catch (error) {
        // One setting this version does not take must not undo the import, which is already written.
        writeLine(io.stderr, `qpc: setting ${key} not restored: ${(error as Error).message}`);
      }
    }
    writeLine(
      io.stdout,
      `imported ${result.contacts} contacts, ${result.settings} settings, ${result.messages} messages`,
    );
    if (result.identityRestored) {
      writeLine(
        io.stdout,
        `identity restored: log in next with qpc account login ${result.username ?? 'USER'}; groups come back when members invite you again`,
      );
    }
    return ExitCode.ok;
  });
}
