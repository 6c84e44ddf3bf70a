/** `qpc config list|get|set|path`: handlers behind the definitions in ../program. */
import { UserSettingsFile, userSettingChoices, userSettingKeys } from '../../engine/settings/userSettings.js';
import { ExitCode, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';

export function configList(options: { json?: boolean | undefined }, io: CliIo): Promise<ExitCodeValue> {
  const file = new UserSettingsFile();
  const settings = file.read();
  if (options.json === true) writeLine(io.stdout, JSON.stringify(settings));
  else {
    const width = Math.max(...userSettingKeys.map((key) => key.length)) + 2;
    for (const key of userSettingKeys) {
      const value = String(settings[key]);
      writeLine(
        io.stdout,
        `${key.padEnd(width)}${value === '' ? '""' : value}  (${userSettingChoices[key]})`,
      );
    }
    writeLine(io.stdout, `# ${file.path}`);
  }
  return Promise.resolve(ExitCode.ok);
}

export function configGet(key: string, io: CliIo): Promise<ExitCodeValue> {
  writeLine(io.stdout, String(new UserSettingsFile().get(key)));
  return Promise.resolve(ExitCode.ok);
}

export function configSet(key: string, value: string, io: CliIo): Promise<ExitCodeValue> {
  const file = new UserSettingsFile();
  // Read first: a broken file is reported rather than written over.
  file.read();
  writeLine(io.stdout, `${key} = ${String(file.set(key, value))}`);
  return Promise.resolve(ExitCode.ok);
}

export function configPath(io: CliIo): Promise<ExitCodeValue> {
  writeLine(io.stdout, new UserSettingsFile().path);
  return Promise.resolve(ExitCode.ok);
}
