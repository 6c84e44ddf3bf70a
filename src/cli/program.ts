/**
 * Every `qpc` command, its arguments, options and help, defined once (commander). An action is a thin
 * call into a handler in ./commands/*.ts, loaded only when that command runs, so `qpc --help` loads
 * neither ts-mls nor Ink, and `qpc send` no Ink or React.
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { ExitCodeValue } from './exitCodes.js';
import type { CliIo } from './io.js';
import type { ClientFlags } from './commands/clientSession.js';
import { packageVersion } from './version.js';
import { localServerAddress } from './localServer.js';
import { addKeyLifecycleCommands, addShowRecoveryCommand } from './keyLifecycleCommands.js';

/** What an action gives back: its exit code. */
export type Finish = (code: ExitCodeValue) => void;

const rootHelpAfter = `
With no command, in a terminal, qpc opens the full-screen client (see qpc tui --help).
Global options go before or after the command: qpc --profile DIR whoami = qpc whoami --profile DIR.

Store key: QPC_STORE_KEY (64 hex digits, raw key) if set, else the OS keychain, else a passphrase
(QPC_PASSPHRASE, or asked in a terminal).
Settings (theme, notifications, default server, time format): qpc config list.
Exit codes: 0 ok, 1 unexpected failure, 2 bad usage or input, 3 authentication (also: changed server
certificate), 4 network.`;

/** The global options, as the handlers' ClientFlags. */
function flagsOf(command: { optsWithGlobals(): object }): ClientFlags {
  const all = command.optsWithGlobals() as {
    profile?: string;
    server?: string;
    sealedSender?: boolean;
  };
  return {
    profile: all.profile,
    server: all.server,
    'no-sealed-sender': all.sealedSender === false ? true : undefined,
    'sealed-sender': all.sealedSender === true ? true : undefined,
  };
}

export function createProgram(io: CliIo, finish: Finish): Command {
  const program = new Command('qpc')
    .description('quicprochat: end-to-end encrypted group chat for the terminal')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--profile <dir>', 'profile directory (default: QPC_HOME, else $XDG_DATA_HOME/quicprochat)')
    .option('--server <host:port>', 'server address; remembered in the profile after the first use')
    .addOption(
      new Option('--no-sealed-sender', 'send with the sender known to the server (saved in the profile)'),
    )
    .addOption(new Option('--sealed-sender', 'turn sealed sending back on (the default)'))
    .addHelpText('after', rootHelpAfter)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`qpc: ${text.replace(/^error: /u, '')}`),
    });

  program.action(async (_options, command) => {
    if (command.args.length > 0) {
      command.error(`unknown command '${command.args[0]}' (see qpc --help)`, {
        exitCode: 2,
        code: 'commander.unknownCommand',
      });
    }
    const terminal = io.stdin.isTTY === true && (io.stdout as { isTTY?: boolean }).isTTY === true;
    if (!terminal) {
      // Through a pipe there is nothing to draw on: a bare `qpc` is a request for help.
      program.outputHelp();
      return finish(0);
    }
    finish(await (await import('./commands/tui.js')).tui(flagsOf(command)));
  });

  program
    .command('tui')
    .description('the full-screen client (also: qpc with no command)')
    .addHelpText(
      'after',
      `
The first run asks for the server, creates your account and shows your 24-word recovery phrase once;
later runs unlock the profile and log in. Default server: the default from qpc config, else the local
server ${localServerAddress}, started in the background when none answers. Keys inside the client:
press ? (see docs/tui.md).`,
    )
    .action(async (_options, command) => {
      finish(await (await import('./commands/tui.js')).tui(flagsOf(command)));
    });

  addAccountCommands(program, io, finish);
  addGroupCommands(program, io, finish);
  addMessageCommands(program, io, finish);
  addTrustCommands(program, io, finish);
  addKeysCommands(program, io, finish);
  addConfigCommands(program, io, finish);
  addKeyLifecycleCommands(program, io, finish, flagsOf);
  // Only the root takes extra words, to report an unknown command itself (set last: subcommands copy
  // the root's settings when they are created, and must refuse extra arguments).
  program.allowExcessArguments(true);
  // The root has an action (the full-screen client), so commander would not add `qpc help CMD` itself.
  program.helpCommand(true);
  return program;
}

