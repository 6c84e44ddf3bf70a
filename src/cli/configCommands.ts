/**
 * `qpc config list|get|set|path`, defined like every command of ./program (which adds them). Handlers load on use.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from './io.js';
import type { Finish } from './commandFlags.js';

export function addConfigCommands(program: Command, io: CliIo, finish: Finish): void {
  const config = program
    .command('config')
    .description(
      'settings a person edits (theme, notifications, defaultServer, timeFormat), kept in a plain file',
    )
    .addHelpText(
      'after',
      '\nThe file: QPC_CONFIG_DIR/config.json, else $XDG_CONFIG_HOME/quicprochat/config.json (~/.config/...).',
    );
  const load = () => import('./commands/config.js');
  config
    .command('list')
    .description('every setting with its value and what it takes')
    .option('--json', 'one JSON object')
    .action(async (options) => finish(await (await load()).configList(options, io)));
  config
    .command('get')
    .description('print one setting')
    .argument('<key>')
    .action(async (key) => finish(await (await load()).configGet(key, io)));
  config
    .command('set')
    .description('change one setting (checked before it is written)')
    .argument('<key>')
    .argument('<value>')
    .action(async (key, value) => finish(await (await load()).configSet(key, value, io)));
  config
    .command('path')
    .description('print where the settings file is')
    .action(async () => finish(await (await load()).configPath(io)));
}
