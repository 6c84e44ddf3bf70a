/**
 * Slash commands typed in the composer, parsed purely: text in, a command or an error message out.
 * The list below also feeds the help overlay and docs/tui.md.
 */

export type SlashCommand =
  | { readonly kind: 'create'; readonly name: string }
  | { readonly kind: 'invite'; readonly username: string }
  | { readonly kind: 'kick'; readonly username: string }
  | { readonly kind: 'leave' }
  | { readonly kind: 'verify'; readonly username: string }
  | { readonly kind: 'safety'; readonly username: string }
  | { readonly kind: 'rotate' }
  | { readonly kind: 'rotate-identity' }
  | { readonly kind: 'rotate-hybrid' }
  | { readonly kind: 'rotate-access' }
  | { readonly kind: 'accept'; readonly invite: string }
  | { readonly kind: 'decline'; readonly invite: string }
  | { readonly kind: 'whoami' }
  | { readonly kind: 'help' }
  | { readonly kind: 'lock' }
  | { readonly kind: 'password' }
  | { readonly kind: 'backup'; readonly action: 'export' | 'import'; readonly file: string }
  | { readonly kind: 'quit' };

export type ParsedInput =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'command'; readonly command: SlashCommand }
  | { readonly kind: 'error'; readonly error: string };

export interface SlashCommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly description: string;
  readonly argument: 'none' | 'username' | 'groupName' | 'invite' | 'backup';
}

export const slashCommandSpecs: readonly SlashCommandSpec[] = [
  { name: 'create', usage: '/create NAME', description: 'create a group and open it', argument: 'groupName' },
  { name: 'invite', usage: '/invite USER', description: 'add USER to this group', argument: 'username' },
  { name: 'kick', usage: '/kick USER', description: 'remove USER from this group', argument: 'username' },
  { name: 'leave', usage: '/leave', description: 'leave this group', argument: 'none' },
  { name: 'verify', usage: '/verify USER', description: "mark USER's key as verified", argument: 'username' },
  {
    name: 'safety',
    usage: '/safety USER',
    description: 'safety number with USER, to compare',
    argument: 'username',
  },
  {
    name: 'rotate',
    usage: '/rotate',
    description: 'fresh keys for you in this group (new epoch)',
    argument: 'none',
  },
  {
    name: 'rotate-identity',
    usage: '/rotate-identity',
    description: 'a new identity key for you, signed by the current one, in every group',
    argument: 'none',
  },
  {
    name: 'rotate-hybrid',
    usage: '/rotate-hybrid',
    description: 'a new hybrid key for Welcomes and sealed messages (also every 30 days)',
    argument: 'none',
  },
  {
    name: 'rotate-access',
    usage: '/rotate-access',
    description: 'a new sealed-sender access key, shared in every group (also weekly)',
    argument: 'none',
  },
  {
    name: 'accept',
    usage: '/accept GROUP',
    description: 'join a waiting invite (by group name or invite id)',
    argument: 'invite',
  },
  {
    name: 'decline',
    usage: '/decline GROUP',
    description: 'delete a waiting invite without joining',
    argument: 'invite',
  },
  { name: 'whoami', usage: '/whoami', description: 'show your username and fingerprint', argument: 'none' },
  {
    name: 'backup',
    usage: '/backup export|import FILE',
    description: 'write or read an encrypted backup (the recovery words open it)',
    argument: 'backup',
  },
  {
    name: 'password',
    usage: '/password',
    description: 'change your account password (your other sessions end)',
    argument: 'none',
  },
  {
    name: 'lock',
    usage: '/lock',
    description: 'lock qpc: keys wiped, profile closed until unlocked',
    argument: 'none',
  },
  { name: 'help', usage: '/help', description: 'list keys and commands', argument: 'none' },
  { name: 'quit', usage: '/quit', description: 'quit qpc', argument: 'none' },
];

/** The server's rule (docs/protocol.md): 3-32 bytes, lower case; clients lower-case what is typed. */
const usernamePattern = /^[a-z0-9][a-z0-9_.-]{2,31}$/u;
export const maxGroupNameLength = 64;

