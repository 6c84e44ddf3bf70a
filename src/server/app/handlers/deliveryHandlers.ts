import type { Method } from '../../../protocol/index.js';
import { DEFAULT_FETCH_LIMIT } from '../../../protocol/index.js';
import { callerOf, type MethodHandler } from '../callContext.js';
import { traceHop } from '../../../lib/trace.js';

export const enqueue: MethodHandler<typeof Method.Enqueue> = async (ctx, body) => {
  const caller = callerOf(ctx);
  const { ledger, online, foundation } = ctx.services;
  const outcome = await foundation.writes.run(() =>
    ledger.enqueue({
      sender: caller.identityKey,
      // A key retired by an identity rotation still reaches its account (directory/identityRotation.ts).
      recipients: body.recipientIdentityKeys.map((key) => foundation.directory.keyHistory.currentKey(key)),
      payload: body.payload,
      groupId: body.groupId,
      epoch: body.epoch,
      clientMessageId: body.clientMessageId,
    }),
  );
  traceHop('server.durable');
  // Durable now (the batch holding it committed): push to whoever is online.
  for (const { recipient, message } of outcome.stored) online.push(recipient, [message]);
  return { serverTimeMs: BigInt(outcome.serverTimeMs), receipts: outcome.receipts };
};

export const fetchQueue: MethodHandler<typeof Method.FetchQueue> = (ctx, body) => {
  const caller = callerOf(ctx);
  const limit = body.limit === 0 ? DEFAULT_FETCH_LIMIT : body.limit;
  return ctx.services.ledger.fetch(caller.identityKey, body.afterMessageId, limit);
};

export const ack: MethodHandler<typeof Method.Ack> = async (ctx, body) => {
  const caller = callerOf(ctx);
  const ids = body.messageIds
    .filter((id) => id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER))
    .map((id) => Number(id));
  const { queues, writes } = ctx.services.foundation;
  return { removed: await writes.run(() => queues.ack(caller.identityKey, ids)) };
};
