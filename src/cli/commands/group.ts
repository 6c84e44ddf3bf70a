/** `qpc group ...`: handlers behind the definitions in ../program. NAME is a group's name, id or id prefix. */
import { AuthError, isQpcError, NetworkError } from '../../lib/errors.js';
import { ExitCode, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import { withEngine, type ClientFlags } from './clientSession.js';
import { EngineErrorCode } from '../../engine/engineErrors.js';

interface JsonOption {
  json?: boolean | undefined;
}

export function create(name: string, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    const group = await engine.createGroup(name);
    writeLine(io.stdout, `created ${group.name} ${group.id}`);
    return ExitCode.ok;
  });
}

export function invite(name: string, user: string, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.connect();
    await engine.invite(name, user);
    writeLine(io.stdout, `invited ${user.toLowerCase()} to ${name}`);
    return ExitCode.ok;
  });
}

/** Removes USER from the group in a commit (their keys leave the tree: they read nothing after it). */
export function kick(name: string, user: string, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.connect();
    await engine.kick(name, user);
    writeLine(io.stdout, `removed ${user.toLowerCase()} from ${name}`);
    return ExitCode.ok;
  });
}

/** Asks the members to remove us, then forgets the group here. */
export function leave(name: string, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.connect();
    await engine.leave(name);
    writeLine(io.stdout, `left ${name}`);
    return ExitCode.ok;
  });
}

/** A commit with a fresh leaf key (post-compromise security), now rather than on the schedule. */
export function rotate(name: string, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.connect();
    await engine.selfUpdate(name);
    const group = engine.listGroups().find((candidate) => candidate.id === name || candidate.name === name);
    writeLine(io.stdout, `rotated our key in ${name}${group === undefined ? '' : ` (epoch ${group.epoch})`}`);
    return ExitCode.ok;
  });
}

export function list(options: JsonOption, flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    for (const group of engine.listGroups()) {
      const members = (await engine.listMembers(group.id)).length;
      if (options.json === true) {
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

export function members(
  name: string,
  options: JsonOption,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    // Usernames of new members come from the directory: connect if we can, else show what is cached.
    await engine.connect().catch((error: unknown) => {
      const offline = error instanceof NetworkError || error instanceof AuthError;
      if (!offline && !(isQpcError(error) && error.code === EngineErrorCode.noServer)) throw error;
    });
    for (const member of await engine.listMembers(name)) {
      if (options.json === true) writeLine(io.stdout, JSON.stringify(member));
      else writeLine(io.stdout, `${member.username}${member.self ? ' (you)' : ''}  ${member.fingerprint}`);
    }
    return ExitCode.ok;
  });
}
