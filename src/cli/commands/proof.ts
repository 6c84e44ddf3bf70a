/**
 * `qpc proof show MESSAGE-ID` (offline: the stored delivery proofs, checked with the keys this profile
 * knows) and `qpc proof verify MESSAGE-ID` (asks the server for its published keys first, then fails
 * unless every proof verifies).
 */
import { CryptoError, NetworkError } from '../../lib/errors.js';
import type { DeliveryProofReport } from '../../engine/qpcEngine.js';
import { EngineErrorCode } from '../../engine/engineErrors.js';
import { ExitCode, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import { withEngine, type ClientFlags } from './clientSession.js';

export interface ProofOptions {
  json?: boolean | undefined;
}

function proofJson(report: DeliveryProofReport): object {
  return {
    recipient: report.recipient,
    recipientKey: report.recipientKey,
    server: report.serverName,
    keyId: report.keyId,
    keyRetired: report.keyRetired,
    sequence: report.sequence.toString(),
    acceptedAt: new Date(report.acceptedAt).toISOString(),
    keepUntil: new Date(report.keepUntil).toISOString(),
    check: report.check,
  };
}

function proofLine(report: DeliveryProofReport): string {
  const mark = report.check === 'valid' ? '✓' : '✗';
  const key = `key ${report.keyId}${report.keyRetired ? ' (retired)' : ''}`;
  return `${mark} ${report.recipient}: #${report.sequence} in its queue on ${report.serverName}, accepted ${new Date(
    report.acceptedAt,
  ).toISOString()}, kept until ${new Date(report.keepUntil).toISOString()}, ${key}${
    report.check === 'valid' ? '' : ` — ${report.check}`
  }`;
}

function print(reports: readonly DeliveryProofReport[], options: ProofOptions, io: CliIo): void {
  for (const report of reports) {
    writeLine(io.stdout, options.json === true ? JSON.stringify(proofJson(report)) : proofLine(report));
  }
}

export function showProof(
  messageId: string,
  options: ProofOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    print(await engine.deliveryProofs(messageId, { refresh: false }), options, io);
    return ExitCode.ok;
  });
}

export function verifyProof(
  messageId: string,
  options: ProofOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    let refresh = true;
    try {
      await engine.connect();
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      // Offline, the keys already in the profile still verify every proof they signed; say so.
      writeLine(io.stderr, 'qpc: the server is not reachable; checking with the signing keys already known');
      refresh = false;
    }
    const reports = await engine.deliveryProofs(messageId, { refresh });
    print(reports, options, io);
    const failed = reports.filter((report) => report.check !== 'valid');
    if (failed.length > 0) {
      throw new CryptoError(
        EngineErrorCode.deliveryProofInvalid,
        `${failed.length} of ${reports.length} delivery proofs of message ${messageId} do not verify`,
        { hint: 'The stored proof was altered, or the server signed it with a key it does not publish.' },
      );
    }
    return ExitCode.ok;
  });
}
