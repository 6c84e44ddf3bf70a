import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { toHex, wipe } from '../../lib/bytes.js';
import type { Clock } from '../../lib/clock.js';
import { backupDatabase } from './databaseBackup.js';
import { refuseIfDatabaseInUse } from './databaseInUse.js';
import { BACKUPS_DIR, fileStamp } from './databaseRestore.js';
import { databasePath, openExistingDatabase } from './existingDatabase.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';
import { recordRotation } from './rotationLog.js';
import { refuseIfRunning } from './runState.js';
import {
  publishedSigningKeys,
  readRetiredSigningKeys,
  signingKeyId,
  signingPublicKey,
  writeRetiredSigningKeys,
} from './signingKeys.js';

export interface SigningKeyRotationResult {
  oldKeyId: string;
  newKeyId: string;
  /** Keys now published: the new one and every retired one. */
  published: number;
  backup: string | undefined;
  durationMs: number;
}

/**
 * A new Ed25519 signing key for a stopped server (it loads its key at startup). The old public key is
 * kept in server_state and published in Ping with the time it was retired, so signatures made with it
 * stay verifiable; the old seed stays only in the backup taken first.
 */
export function rotateSigningKey(input: {
  dataDir: string;
  dbKey: Uint8Array;
  dryRun: boolean;
  clock: Clock;
}): SigningKeyRotationResult {
  const started = input.clock.now();
  refuseIfRunning(input.dataDir, 'rotate signing-key');
  const path = databasePath(input.dataDir);
  refuseIfDatabaseInUse(path, input.dbKey, 'rotate signing-key');
  let backup: string | undefined;
  if (!input.dryRun) {
    mkdirSync(join(input.dataDir, BACKUPS_DIR), { recursive: true, mode: 0o700 });
    backup = join(BACKUPS_DIR, `signing-key-${fileStamp(started)}-${started % 1000}.db`);
    backupDatabase({
      dataDir: input.dataDir,
      key: input.dbKey,
      to: join(input.dataDir, backup),
      clock: input.clock,
    });
  }
  const db = openExistingDatabase(path, input.dbKey);
  try {
    const readSeed = db.prepare<[], { value: Buffer }>(
      "SELECT value FROM server_state WHERE name = 'signing_key_seed'",
    );
    const oldSeed = readSeed.get()?.value;
    if (oldSeed === undefined) {
      throw new OpsError(OpsErrorCode.RotationInvalid, `${path}: no signing key yet`, {
        hint: 'Start the server once: it creates its signing key.',
      });
    }
    const oldPublic = signingPublicKey(oldSeed);
    const newSeed = new Uint8Array(randomBytes(32));
    const newPublic = signingPublicKey(newSeed);
    const result = {
      oldKeyId: toHex(signingKeyId(oldPublic)),
      newKeyId: toHex(signingKeyId(newPublic)),
      published: readRetiredSigningKeys(db).length + 2,
      backup,
      durationMs: 0,
    };
    if (input.dryRun) return result;
    db.transaction(() => {
      writeRetiredSigningKeys(db, [
        ...readRetiredSigningKeys(db),
        { publicKey: toHex(oldPublic), retiredAt: started },
      ]);
      db.prepare("UPDATE server_state SET value = ? WHERE name = 'signing_key_seed'").run(
        Buffer.from(newSeed),
      );
    })();
    const published = publishedSigningKeys(db, new Uint8Array(readSeed.get()?.value ?? Buffer.alloc(0)));
    wipe(newSeed, oldSeed);
    const current = published[0];
    const keptOld = published.some(
      (key) => key.retiredAtMs > 0n && toHex(key.publicKey) === toHex(oldPublic),
    );
    if (current === undefined || toHex(current.publicKey) !== toHex(newPublic) || !keptOld) {
      throw new OpsError(OpsErrorCode.RotationVerifyFailed, `${path}: the signing keys are not as expected`, {
        hint: `Restore ${backup ?? 'the backup'} (qpc-server restore --from) and report this.`,
      });
    }
    recordRotation(input.dataDir, {
      material: 'signing-key',
      at: started,
      ...(backup === undefined ? {} : { backup }),
    });
    return { ...result, published: published.length, durationMs: input.clock.now() - started };
  } finally {
    db.close();
  }
}