function addAccountCommands(program: Command, io: CliIo, finish: Finish): void {
  const account = program
    .command('account')
    .description('register, log in or restore (OPAQUE: the password never leaves this machine)');
  account
    .command('register')
    .description(
      'create the profile (24-word identity, hybrid key, encrypted store), register USER on the server, log in, publish KeyPackages',
    )
    .argument('<user>', 'the username to register (3-32 of a-z 0-9 _ . -)')
    .option(
      '--password-stdin',
      'read the password from stdin (without it, a terminal asks; never from arguments)',
    )
    .option(
      '--show-recovery-words',
      'print the 24 recovery words on stdout (also after a retry); without it they wait in the profile until the full-screen qpc shows them',
    )
    .action(async (user, options, command) => {
      finish(await (await import('./commands/account.js')).register(user, options, flagsOf(command), io));
    });
  account
    .command('login')
    .description('log in again (a new session token, kept in the encrypted profile)')
    .argument('<user>', 'your username')
    .option(
      '--password-stdin',
      'read the password from stdin (without it, a terminal asks; never from arguments)',
    )
    .action(async (user, options, command) => {
      finish(await (await import('./commands/account.js')).login(user, options, flagsOf(command), io));
    });
  account
    .command('restore')
    .description(
      'a new profile for an existing account: the identity from its 24 recovery words, OPAQUE login, a fresh hybrid key and fresh KeyPackages',
    )
    .argument('<user>', 'your username')
    .requiredOption('--words-file <file>', 'the file holding the 24 recovery words (separated by spaces)')
    .option(
      '--password-stdin',
      'read the password from stdin (without it, a terminal asks; never from arguments)',
    )
    .action(async (user, options, command) => {
      finish(await (await import('./commands/account.js')).restore(user, options, flagsOf(command), io));
    });
  account
    .command('password')
    .description("change the account password (OPAQUE re-registration); the account's other sessions end")
    .option('--password-stdin', 'read the current then the new password, one per line, from stdin')
    .action(async (options, command) => {
      finish(
        await (await import('./commands/accountPassword.js')).changePassword(options, flagsOf(command), io),
      );
    });
  program
    .command('logout')
    .description('end the session: the server revokes its token and this profile forgets it')
    .action(async (_options, command) => {
      finish(await (await import('./commands/account.js')).logout(flagsOf(command), io));
    });
  program
    .command('whoami')
    .description("this profile's username, identity fingerprint, store key source and server (offline)")
    .option('--json', 'one JSON object: {"username","fingerprint","keySource","server"}')
    .action(async (options, command) => {
      finish(await (await import('./commands/whoami.js')).whoami(options, flagsOf(command), io));
    });
  program
    .command('server')
    .description('the server as this profile knows it')
    .command('repin')
    .description(
      'forget the pinned certificate of the server (--server, or the saved one); the next connection pins what the server shows. Only after the operator said it changed on purpose: compare its SHA-256 with theirs',
    )
    .action(async (_options, command) => {
      finish(await (await import('./commands/server.js')).repin(flagsOf(command), io));
    });
}

