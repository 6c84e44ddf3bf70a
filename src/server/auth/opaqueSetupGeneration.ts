import type { ServerDatabase } from '../storage/openServerDatabase.js';

/**
 * Which OPAQUE server setup an account's record was made under. `qpc-server rotate opaque-setup` raises
 * the current generation; a record of an older one cannot log in (no password opens it) until the
 * account re-registers in place (ReRegisterStart/ReRegisterFinish), signed by its identity key.
 */
export const OPAQUE_GENERATION_MIGRATION = `
  ALTER TABLE users ADD COLUMN opaque_generation INTEGER NOT NULL DEFAULT 0;
`;

const GENERATION_STATE = 'opaque_setup_generation';

/** The generation of the setup in server_state: 0 until the first rotation. */
export function currentOpaqueGeneration(db: ServerDatabase): number {
  const row = db
    .prepare<[string], { value: Buffer }>('SELECT value FROM server_state WHERE name = ?')
    .get(GENERATION_STATE);
  if (row === undefined) return 0;
  const generation = Number(row.value.toString('utf8'));
  return Number.isSafeInteger(generation) && generation >= 0 ? generation : 0;
}

/**
 * Store a new setup and its generation (one more than the last) and end every session, in one
 * transaction: a session was opened by a login against the old setup, and a rotation that answers a
 * suspected exposure of that setup must not leave the sessions it may have let in. Returns the new
 * generation and how many sessions ended.
 */
export function replaceOpaqueSetup(
  db: ServerDatabase,
  setup: string,
): { generation: number; sessionsEnded: number } {
  return db
    .transaction(() => {
      const generation = currentOpaqueGeneration(db) + 1;
      db.prepare("UPDATE server_state SET value = ? WHERE name = 'opaque_setup'").run(
        Buffer.from(setup, 'utf8'),
      );
      db.prepare('INSERT OR REPLACE INTO server_state (name, value) VALUES (?, ?)').run(
        GENERATION_STATE,
        Buffer.from(String(generation), 'utf8'),
      );
      const sessionsEnded = db.prepare('DELETE FROM sessions').run().changes;
      return { generation, sessionsEnded };
    })
    .immediate();
}

/** Sessions stored (any age): none may remain after a setup rotation. */
export function storedSessions(db: ServerDatabase): number {
  return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions').get()?.n ?? 0;
}

/** Accounts whose record predates the current setup (they re-register at their next login). */
export function accountsNeedingReRegistration(db: ServerDatabase, generation: number): number {
  return (
    db
      .prepare<[number], { n: number }>('SELECT count(*) AS n FROM users WHERE opaque_generation < ?')
      .get(generation)?.n ?? 0
  );
}
