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

/** Store a new setup and its generation (one more than the last); returns the new generation. */
export function replaceOpaqueSetup(db: ServerDatabase, setup: string): number {
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
      return generation;
    })
    .immediate();
}

/** Accounts whose record predates the current setup (they re-register at their next login). */
export function accountsNeedingReRegistration(db: ServerDatabase, generation: number): number {
  return (
    db
      .prepare<[number], { n: number }>('SELECT count(*) AS n FROM users WHERE opaque_generation < ?')
      .get(generation)?.n ?? 0
  );
}
