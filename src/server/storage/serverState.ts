import type { RandomBytes } from '../serverDeps.js';
import type { ServerDatabase } from './openServerDatabase.js';

/** Long-lived server secrets, created on first start and kept in the encrypted database. */
export interface ServerState {
  /** @serenity-kit/opaque server setup (holds the OPAQUE server private key). */
  opaqueSetup: string;
  /** 32-byte seed of the server's signing key. */
  signingKeySeed: Uint8Array;
}

/**
 * Read server_state, creating missing entries. Runs in one IMMEDIATE transaction so two processes on
 * the same file cannot both create a setup.
 */
export function loadOrCreateServerState(
  db: ServerDatabase,
  deps: { createOpaqueSetup: () => string; randomBytes: RandomBytes },
): ServerState {
  const read = db.prepare<[string], { value: Buffer }>('SELECT value FROM server_state WHERE name = ?');
  const write = db.prepare<[string, Buffer]>('INSERT INTO server_state (name, value) VALUES (?, ?)');
  return db
    .transaction((): ServerState => {
      let opaque = read.get('opaque_setup')?.value;
      if (opaque === undefined) {
        opaque = Buffer.from(deps.createOpaqueSetup(), 'utf8');
        write.run('opaque_setup', opaque);
      }
      let seed = read.get('signing_key_seed')?.value;
      if (seed === undefined) {
        seed = Buffer.from(deps.randomBytes(32));
        write.run('signing_key_seed', seed);
      }
      return { opaqueSetup: opaque.toString('utf8'), signingKeySeed: new Uint8Array(seed) };
    })
    .immediate();
}
