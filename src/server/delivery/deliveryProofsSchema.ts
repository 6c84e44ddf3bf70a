/**
 * Server migration for delivery proofs: the per-queue sequence counter, and the proofs of an Enqueue
 * answer kept beside it so that a repeated client_message_id gets the very same proofs again.
 */
export const DELIVERY_PROOFS_MIGRATION = `
  CREATE TABLE queue_sequences (
    recipient BLOB PRIMARY KEY,
    last_sequence INTEGER NOT NULL
  ) WITHOUT ROWID;
  ALTER TABLE enqueue_receipts ADD COLUMN delivery_receipts BLOB;
`;