function addGroupCommands(program: Command, io: CliIo, finish: Finish): void {
  const group = program
    .command('group')
    .description('MLS groups')
    .addHelpText('after', "\nNAME is the group's name or its id (or an id prefix of 8+ hex digits).");
  const load = () => import('./commands/group.js');
  group
    .command('create')
    .description('a new MLS group (post-quantum suite X-Wing) with only you in it')
    .argument('<name>')
    .action(async (name, _options, command) => {
      finish(await (await load()).create(name, flagsOf(command), io));
    });
  group
    .command('invite')
    .description('add USER: a commit to the members and a sealed Welcome to USER')
    .argument('<name>')
    .argument('<user>')
    .action(async (name, user, _options, command) => {
      finish(await (await load()).invite(name, user, flagsOf(command), io));
    });
  group
    .command('kick')
    .description('remove USER in a commit: they read nothing sent after it')
    .argument('<name>')
    .argument('<user>')
    .action(async (name, user, _options, command) => {
      finish(await (await load()).kick(name, user, flagsOf(command), io));
    });
  group
    .command('leave')
    .description('ask the members to remove you, and forget the group here')
    .argument('<name>')
    .action(async (name, _options, command) => {
      finish(await (await load()).leave(name, flagsOf(command), io));
    });
  group
    .command('rotate')
    .description('replace your key in the group now (an update commit; also done on a schedule)')
    .argument('<name>')
    .action(async (name, _options, command) => {
      finish(await (await load()).rotate(name, flagsOf(command), io));
    });
  group
    .command('list')
    .description('your groups: id, epoch, members, name')
    .option('--json', 'one JSON object a line')
    .action(async (options, command) => {
      finish(await (await load()).list(options, flagsOf(command), io));
    });
  group
    .command('members')
    .description('usernames and fingerprints of the members')
    .argument('<name>')
    .option('--json', 'one JSON object a line')
    .action(async (name, options, command) => {
      finish(await (await load()).members(name, options, flagsOf(command), io));
    });
  const loadInvites = () => import('./commands/groupInvites.js');
  group
    .command('invites')
    .description('invites waiting for you to accept or decline: id, group, inviter')
    .option('--json', 'one JSON object a line: {"id","group","inviter","time"}')
    .option(
      '--policy <policy>',
      'which invites join at once: all (the default), verified (from verified contacts), none (ask for every one)',
    )
    .action(async (options, command) => {
      finish(await (await loadInvites()).invites(options, flagsOf(command), io));
    });
  group
    .command('accept')
    .description('join the group of a waiting invite (ID from qpc group invites, or the group name)')
    .argument('<invite>')
    .action(async (reference, _options, command) => {
      finish(await (await loadInvites()).accept(reference, flagsOf(command), io));
    });
  group
    .command('decline')
    .description('delete a waiting invite without joining (the inviter is not told)')
    .argument('<invite>')
    .action(async (reference, _options, command) => {
      finish(await (await loadInvites()).decline(reference, flagsOf(command), io));
    });
}

function addMessageCommands(program: Command, io: CliIo, finish: Finish): void {
  program
    .command('send')
    .description(
      'encrypt TEXT for the group NAME and send it; without a server it waits in the outbox and goes out, once, on the next connection. Prints "sent ID" or "queued ID"',
    )
    .argument('<name>', "the group's name or id")
    .argument('<text>', 'the message')
    .action(async (name, text, _options, command) => {
      finish(await (await import('./commands/send.js')).send(name, text, flagsOf(command), io));
    });
  program
    .command('receive')
    .description(
      'connect, catch up, and print every received message not printed before by this profile, oldest first',
    )
    .option('--wait <seconds>', 'with nothing new, wait up to this long for a message', '0')
    .option('--json', 'one JSON object a line: {"group","groupId","sender","fingerprint","text","time","id"}')
    .option(
      '--follow',
      'stay connected; one JSON line per event: "type" message, members, keyChanged, groupRemoved, connection (ends on Ctrl-C or SIGTERM)',
    )
    .action(async (options, command) => {
      finish(await (await import('./commands/receive.js')).receive(options, flagsOf(command), io));
    });
  program
    .command('history')
    .description('the messages of a group stored in this profile, oldest first (offline)')
    .argument('<name>', "the group's name or id")
    .option('--json', 'one JSON object a line')
    .option('--limit <n>', 'the newest N messages', '50')
    .action(async (name, options, command) => {
      finish(await (await import('./commands/history.js')).history(name, options, flagsOf(command), io));
    });
}

