/** Reducer state for the safety-number overlay: loading, trust changes, closing back to the list. */
import { describe, expect, it } from 'vitest';
import type { GroupMember, SafetyNumberView } from '../engineApi.js';
import { fakeFingerprint, makeGroup } from '../testing/fakeEngine.js';
import { appReducer } from './appReducer.js';
import { initialAppState } from './appState.js';
import type { AppAction, AppState } from './appState.js';

function run(state: AppState, ...actions: AppAction[]): AppState {
  return actions.reduce(appReducer, state);
}

const members: GroupMember[] = [
  { username: 'bob', fingerprint: fakeFingerprint('bob'), verification: 'unverified', self: false },
  { username: 'mallory', fingerprint: fakeFingerprint('m'), verification: 'changed', self: false },
];

function view(username: string, verification: SafetyNumberView['verification']): SafetyNumberView {
  const groups = Array.from({ length: 12 }, (_, index) => String(10000 + index));
  return { username, groups, display: groups.join(' '), qr: '██', verification };
}

function openFor(username: string, returnTo: number): AppState {
  return run(
    initialAppState(),
    { type: 'engineEvent', event: { type: 'groupsChanged', groups: [makeGroup('g')] } },
    { type: 'membersLoaded', groupId: 'g', members },
    {
      type: 'openOverlay',
      overlay: { kind: 'safetyNumber', username, verification: 'changed', returnTo, view: null },
    },
  );
}

describe('safety-number overlay state', () => {
  it('takes the view and its trust state for the member it shows', () => {
    const state = run(openFor('mallory', 1), {
      type: 'safetyNumberLoaded',
      view: view('mallory', 'changed'),
    });
    expect(state.overlay).toMatchObject({ kind: 'safetyNumber', verification: 'changed' });
    expect(state.overlay.kind === 'safetyNumber' ? state.overlay.view?.groups : []).toHaveLength(12);
  });

  it('ignores a view for someone else (a late answer after switching members)', () => {
    const state = openFor('mallory', 1);
    expect(run(state, { type: 'safetyNumberLoaded', view: view('bob', 'unverified') })).toBe(state);
  });

  it('a trust change updates the overlay and every member list', () => {
    const state = run(openFor('mallory', 1), {
      type: 'verificationChanged',
      username: 'mallory',
      verification: 'unverified',
    });
    expect(state.overlay).toMatchObject({ kind: 'safetyNumber', verification: 'unverified' });
    expect(state.members['g']?.map((member) => member.verification)).toEqual(['unverified', 'unverified']);
  });

  it('closing goes back to the members list on the same row; closing that closes all', () => {
    const state = run(openFor('mallory', 1), { type: 'closeOverlay' });
    expect(state.overlay).toEqual({ kind: 'members', selected: 1 });
    expect(run(state, { type: 'closeOverlay' }).overlay).toEqual({ kind: 'none' });
  });

  it('opened by /safety (no row to return to), closing goes back to the panes', () => {
    const state = run(
      initialAppState(),
      {
        type: 'openOverlay',
        overlay: {
          kind: 'safetyNumber',
          username: 'bob',
          verification: 'unverified',
          returnTo: null,
          view: null,
        },
      },
      { type: 'closeOverlay' },
    );
    expect(state.overlay).toEqual({ kind: 'none' });
  });
});
