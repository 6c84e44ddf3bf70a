import { ciphersuites } from 'ts-mls';
import { concatBytes } from '../../../lib/bytes.js';
import type { Method } from '../../../protocol/index.js';
import { WireErrorCode } from '../../../protocol/index.js';
import { callerOf, type MethodHandler } from '../callContext.js';
import { WireError } from '../wireErrors.js';

const suiteNames = new Map<number, string>(Object.entries(ciphersuites).map(([name, id]) => [id, name]));

/** MLSMessage header for a KeyPackage: version mls10 (1), wire format mls_key_package (5), RFC 9420 6. */
const MLS_KEY_PACKAGE_HEADER = Uint8Array.of(0, 1, 0, 5);

/** Wire cipher suite id -> the name the KeyPackage directory stores; 0 means "any suite". */
function suiteName(id: number): string | undefined {
  if (id === 0) return undefined;
  const name = suiteNames.get(id);
  if (name === undefined) throw new WireError(WireErrorCode.BadRequest, `unknown MLS cipher suite ${id}`);
  return name;
}

function suiteFilter(id: number): { cipherSuite?: string } {
  const name = suiteName(id);
  return name === undefined ? {} : { cipherSuite: name };
}

export const uploadKeyPackages: MethodHandler<typeof Method.UploadKeyPackages> = async (ctx, body) => {
  const caller = callerOf(ctx);
  const uploads = body.keyPackages.map((upload) => {
    suiteName(upload.cipherSuite);
    return { bytes: upload.keyPackage, lastResort: upload.lastResort };
  });
  const { keyPackages } = ctx.services.foundation;
  const result = await keyPackages.upload(caller.userId, caller.identityKey, uploads);
  const refused = result.rejected.filter((rejection) => rejection.reason !== 'duplicate');
  if (refused.length > 0) {
    const reasons = refused.map(({ index, reason }) => `#${index}: ${reason}`).join(', ');
    throw new WireError(
      WireErrorCode.BadRequest,
      `KeyPackages refused (${reasons}); ${result.accepted} others were stored`.slice(0, 1000),
    );
  }
  const first = body.keyPackages[0];
  return { available: keyPackages.count(caller.userId, suiteFilter(first?.cipherSuite ?? 0)) };
};

export const fetchKeyPackage: MethodHandler<typeof Method.FetchKeyPackage> = (ctx, body) => {
  callerOf(ctx);
  const { directory, keyPackages } = ctx.services.foundation;
  const user = directory.findByUsername(body.username);
  if (user === undefined) throw new WireError(WireErrorCode.NotFound, 'no such user');
  const fetched = keyPackages.fetch(user.userId, suiteFilter(body.cipherSuite));
  if (fetched === undefined) {
    throw new WireError(WireErrorCode.NoKeyPackage, 'this user has no KeyPackage left for that suite');
  }
  return {
    // The directory keeps the bare KeyPackage; the wire carries it as an MLSMessage.
    keyPackage: concatBytes(MLS_KEY_PACKAGE_HEADER, fetched.bytes),
    lastResort: fetched.lastResort,
    identityPublicKey: user.identityKey,
  };
};

export const countKeyPackages: MethodHandler<typeof Method.CountKeyPackages> = (ctx, body) => {
  const caller = callerOf(ctx);
  const filter = suiteFilter(body.cipherSuite);
  const { db, keyPackages } = ctx.services.foundation;
  const lastResort = db
    .prepare<[number, string | null, string | null], { n: number }>(
      'SELECT count(*) AS n FROM key_packages WHERE user_id = ? AND last_resort = 1 AND (? IS NULL OR cipher_suite = ?)',
    )
    .get(caller.userId, filter.cipherSuite ?? null, filter.cipherSuite ?? null);
  return { available: keyPackages.count(caller.userId, filter), hasLastResort: (lastResort?.n ?? 0) > 0 };
};
