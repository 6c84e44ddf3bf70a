/**
 * Settings a person edits (theme, notifications, default server, time format), kept in a plain JSON file
 * apart from the encrypted profile, which keeps the secrets. The file is read through `conf` (atomic
 * writes) and every value is checked with zod: a hand-edited mistake is reported with the file's path
 * and the key, never silently replaced. Where the file lives: QPC_CONFIG_DIR, else
 * $XDG_CONFIG_HOME/quicprochat, else ~/.config/quicprochat (config.json).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';
import { parseServerAddress } from '../net/serverAddress.js';

const CONFIG_NAME = 'config';

export const SettingsErrorCode = {
  /** The file is not JSON, or a value in it breaks the schema. */
  invalid: 'SETTINGS_INVALID',
  /** `qpc config get|set` with a key that is not a setting. */
  unknownKey: 'SETTINGS_UNKNOWN_KEY',
  /** `qpc config set` with a value the setting does not take. */
  badValue: 'SETTINGS_BAD_VALUE',
} as const;

const serverText = z.string().refine(
  (text) => {
    if (text === '') return true;
    try {
      parseServerAddress(text);
      return true;
    } catch {
      // parseServerAddress's error is reported as this refinement's message.
      return false;
    }
  },
  { message: 'HOST:PORT, or empty for the local server' },
);

export const userSettingsSchema = z.object({
  /**
   * Colours of the full-screen client: `auto` and `dark` for a dark background, `light` for a light one,
   * `high-contrast` bright colours and bold borders, `mono` no colour at all (bold and reverse stay).
   */
  theme: z.enum(['auto', 'dark', 'light', 'high-contrast', 'mono']).default('auto'),
  /**
   * For a message in a group that is not open: nothing, the terminal bell, or a desktop notification;
   * `auto` is the bell, and nothing in NO_COLOR (minimal) mode, where a person asked for a quiet terminal.
   */
  notifications: z.enum(['auto', 'off', 'bell', 'desktop']).default('auto'),
  /** The server a new profile uses (HOST:PORT); empty: the local server on 127.0.0.1:7443. */
  defaultServer: serverText.default(''),
  /** Clock times in the client: 24-hour (14:05) or 12-hour (2:05 PM). */
  timeFormat: z.enum(['24h', '12h']).default('24h'),
  /**
   * Minutes without a key press before the full-screen client locks itself; 0 or `off`: never. `off` is
   * stored as 0, so whatever reads the setting sees a number either way.
   */
  autoLockMinutes: z
    .preprocess(
      (value) => (typeof value === 'string' && value.trim().toLowerCase() === 'off' ? 0 : value),
      z.coerce.number().int().min(0).max(1440),
    )
    .default(15),
});

export type UserSettings = z.infer<typeof userSettingsSchema>;
export type UserSettingKey = keyof UserSettings;
export const userSettingKeys = Object.keys(userSettingsSchema.shape) as UserSettingKey[];

/** What each setting takes, for `qpc config list` and the docs. */
export const userSettingChoices: Record<UserSettingKey, string> = {
  theme: 'auto | dark | light | high-contrast | mono',
  notifications: 'auto | off | bell | desktop',
  defaultServer: 'HOST:PORT, or empty for the local server',
  timeFormat: '24h | 12h',
  autoLockMinutes: 'minutes idle before the client locks (0-1440), or off (same as 0: never)',
};

export function userSettingsDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.QPC_CONFIG_DIR !== undefined && env.QPC_CONFIG_DIR !== '') return env.QPC_CONFIG_DIR;
  const configHome =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ''
      ? env.XDG_CONFIG_HOME
      : join(homedir(), '.config');
  return join(configHome, 'quicprochat');
}

function isUserSettingKey(key: string): key is UserSettingKey {
  return (userSettingKeys as string[]).includes(key);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ');
}

/** The settings file: read, checked, and written one key at a time. */
export class UserSettingsFile {
  readonly path: string;
  private conf: Conf<Record<string, unknown>> | undefined;

  constructor(private readonly dir: string = userSettingsDir()) {
    this.path = join(dir, `${CONFIG_NAME}.json`);
  }

  /** conf reads the file as it is created: a file that is not JSON is reported here. */
  private open(): Conf<Record<string, unknown>> {
    try {
      this.conf ??= new Conf<Record<string, unknown>>({
        projectName: 'quicprochat',
        projectSuffix: '',
        cwd: this.dir,
        configName: CONFIG_NAME,
        // A file a person edits by hand: a mistake is reported, never cleared.
        clearInvalidConfig: false,
        accessPropertiesByDotNotation: false,
      });
      return this.conf;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new ValidationError(SettingsErrorCode.invalid, `${this.path} is not valid JSON`, {
        hint: 'fix or delete the file; qpc config list shows the settings and their defaults',
        cause: error,
      });
    }
  }

  /** Every setting, defaults filled in. Throws SETTINGS_INVALID naming the file and the key. */
  read(): UserSettings {
    const raw: unknown = this.open().store;
    const parsed = userSettingsSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ValidationError(SettingsErrorCode.invalid, `${this.path}: ${describeIssues(parsed.error)}`, {
        hint: 'fix the value, or reset it: qpc config set KEY VALUE',
      });
    }
    return parsed.data;
  }

  get(key: string): UserSettings[UserSettingKey] {
    return this.read()[checkedKey(key)];
  }

  /** Checks `value` against the setting's rule, then writes it (the other keys are kept as they are). */
  set(key: string, value: string): UserSettings[UserSettingKey] {
    const name = checkedKey(key);
    const parsed = userSettingsSchema.shape[name].safeParse(value);
    if (!parsed.success) {
      throw new ValidationError(
        SettingsErrorCode.badValue,
        `${name} takes ${userSettingChoices[name]}, not "${value}"`,
      );
    }
    this.open().set(name, parsed.data);
    return parsed.data;
  }
}

function checkedKey(key: string): UserSettingKey {
  if (!isUserSettingKey(key)) {
    throw new ValidationError(SettingsErrorCode.unknownKey, `"${key}" is not a setting`, {
      hint: `the settings are ${userSettingKeys.join(', ')}`,
    });
  }
  return key;
}

/** The settings with defaults filled in; throws SETTINGS_INVALID when the file breaks the rules. */
export function loadUserSettings(dir?: string): UserSettings {
  return new UserSettingsFile(dir).read();
}
