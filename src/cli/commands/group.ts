import { parseArgs } from 'node:util';
import { AuthError, isQpcError, NetworkError } from '../../lib/errors.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import type { CommandGroup } from './commandGroup.js';
import { clientOptions, clientOptionsHelp, requirePositionals, withEngine } from './clientSession.js';

const help = `Usage: qpc group <command> [options]

Commands:
  create NAME        a new MLS group (post-quantum suite X-Wing) with only you in it
  invite NAME USER   add USER: fetch their KeyPackage, commit, deliver the commit to the members and
                     a sealed Welcome to USER (needs the server)
  list               your groups: id, epoch, members, name
  members NAME       usernames and fingerprints of the members

NAME is the group's name or its id (or an id prefix of 8+ hex digits).

Options:
  --json            list and members: one JSON object a line
${clientOptionsHelp}`;

type Flags = { profile?: string | undefined; server?: string | undefined; json?: boolean | undefined };

function parse(argv: string[]): { values: Flags; positionals: string[] } {
  return parseArgs({
    args: argv,
    options: { ...clientOptions, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
}

function create(values: Flags, positionals: string[], io: CliIo): Promise<ExitCodeValue> {
  const [name = ''] = requirePositionals(positionals, 1, 'qpc group create NAME');
  return withEngine(values, {}, async ({ engine }) => {
    const group = await engine.createGroup(name);
    writeLine(io.stdout, `created ${group.name} ${group.id}`);
    return ExitCode.ok;
  });
}

function invite(values: Flags, positionals: string[], io: CliIo): Promise<ExitCodeValue> {
  const [name = '', user = ''] = requirePositionals(positionals, 2, 'qpc group invite NAME USER');
  return withEngine(values, {}, async ({ engine }) => {
    await engine.connect();
    await engine.invite(name, user);
    writeLine(io.stdout, `invited ${user.toLowerCase()} to ${name}`);
    return ExitCode.ok;
  });
}

function list(values: Flags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(values, {}, async ({ engine }) => {
    for (const group of engine.listGroups()) {
      const members = (await engine.listMembers(group.id)).length;
      if (values.json === true) {
        writeLine(
          io.stdout,
          JSON.stringify({
            id: group.id,
            name: group.name,
            epoch: group.epoch.toString(),
            members,
            ciphersuite: group.ciphersuite.name,
          }),
        );
      } else {
        writeLine(
          io.stdout,
          `${group.id.slice(0, 16)}  epoch ${group.epoch}  ${members} members  ${group.name}`,
        );
      }
    }
    return ExitCode.ok;
  });
}

function members(values: Flags, positionals: string[], io: CliIo): Promise<ExitCodeValue> {
  const [name = ''] = requirePositionals(positionals, 1, 'qpc group members NAME');
  return withEngine(values, {}, async ({ engine }) => {
    // Usernames of new members come from the directory: connect if we can, else show what is cached.
    await engine.connect().catch((error: unknown) => {
      const offline = error instanceof NetworkError || error instanceof AuthError;
      if (!offline && !(isQpcError(error) && error.code === 'NO_SERVER')) throw error;
    });
    for (const member of await engine.listMembers(name)) {
      if (values.json === true) writeLine(io.stdout, JSON.stringify(member));
      else writeLine(io.stdout, `${member.username}${member.self ? ' (you)' : ''}  ${member.fingerprint}`);
    }
    return ExitCode.ok;
  });
}

export const groupCommand: CommandGroup = {
  name: 'group',
  summary: 'MLS groups: group create|invite|list|members',
  help,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      writeLine(io.stdout, help);
      return ExitCode.ok;
    }
    const { values, positionals } = parse(rest);
    if ((values as { help?: boolean }).help === true) {
      writeLine(io.stdout, help);
      return ExitCode.ok;
    }
    switch (sub) {
      case 'create':
        return create(values, positionals, io);
      case 'invite':
        return invite(values, positionals, io);
      case 'list':
        requirePositionals(positionals, 0, 'qpc group list');
        return list(values, io);
      case 'members':
        return members(values, positionals, io);
      default:
        throw new UsageError(`unknown group command "${sub}"`, 'see qpc group --help');
    }
  },
};