/** Validates a username as typed in a command or an overlay; returns the lower-cased name or an error. */
export function normalizeUsername(
  raw: string,
): { ok: true; username: string } | { ok: false; error: string } {
  const username = raw.trim().toLowerCase();
  if (username === '') return { ok: false, error: 'a username is needed' };
  if (!usernamePattern.test(username)) {
    return {
      ok: false,
      error: `"${raw.trim()}" is not a username (3-32 of a-z 0-9 _ . -, starting with a letter or digit)`,
    };
  }
  return { ok: true, username };
}

export function normalizeGroupName(raw: string): { ok: true; name: string } | { ok: false; error: string } {
  const name = raw.trim();
  if (name === '') return { ok: false, error: 'a group name is needed' };
  if ([...name].length > maxGroupNameLength) {
    return { ok: false, error: `a group name has at most ${maxGroupNameLength} characters` };
  }
  // Control characters would corrupt the screen for every member.
  if (/\p{Cc}/u.test(name)) return { ok: false, error: 'a group name cannot hold control characters' };
  return { ok: true, name };
}

/**
 * Parses what the composer holds when Enter is pressed. Text not starting with "/" is a message;
 * "//" at the start sends a literal "/" message ("//shrug" sends "/shrug").
 */
export function parseComposerInput(input: string): ParsedInput {
  if (!input.startsWith('/')) return { kind: 'text', text: input };
  if (input.startsWith('//')) return { kind: 'text', text: input.slice(1) };

  const body = input.slice(1).trim();
  const firstSpace = body.search(/\s/u);
  const word = (firstSpace === -1 ? body : body.slice(0, firstSpace)).toLowerCase();
  const rest = firstSpace === -1 ? '' : body.slice(firstSpace).trim();
  const spec = slashCommandSpecs.find((candidate) => candidate.name === word);
  if (spec === undefined) {
    const shown = word === '' ? '/' : `/${word}`;
    return { kind: 'error', error: `unknown command ${shown}; type /help for the list` };
  }

  switch (spec.argument) {
    case 'none':
      if (rest !== '') return { kind: 'error', error: `${spec.usage} takes no argument` };
      return { kind: 'command', command: { kind: spec.name } as SlashCommand };
    case 'groupName': {
      const checked = normalizeGroupName(rest);
      if (!checked.ok) return { kind: 'error', error: `${checked.error} (usage: ${spec.usage})` };
      return { kind: 'command', command: { kind: 'create', name: checked.name } };
    }
    case 'invite':
      if (rest === '')
        return { kind: 'error', error: `a group name or invite id is needed (usage: ${spec.usage})` };
      return { kind: 'command', command: { kind: spec.name as 'accept' | 'decline', invite: rest } };
    case 'backup':
      return parseBackupArguments(rest, spec.usage);
    case 'username': {
      if (rest === '') return { kind: 'error', error: `a username is needed (usage: ${spec.usage})` };
      if (/\s/u.test(rest)) return { kind: 'error', error: `one username only (usage: ${spec.usage})` };
      const checked = normalizeUsername(rest);
      if (!checked.ok) return { kind: 'error', error: checked.error };
      return {
        kind: 'command',
        command: { kind: spec.name as 'invite' | 'kick' | 'verify' | 'safety', username: checked.username },
      };
    }
  }
}

/** `/backup export FILE` or `/backup import FILE`: the file is the rest of the line, spaces included. */
function parseBackupArguments(rest: string, usage: string): ParsedInput {
  const firstSpace = rest.search(/\s/u);
  const action = (firstSpace === -1 ? rest : rest.slice(0, firstSpace)).toLowerCase();
  const file = firstSpace === -1 ? '' : rest.slice(firstSpace).trim();
  if (action !== 'export' && action !== 'import') {
    return { kind: 'error', error: `export or import? (usage: ${usage})` };
  }
  if (file === '') return { kind: 'error', error: `a file is needed (usage: ${usage})` };
  return { kind: 'command', command: { kind: 'backup', action, file } };
}
