import { describe, expect, it } from 'vitest';
import {
  normalizeGroupName,
  normalizeUsername,
  parseComposerInput,
  slashCommandSpecs,
} from './slashCommands.js';

describe('parseComposerInput', () => {
  it('treats text without a leading slash as a message, untouched', () => {
    expect(parseComposerInput('hello /create x')).toEqual({ kind: 'text', text: 'hello /create x' });
  });

  it('sends "//text" as a message starting with one slash', () => {
    expect(parseComposerInput('//shrug')).toEqual({ kind: 'text', text: '/shrug' });
  });

  it('parses /create with a name that may hold spaces', () => {
    expect(parseComposerInput('/create  Team Rocket ')).toEqual({
      kind: 'command',
      command: { kind: 'create', name: 'Team Rocket' },
    });
  });

  it.each([
    ['/invite Bob', { kind: 'invite', username: 'bob' }],
    ['/kick dave.k', { kind: 'kick', username: 'dave.k' }],
    ['/verify erin_01', { kind: 'verify', username: 'erin_01' }],
    ['/safety Mallory', { kind: 'safety', username: 'mallory' }],
  ])('parses %s and lower-cases the username', (input, command) => {
    expect(parseComposerInput(input)).toEqual({ kind: 'command', command });
  });

  it.each(['leave', 'rotate', 'whoami', 'help', 'quit'])('parses /%s without arguments', (name) => {
    expect(parseComposerInput(`/${name}`)).toEqual({ kind: 'command', command: { kind: name } });
  });

  it('parses /accept and /decline with a group name or invite id', () => {
    expect(parseComposerInput('/accept team chat')).toEqual({
      kind: 'command',
      command: { kind: 'accept', invite: 'team chat' },
    });
    expect(parseComposerInput('/decline 0a1b2c3d')).toEqual({
      kind: 'command',
      command: { kind: 'decline', invite: '0a1b2c3d' },
    });
    expect(parseComposerInput('/accept').kind).toBe('error');
  });

  it('accepts the command word in any case', () => {
    expect(parseComposerInput('/ROTATE')).toEqual({ kind: 'command', command: { kind: 'rotate' } });
  });

  it.each([
    ['/frobnicate', 'unknown command /frobnicate; type /help for the list'],
    ['/', 'unknown command /; type /help for the list'],
    ['/leave now', '/leave takes no argument'],
    ['/create', 'a group name is needed (usage: /create NAME)'],
    ['/create   ', 'a group name is needed (usage: /create NAME)'],
    ['/invite', 'a username is needed (usage: /invite USER)'],
    ['/kick bob carol', 'one username only (usage: /kick USER)'],
  ])('rejects %s with a clear error', (input, error) => {
    expect(parseComposerInput(input)).toEqual({ kind: 'error', error });
  });

  it('rejects a username that breaks the server rule', () => {
    const parsed = parseComposerInput('/invite a!');
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.error).toContain('"a!" is not a username');
  });

  it('parses /lock and /backup with a file name that may hold spaces', () => {
    expect(parseComposerInput('/lock')).toEqual({ kind: 'command', command: { kind: 'lock' } });
    expect(parseComposerInput('/backup EXPORT  ~/my backups/qpc.bak ')).toEqual({
      kind: 'command',
      command: { kind: 'backup', action: 'export', file: '~/my backups/qpc.bak' },
    });
    expect(parseComposerInput('/backup import')).toEqual({
      kind: 'error',
      error: 'a file is needed (usage: /backup export|import FILE)',
    });
    expect(parseComposerInput('/backup')).toMatchObject({ kind: 'error' });
  });

  it('lists every command once in the spec table', () => {
    const names = slashCommandSpecs.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual([
      'accept',
      'backup',
      'create',
      'decline',
      'help',
      'invite',
      'kick',
      'leave',
      'lock',
      'password',
      'quit',
      'rotate',
      'rotate-access',
      'rotate-hybrid',
      'rotate-identity',
      'safety',
      'verify',
      'whoami',
    ]);
  });
});

describe('normalizeUsername and normalizeGroupName', () => {
  it('enforces 3-32 characters', () => {
    expect(normalizeUsername('ab').ok).toBe(false);
    expect(normalizeUsername('abc')).toEqual({ ok: true, username: 'abc' });
    expect(normalizeUsername('a'.repeat(32)).ok).toBe(true);
    expect(normalizeUsername('a'.repeat(33)).ok).toBe(false);
  });

  it('refuses control characters and overlong group names', () => {
    expect(normalizeGroupName('evil\u001b[2J').ok).toBe(false);
    expect(normalizeGroupName('x'.repeat(65)).ok).toBe(false);
    expect(normalizeGroupName('x'.repeat(64))).toEqual({ ok: true, name: 'x'.repeat(64) });
  });
});
