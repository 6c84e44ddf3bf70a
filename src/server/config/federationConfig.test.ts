import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './loadServerConfig.js';

const base = { env: { HOME: '/h' }, cwd: '/w', readTextFile: () => undefined };

describe('federation certificate settings', () => {
  it('are read from flags and the environment and resolved against the working directory', () => {
    const config = loadServerConfig({
      ...base,
      argv: ['--federation-cert', 'fed.pem'],
      env: { ...base.env, QPC_FEDERATION_KEY: '/keys/fed-key.pem' },
    });
    expect(config.federationCertPath).toBe('/w/fed.pem');
    expect(config.federationKeyPath).toBe('/keys/fed-key.pem');
  });

  it('must come as a pair', () => {
    expect(() => loadServerConfig({ ...base, argv: ['--federation-cert', 'fed.pem'] })).toThrow(
      /QPC_FEDERATION_KEY/,
    );
  });
});
