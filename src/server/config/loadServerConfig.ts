import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { ValidationError } from '../../lib/errors.js';
import { configError, parseNonEmptyText } from './parseConfigValues.js';
import {
  CONFIG_FILE_NAME,
  DEFAULT_CONFIG,
  MIN_ADMIN_TOKEN_LENGTH,
  MIN_PRODUCTION_AUTH_TOKEN_LENGTH,
  SETTINGS,
  type ConfigurableKey,
  type ServerConfig,
  type SettingSpec,
} from './serverConfig.js';
import { ServerErrorCode } from '../serverErrors.js';

export interface LoadServerConfigInput {
  /** Command-line arguments after the program name (process.argv.slice(2)). */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Reads a text file, or returns undefined when it does not exist. Injected so that tests touch no disk. */
  readTextFile?: (path: string) => string | undefined;
}

/**
 * Merge `qpc-server.toml` (in the data dir, or `--config FILE`), QPC_* environment variables and flags,
 * in that order of increasing precedence, then validate. Throws ValidationError (code CONFIG_INVALID or
 * CONFIG_PRODUCTION) whose message starts with the offending key.
 */
export function loadServerConfig(input: LoadServerConfigInput): ServerConfig {
  const readTextFile = input.readTextFile ?? readTextFileIfPresent;
  const flags = parseFlags(input.argv);
  const values = new Map<ConfigurableKey, unknown>();

  // The data dir must be known before its own TOML file can be read, so resolve it from flags and env first.
  const dataDirFromArgs = valueFrom(flags, input.env, input.cwd, specFor('dataDir'));
  const explicitConfig = flags.get('config');
  const configFile =
    typeof explicitConfig === 'string'
      ? resolve(input.cwd, parseNonEmptyText(explicitConfig, '--config'))
      : join(
          (dataDirFromArgs as string | undefined) ?? defaultDataDir(input.env, input.cwd),
          CONFIG_FILE_NAME,
        );
  const tomlText = readTextFile(configFile);
  if (tomlText === undefined && typeof explicitConfig === 'string') {
    throw configError('--config', `cannot read ${configFile}`);
  }
  if (tomlText !== undefined) {
    readTomlInto(values, tomlText, configFile, typeof explicitConfig === 'string');
  }

  for (const spec of SETTINGS) {
    const value = valueFrom(flags, input.env, input.cwd, spec);
    if (value !== undefined) values.set(spec.key, value);
  }

  const config: ServerConfig = {
    ...DEFAULT_CONFIG,
    listen: { ...DEFAULT_CONFIG.listen },
    adminListen: { ...DEFAULT_CONFIG.adminListen },
    dataDir: defaultDataDir(input.env, input.cwd),
    configFile: tomlText === undefined ? undefined : configFile,
    certPath: undefined,
    keyPath: undefined,
    federationCertPath: undefined,
    federationKeyPath: undefined,
    dbKeyHex: undefined,
    authToken: undefined,
    adminToken: undefined,
  };
  for (const [key, value] of values) (config as unknown as Record<string, unknown>)[key] = value;
  validateConfig(config);
  return config;
}

function readTextFileIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** $XDG_DATA_HOME/qpc-server, else ~/.local/share/qpc-server, else ./qpc-server-data. */
export function defaultDataDir(env: LoadServerConfigInput['env'], cwd: string): string {
  const xdg = env.XDG_DATA_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'qpc-server');
  const home = env.HOME;
  if (home !== undefined && isAbsolute(home)) return join(home, '.local', 'share', 'qpc-server');
  return join(cwd, 'qpc-server-data');
}

function specFor(key: ConfigurableKey): SettingSpec {
  const spec = SETTINGS.find((candidate) => candidate.key === key);
  if (spec === undefined) throw new Error(`no setting ${key}`);
  return spec;
}

function parseFlags(argv: readonly string[]): Map<string, string | boolean> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { config: { type: 'string' } };
  for (const spec of SETTINGS) {
    if (spec.flag !== undefined)
      options[spec.flag] = { type: spec.booleanFlag === true ? 'boolean' : 'string' };
  }
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return new Map(
      Object.entries(values).filter((entry): entry is [string, string | boolean] => entry[1] !== undefined),
    );
  } catch (error) {
    throw new ValidationError(ServerErrorCode.configInvalid, `command line: ${(error as Error).message}`, {
      hint: 'Run qpc-server --help for the list of flags.',
      cause: error,
    });
  }
}

/** The flag beats the environment variable; paths are resolved against the working directory. */
function valueFrom(
  flags: Map<string, string | boolean>,
  env: LoadServerConfigInput['env'],
  cwd: string,
  spec: SettingSpec,
): unknown {
  const flagValue = spec.flag === undefined ? undefined : flags.get(spec.flag);
  if (flagValue !== undefined) return finish(spec.parse(flagValue, `--${spec.flag}`), spec, cwd);
  const envValue = env[spec.env];
  if (envValue !== undefined && envValue !== '') return finish(spec.parse(envValue, spec.env), spec, cwd);
  return undefined;
}

function finish(value: unknown, spec: SettingSpec, base: string): unknown {
  return spec.isPath === true && typeof value === 'string' ? resolve(base, value) : value;
}

function readTomlInto(
  values: Map<ConfigurableKey, unknown>,
  text: string,
  file: string,
  explicit: boolean,
): void {
  let table: Record<string, unknown>;
  try {
    table = parseToml(text);
  } catch (error) {
    throw new ValidationError(
      ServerErrorCode.configInvalid,
      `${file}: not valid TOML (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  for (const [tomlKey, raw] of Object.entries(table)) {
    const spec = SETTINGS.find((candidate) => candidate.toml === tomlKey);
    const label = `${tomlKey} (in ${file})`;
    if (spec === undefined) throw configError(label, 'unknown key');
    if (spec.key === 'dataDir' && !explicit) {
      throw configError(label, 'data_dir can only be set in a file given with --config');
    }
    values.set(spec.key, finish(spec.parse(raw, label), spec, dirname(file)));
  }
}

function validateConfig(config: ServerConfig): void {
  if ((config.certPath === undefined) !== (config.keyPath === undefined)) {
    const missing = config.certPath === undefined ? 'QPC_CERT' : 'QPC_KEY';
    throw configError(missing, 'the certificate and the private key must be configured together');
  }
  if ((config.federationCertPath === undefined) !== (config.federationKeyPath === undefined)) {
    const missing = config.federationCertPath === undefined ? 'QPC_FEDERATION_CERT' : 'QPC_FEDERATION_KEY';
    throw configError(missing, 'the federation certificate and its private key must be configured together');
  }
  if (config.adminToken !== undefined && config.adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw configError('QPC_ADMIN_TOKEN', `needs at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
  if (!config.production) return;
  const refuse = (key: string, why: string): never => {
    throw new ValidationError(ServerErrorCode.configProduction, `${key}: ${why}`, {
      hint: 'Production mode refuses development defaults. See docs/server.md, "Production".',
    });
  };
  if (config.certPath === undefined) refuse('QPC_CERT', 'production mode needs a configured certificate');
  if (config.dbKeyHex === undefined) refuse('QPC_DB_KEY', 'production mode needs a database key');
  if (config.authToken !== undefined && config.authToken.length < MIN_PRODUCTION_AUTH_TOKEN_LENGTH) {
    refuse('QPC_AUTH_TOKEN', `production mode needs at least ${MIN_PRODUCTION_AUTH_TOKEN_LENGTH} characters`);
  }
}