function addTrustCommands(program: Command, io: CliIo, finish: Finish): void {
  const proof = program
    .command('proof')
    .description("the server's signed delivery proofs of a message you sent (ids: qpc history --json)");
  proof
    .command('show')
    .description(
      'the stored proofs, one per recipient, checked with the signing keys already known (offline)',
    )
    .argument('<message-id>')
    .option('--json', 'one JSON object a line')
    .action(async (messageId, options, command) => {
      finish(await (await import('./commands/proof.js')).showProof(messageId, options, flagsOf(command), io));
    });
  proof
    .command('verify')
    .description(
      "check every proof against the server's published keys (current and retired); exit 1 if one fails",
    )
    .argument('<message-id>')
    .option('--json', 'one JSON object a line')
    .action(async (messageId, options, command) => {
      finish(
        await (await import('./commands/proof.js')).verifyProof(messageId, options, flagsOf(command), io),
      );
    });
  program
    .command('safety-number')
    .description(
      'the safety number you share with USER (12 groups of 5 digits and a QR code): compare it over a channel you trust, then qpc verify USER',
    )
    .argument('<user>')
    .option('--json', '{"username","groups","verification"}')
    .action(async (user, options, command) => {
      finish(await (await import('./commands/verify.js')).safetyNumber(user, options, flagsOf(command), io));
    });
  program
    .command('verify')
    .description(
      'mark USER\'s current key verified after comparing safety numbers; asks "do the numbers match? [y/N]" unless --yes',
    )
    .argument('<user>')
    .option('--yes', 'the numbers match: do not ask')
    .option(
      '--acknowledge',
      "accept USER's changed key (sending to groups with them is held until then; the new key is unverified)",
    )
    .action(async (user, options, command) => {
      finish(await (await import('./commands/verify.js')).verify(user, options, flagsOf(command), io));
    });
}

function addKeysCommands(program: Command, io: CliIo, finish: Finish): void {
  const keys = program
    .command('keys')
    .description('identity keys from a BIP39 mnemonic (SLIP-0010 ed25519); secrets come from stdin')
    .addHelpText('after', "\nThe identity key is at m/44'/4242'/0'/0' (see qpc keys derive --help).");
  const load = () => import('./commands/keys.js');
  keys
    .command('new')
    .description('print a fresh mnemonic')
    .option('--words <count>', '12 or 24', '24')
    .action(async (options) => finish(await (await load()).keysNew(options, io)));
  keys
    .command('seed')
    .description('read a mnemonic on stdin, print its 64-byte BIP39 seed in hex')
    .option(
      '--passphrase <p>',
      'BIP39 passphrase ("25th word"); visible to other local users in the process list',
      '',
    )
    .action(async (options) => finish(await (await load()).keysSeed(options, io)));
  keys
    .command('derive')
    .description(
      'read a mnemonic (or, with --seed-hex, a hex seed) on stdin and print {"path","chainCode","privateKey","publicKey"} as JSON (hex); only hardened indexes (44\' or 44h)',
    )
    .option('--path <path>', "derivation path, such as m/44'/4242'/0'/0'")
    .option('--seed-hex', 'stdin holds a hex seed instead of a mnemonic')
    .option('--passphrase <p>', 'BIP39 passphrase ("25th word")', '')
    .action(async (options) => finish(await (await load()).keysDerive(options, io)));
  const loadRotation = () => import('./commands/keyRotation.js');
  keys
    .command('rotate-hybrid')
    .description(
      'replace the hybrid key Welcomes and sealed messages are sealed to (also on a schedule: qpc keys schedule)',
    )
    .action(async (_options, command) =>
      finish(await (await loadRotation()).rotateHybrid(flagsOf(command), io)),
    );
  keys
    .command('rotate-access')
    .description(
      'replace your sealed-sender access key (also when a member leaves a group of yours, and weekly)',
    )
    .action(async (_options, command) =>
      finish(await (await loadRotation()).rotateAccess(flagsOf(command), io)),
    );
  keys
    .command('schedule')
    .description('show or change how often keys rotate by themselves, in days (0: never)')
    .option('--hybrid-days <n>', 'hybrid key: rotate when older than this (default 30)')
    .option('--grace-days <n>', 'keep a replaced hybrid private key this long, then wipe it (default 7)')
    .option('--access-days <n>', 'sealed-sender access key: rotate when older than this (default 7)')
    .option('--json', 'print the schedule as JSON')
    .action(async (options, command) =>
      finish(await (await loadRotation()).schedule(options, flagsOf(command), io)),
    );
  addShowRecoveryCommand(keys, io, finish, flagsOf);
}

function addConfigCommands(program: Command, io: CliIo, finish: Finish): void {
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
