import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './loadServerConfig.js';
import { SETTINGS } from './serverConfig.js';

// The example files and docs/server.md are checked against the settings table so they stay true.
const root = join(import.meta.dirname, '..', '..', '..');

describe('configuration examples', () => {
  it('.env.example lists every variable, and only known ones', () => {
    const text = readFileSync(join(root, '.env.example'), 'utf8');
    const listed = [...text.matchAll(/^(QPC_[A-Z_]+)=/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual(SETTINGS.map((setting) => setting.env).sort());
  });

  it('qpc-server.toml.example loads and gives the defaults', () => {
    const path = join(root, 'qpc-server.toml.example');
    const fromExample = loadServerConfig({ argv: ['--config', path], env: { HOME: '/h' }, cwd: root });
    const defaults = loadServerConfig({
      argv: [],
      env: { HOME: '/h' },
      cwd: root,
      readTextFile: () => undefined,
    });
    expect({ ...fromExample, configFile: undefined }).toEqual(defaults);
  });

  it('docs/server.md documents every variable, TOML key and flag', () => {
    const text = readFileSync(join(root, 'docs', 'server.md'), 'utf8');
    for (const setting of SETTINGS) {
      expect(text).toContain(`\`${setting.env}\``);
      expect(text).toContain(`\`${setting.toml}\``);
      if (setting.flag !== undefined) expect(text).toContain(`\`--${setting.flag}\``);
    }
  });
});
