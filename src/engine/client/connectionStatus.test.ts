import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../lib/errors.js';
import { ConnectionStatus } from './connectionStatus.js';
import type { ConnectionState } from './engineTypes.js';

function track() {
  const seen: ConnectionState[] = [];
  const status = new ConnectionStatus('h:1', (state) => seen.push(state));
  return { status, seen };
}

describe('ConnectionStatus', () => {
  it('shows online only once a wanted session is live', () => {
    const { status, seen } = track();
    status.transportChanged({ status: 'online', server: 'h:1' });
    expect(status.shown.status).toBe('online');
    status.sessionWanted(true);
    expect(status.shown.status).toBe('connecting');
    status.sessionLive();
    expect(status.shown.status).toBe('online');
    expect(seen.map((state) => state.status)).toEqual(['online', 'connecting', 'online']);
  });

  it('shows offline with the reason when the session cannot be reopened after a reconnect', () => {
    const { status } = track();
    status.transportChanged({ status: 'online', server: 'h:1' });
    status.sessionWanted(true);
    status.sessionLive();
    status.transportChanged({ status: 'offline', server: 'h:1', reason: 'CONNECTION_LOST' });
    status.transportChanged({ status: 'connecting', server: 'h:1' });
    status.transportChanged({ status: 'online', server: 'h:1' });
    expect(status.shown.status).toBe('connecting');
    status.sessionRefused(new NetworkError('UNAUTHENTICATED', 'no'));
    expect(status.shown).toEqual({ status: 'offline', server: 'h:1', reason: 'UNAUTHENTICATED' });
    status.sessionFailed();
    expect(status.shown).toEqual({ status: 'offline', server: 'h:1', reason: 'UNAUTHENTICATED' });
  });

  it('a catch-up failure after the stream opened still is not online', () => {
    const { status } = track();
    status.transportChanged({ status: 'online', server: 'h:1' });
    status.sessionWanted(true);
    status.sessionOpening();
    status.sessionFailed();
    expect(status.shown).toEqual({ status: 'offline', server: 'h:1', reason: 'SESSION_NOT_REOPENED' });
  });

  it('keeps a session replaced elsewhere offline whatever the transport does', () => {
    const { status } = track();
    status.transportChanged({ status: 'online', server: 'h:1' });
    status.sessionWanted(true);
    status.sessionLive();
    status.sessionEnded('SESSION_REPLACED');
    status.transportChanged({ status: 'offline', server: 'h:1', reason: 'CONNECTION_LOST' });
    status.transportChanged({ status: 'online', server: 'h:1' });
    expect(status.shown).toEqual({ status: 'offline', server: 'h:1', reason: 'SESSION_REPLACED' });
  });
});
