import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { localServerDataDir, udpPortInUse } from './localServer.js';

describe('local server helpers', () => {
  it('keeps the server data under the XDG data directory', () => {
    expect(localServerDataDir({ XDG_DATA_HOME: '/data' })).toBe('/data/quicprochat/server');
    expect(localServerDataDir({})).toMatch(/\.local\/share\/quicprochat\/server$/u);
  });

  it('sees a UDP port that something holds, and a free one', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { port } = socket.address();
    expect(await udpPortInUse('127.0.0.1', port)).toBe(true);
    await new Promise<void>((resolve) => socket.close(resolve));
    expect(await udpPortInUse('127.0.0.1', port)).toBe(false);
  });
});
