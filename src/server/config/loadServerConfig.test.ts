import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.js';
import { loadServerConfig, type LoadServerConfigInput } from './loadServerConfig.js';

const DB_KEY = 'ab'.repeat(32);

function load(partial: Partial<LoadServerConfigInput> & { files?: Record<string, string> }) {
  const files = partial.files ?? {};
  return loadServerConfig({
    argv: partial.argv ?? [],
    env: partial.env ?? { HOME: '/home/u' },
    cwd: partial.cwd ?? '/work',
    readTextFile: (path) => files[path],
  });
}

function errorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('loadServerConfig', () => {
  it('uses the documented defaults when nothing is configured', () => {
    const config = load({});
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 7443 });
    expect(config.adminListen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(config.dataDir).toBe('/home/u/.local/share/qpc-server');
    expect(config.rateLimitPerIpPerSecond).toBe(50);
    expect(config.messageMaxBytes).toBe(1048576);
    expect(config.messageTtlMs).toBe(30 * 24 * 3600 * 1000);
    expect(config.production).toBe(false);
    expect(config.configFile).toBeUndefined();
  });

  it('reads qpc-server.toml from the data dir, then lets env and flags override it', () => {
    const files = {
      '/data/qpc-server.toml':
        'listen = "0.0.0.0:1000"\nqueue_cap = 5\nmessage_ttl = "2h"\ncert = "c.pem"\nkey = "k.pem"\n',
    };
    const fromFile = load({ env: { QPC_DATA_DIR: '/data' }, files });
    expect(fromFile.listen).toEqual({ host: '0.0.0.0', port: 1000 });
    expect(fromFile.queueCap).toBe(5);
    expect(fromFile.messageTtlMs).toBe(7_200_000);
    expect(fromFile.certPath).toBe('/data/c.pem');
    expect(fromFile.configFile).toBe('/data/qpc-server.toml');

    const fromEnv = load({ env: { QPC_DATA_DIR: '/data', QPC_LISTEN: '[::1]:2000' }, files });
    expect(fromEnv.listen).toEqual({ host: '::1', port: 2000 });

    const fromFlag = load({
      argv: ['--listen', '127.0.0.1:3000'],
      env: { QPC_DATA_DIR: '/data', QPC_LISTEN: '[::1]:2000' },
      files,
    });
    expect(fromFlag.listen).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(fromFlag.queueCap).toBe(5);
  });

  it('reads --config FILE relative to the working directory', () => {
    const config = load({
      argv: ['--config', 'etc/server.toml'],
      files: { '/work/etc/server.toml': 'data_dir = "../var"\nlog_level = "debug"\n' },
    });
    expect(config.dataDir).toBe('/work/var');
    expect(config.logLevel).toBe('debug');
  });

  it('names the bad key in every validation error', () => {
    expect(errorOf(() => load({ env: { QPC_LISTEN: 'localhost' } })).message).toBe(
      'QPC_LISTEN: expected HOST:PORT (IPv6 in brackets: [::1]:7443)',
    );
    expect(errorOf(() => load({ argv: ['--queue-cap', '0'] })).message).toMatch(/^--queue-cap: /);
    expect(errorOf(() => load({ env: { QPC_DB_KEY: 'abcd' } })).message).toMatch(/^QPC_DB_KEY: /);
    expect(errorOf(() => load({ env: { QPC_MESSAGE_TTL: '3 weeks' } })).message).toMatch(
      /^QPC_MESSAGE_TTL: /,
    );
    const fileError = errorOf(() =>
      load({ env: { QPC_DATA_DIR: '/d' }, files: { '/d/qpc-server.toml': 'colour = "blue"\n' } }),
    );
    expect(fileError.message).toBe('colour (in /d/qpc-server.toml): unknown key');
    expect(errorOf(() => load({ argv: ['--bogus'] })).code).toBe('CONFIG_INVALID');
  });

  it('fails when --config names a file that does not exist', () => {
    expect(errorOf(() => load({ argv: ['--config', '/nope.toml'] })).message).toMatch(/^--config: /);
  });

  it('requires certificate and key together', () => {
    expect(errorOf(() => load({ env: { QPC_CERT: '/c.pem' } })).message).toMatch(/^QPC_KEY: /);
  });

  it('takes an admin token of 16 characters or more, in every mode', () => {
    expect(load({ env: { QPC_ADMIN_TOKEN: 'a'.repeat(16) } }).adminToken).toBe('a'.repeat(16));
    expect(load({ env: {} }).adminToken).toBeUndefined();
    const short = errorOf(() => load({ env: { QPC_ADMIN_TOKEN: 'a'.repeat(15) } }));
    expect(short.message).toMatch(/^QPC_ADMIN_TOKEN: /);
    expect(short.code).toBe('CONFIG_INVALID');
  });

  describe('production mode', () => {
    const complete = { QPC_CERT: '/c.pem', QPC_KEY: '/k.pem', QPC_DB_KEY: DB_KEY, QPC_PRODUCTION: '1' };

    it('starts when everything is configured', () => {
      const config = load({ env: { ...complete, QPC_AUTH_TOKEN: 'x'.repeat(16) } });
      expect(config.production).toBe(true);
      expect(config.dbKeyHex).toBe(DB_KEY);
    });

    it('is also switched on by --production', () => {
      const error = errorOf(() => load({ argv: ['--production'] }));
      expect(error.code).toBe('CONFIG_PRODUCTION');
    });

    it('refuses a missing certificate, a missing db key and a short auth token', () => {
      const { QPC_CERT: _c, QPC_KEY: _k, ...noCert } = complete;
      expect(errorOf(() => load({ env: noCert })).message).toMatch(/^QPC_CERT: /);
      const { QPC_DB_KEY: _d, ...noDbKey } = complete;
      expect(errorOf(() => load({ env: noDbKey })).message).toMatch(/^QPC_DB_KEY: /);
      const shortToken = errorOf(() => load({ env: { ...complete, QPC_AUTH_TOKEN: 'x'.repeat(15) } }));
      expect(shortToken.message).toMatch(/^QPC_AUTH_TOKEN: /);
      expect(shortToken.code).toBe('CONFIG_PRODUCTION');
    });
  });
});
