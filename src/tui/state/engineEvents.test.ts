import { describe, expect, it } from 'vitest';
import { applyEngineEvent } from './engineEvents.js';
import { initialAppState } from './appState.js';

describe('applyEngineEvent', () => {
  it('says on the status line that an invite waits, with the commands that answer it', () => {
    const next = applyEngineEvent(initialAppState({ columns: 100, rows: 30 }), {
      type: 'invitesChanged',
      invites: [{ id: '0a1b', groupName: 'team', from: 'ab', receivedAt: 0 }],
    });
    expect(next.status).toEqual({
      tone: 'info',
      text: 'invite to team waits: /accept team or /decline team',
    });
    const none = applyEngineEvent(next, { type: 'invitesChanged', invites: [] });
    expect(none).toBe(next);
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
