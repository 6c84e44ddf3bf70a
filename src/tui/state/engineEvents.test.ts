import { describe, expect, it } from 'vitest';
import { applyEngineEvent } from './engineEvents.js';
import { initialAppState } from './appState.js';

describe('applyEngineEvent', () => {
  it('keeps the waiting invites and says on the status line that a new one waits, with the key', () => {
    const team = { id: '0a1b', groupName: 'team', from: 'ab', receivedAt: 0 };
    const next = applyEngineEvent(initialAppState({ columns: 100, rows: 30 }), {
      type: 'invitesChanged',
      invites: [team],
    });
    expect(next.invites).toEqual([team]);
    expect(next.status).toEqual({
      tone: 'info',
      text: 'invite to team waits: I (in the group list) to review, or /accept team',
    });
    // The same list again announces nothing new; an empty one clears the list and the open overlay.
    const cleared = applyEngineEvent({ ...next, status: null }, { type: 'invitesChanged', invites: [team] });
    expect(cleared.status).toBeNull();
    const open = { ...next, overlay: { kind: 'invites', selected: 0 } as const };
    const none = applyEngineEvent(open, { type: 'invitesChanged', invites: [] });
    expect(none.invites).toEqual([]);
    expect(none.overlay).toEqual({ kind: 'none' });
  });

  it('says that an incoming message was dropped, with the code and no content', () => {
    const state = applyEngineEvent(initialAppState({ columns: 80, rows: 24 }), {
      type: 'incomingDropped',
      code: 'MLS_DECRYPT_FAILED',
    });
    expect(state.status).toEqual({
      tone: 'error',
      text: 'an incoming message was dropped (MLS_DECRYPT_FAILED)',
    });
  });

  it('shows a background failure with its code and hint', () => {
    const state = applyEngineEvent(initialAppState({ columns: 80, rows: 24 }), {
      type: 'backgroundFailed',
      task: 'resumeSession',
      code: 'UNAUTHENTICATED',
      message: 'the session is not valid',
      hint: 'log in again',
    });
    expect(state.status).toEqual({
      tone: 'error',
      text: 'the session is not valid (UNAUTHENTICATED; log in again)',
    });
  });

  it('shows why the connection is offline', () => {
    const connection = { status: 'offline' as const, server: 'h:1', reason: 'cannot reach h:1' };
    const state = applyEngineEvent(initialAppState({ columns: 80, rows: 24 }), {
      type: 'connectionChanged',
      connection,
    });
    expect(state.connection).toEqual(connection);
  });
});
