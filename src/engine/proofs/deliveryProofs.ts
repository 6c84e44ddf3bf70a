/**
 * Delivery proofs on the client: the signed DeliveryReceipts an Enqueue answer carries, checked against
 * the server's published signing keys before they are kept, and checked again on demand
 * (`qpc proof verify`). A message shows ✓ only when a proof was kept for it.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { fromHex, toHex } from '../../lib/bytes.js';
import { ValidationError } from '../../lib/errors.js';
import {
  checkDeliveryProof,
  DeliveryReceiptSchema,
  Method,
  SigningKeySchema,
  type DeliveryReceipt,
  type ProofFailure,
  type SigningKey,
} from '../../protocol/index.js';
import type { ClientContext } from '../client/clientContext.js';
import { EngineErrorCode } from '../engineErrors.js';
import { usernameOf } from '../client/directory.js';

export interface DeliveryProofReport {
  /** The recipient's username when known, else its identity key (hex). */
  recipient: string;
  recipientKey: string;
  serverName: string;
  keyId: string;
  /** The signing key was retired by a rotation since (the proof stays valid). */
  keyRetired: boolean;
  sequence: bigint;
  acceptedAt: number;
  keepUntil: number;
  check: 'valid' | ProofFailure;
}

function knownKeys(context: ClientContext): SigningKey[] {
  return context.store.deliveryProofs.keys().map((key) =>
    create(SigningKeySchema, {
      keyId: fromHex(key.keyId),
      publicKey: key.publicKey,
      retiredAtMs: BigInt(key.retiredAt),
    }),
  );
}

/** Ping the server and remember every signing key it publishes (current and retired). */
export async function refreshSigningKeys(context: ClientContext): Promise<void> {
  const connection = context.connection();
  if (connection === undefined) return;
  const { signingKeys } = await connection.request(Method.Ping, {});
  context.store.deliveryProofs.saveKeys(
    signingKeys.map((key) => ({
      keyId: toHex(key.keyId),
      publicKey: key.publicKey,
      retiredAt: Number(key.retiredAtMs),
    })),
    context.mls.clock.now(),
  );
}

/**
 * Keeps the proofs of one Enqueue (receipts[i] is for recipients[i]) that verify against the server's
 * keys, the recipient and the payload sent. Returns how many were kept; a proof that fails is reported
 * as a backgroundFailed event (DELIVERY_PROOF_INVALID) and not kept, so the message shows no ✓ for it.
 */
export async function recordDeliveryProofs(
  context: ClientContext,
  input: {
    messageId: string;
    groupId: string;
    recipients: readonly Uint8Array[];
    payload: Uint8Array;
    receipts: readonly DeliveryReceipt[];
  },
): Promise<number> {
  if (input.receipts.length === 0) return 0;
  const known = new Set(context.store.deliveryProofs.keys().map((key) => key.keyId));
  if (input.receipts.some((receipt) => !known.has(toHex(receipt.keyId)))) await refreshSigningKeys(context);
  const keys = knownKeys(context);
  const now = context.mls.clock.now();
  let kept = 0;
  input.receipts.forEach((receipt, index) => {
    const recipient = input.recipients[index];
    if (recipient === undefined) return;
    const check = checkDeliveryProof(receipt, keys, { recipient, payload: input.payload });
    if (!check.valid) {
      context.emit({
        type: 'backgroundFailed',
        task: 'deliveryProof',
        code: EngineErrorCode.deliveryProofInvalid,
        message: `the server's delivery proof for a message in ${input.groupId} does not verify (${check.reason})`,
        hint: 'The message was accepted but is shown without ✓; if this repeats, the server is misbehaving.',
      });
      return;
    }
    context.store.deliveryProofs.put({
      messageId: input.messageId,
      recipient: toHex(recipient),
      receipt: toBinary(DeliveryReceiptSchema, receipt),
      storedAt: now,
    });
    kept += 1;
  });
  return kept;
}

/**
 * The stored proofs of one message, each checked again against the keys this profile knows (after
 * asking the server for its current list when connected). Throws NO_DELIVERY_PROOF when none is stored.
 */
export async function checkStoredProofs(
  context: ClientContext,
  messageId: string,
  options: { refresh: boolean },
): Promise<DeliveryProofReport[]> {
  const stored = context.store.deliveryProofs.list(messageId);
  if (stored.length === 0) {
    throw new ValidationError(
      EngineErrorCode.noDeliveryProof,
      `no delivery proof is stored for message ${messageId}`,
      {
        hint: 'Proofs exist for messages you sent by Enqueue to a server that signs them; see qpc history --json for ids.',
      },
    );
  }
  if (options.refresh) await refreshSigningKeys(context);
  const keys = knownKeys(context);
  const reports: DeliveryProofReport[] = [];
  for (const proof of stored) {
    let receipt: DeliveryReceipt;
    try {
      receipt = fromBinary(DeliveryReceiptSchema, proof.receipt);
    } catch {
      // Bytes that no longer decode are a damaged or altered proof: reported as malformed, not thrown.
      receipt = create(DeliveryReceiptSchema, {});
    }
    const recipientKey = fromHex(proof.recipient);
    const check = checkDeliveryProof(receipt, keys, { recipient: recipientKey });
    const key = keys.find((candidate) => toHex(candidate.keyId) === toHex(receipt.keyId));
    reports.push({
      recipient: await usernameOf(recipientKey, context.store, context.connection()).catch(
        () => proof.recipient,
      ),
      recipientKey: proof.recipient,
      serverName: receipt.serverName,
      keyId: toHex(receipt.keyId),
      keyRetired: key !== undefined && key.retiredAtMs > 0n,
      sequence: receipt.sequence,
      acceptedAt: Number(receipt.acceptedAtMs),
      keepUntil: Number(receipt.keepUntilMs),
      check: check.valid ? 'valid' : check.reason,
    });
  }
  return reports;
}
