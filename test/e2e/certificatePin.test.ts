/**
 * Trust on first use: a profile pins the server's certificate at its first connection; a server that
 * shows another certificate on the same address is refused (exit 3) with the re-pin hint, and
 * `qpc server repin` lets the next connection pin the new one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { registeredClient, removeDir, runQpc, startServer, tempDir, type RunningServer } from './harness.js';

describe('server certificate pinning', () => {
  const dirs: string[] = [];
  const servers: RunningServer[] = [];

  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) await server.kill('SIGTERM');
    for (const dir of dirs) removeDir(dir);
  });

  it('refuses a changed certificate until the user re-pins', { timeout: 120_000 }, async () => {
    const first = tempDir('server-a');
    const second = tempDir('server-b');
    const profile = tempDir('dave');
    dirs.push(first, second, profile);
    const original = await startServer(first);
    servers.push(original);
    const dave = await registeredClient(profile, original.address, 'dave');
    const pinned = dave.store.serverPins.get(original.address);
    expect(pinned).toMatch(/^[0-9a-f]{64}$/u);
    await dave.close();
    await original.kill('SIGTERM');

    // Another server (its own fresh development certificate) on the same address.
    const impostor = await startServer(second, original.port);
    servers.push(impostor);
    const refused = await runQpc(['receive', '--profile', profile]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/does not match the pinned one/u);
    expect(refused.stderr).toContain('qpc server repin');

    const repin = await runQpc(['server', 'repin', '--profile', profile]);
    expect(repin.code, repin.stderr).toBe(0);
    expect(repin.stdout).toContain(`forgot the pinned certificate of ${original.address}`);

    // Now the connection goes through; this server has never heard of dave's session.
    const after = await runQpc(['receive', '--profile', profile]);
    expect(after.stderr).not.toMatch(/pinned/u);
    expect(after.code).toBe(3);
    expect(after.stderr).toMatch(/log in/u);
  });
});
