/** Connects unopened-envelope reports (sealedReports.ts) to the engine's incoming lane, outbox and channel. */
import { BackgroundTask, type BackgroundWork } from './backgroundWork.js';
import type { ClientContext } from './clientContext.js';
import type { IncomingProcessor } from './incoming.js';
import type { OutboxSender } from './outboxSender.js';
import { noteUnopened } from './sealedReports.js';
import type { SealedSendChannel } from './sealedSender.js';

export function wireSealedReports(
  context: ClientContext,
  incoming: IncomingProcessor,
  channel: SealedSendChannel,
  background: BackgroundWork,
  outbox: OutboxSender,
): void {
  const flushOutbox = () => outbox.flush();
  // Our reports wait in the outbox; a failed flush is reported, and the next flush sends them.
  incoming.onReportsQueued = () => background.run(BackgroundTask.sealedReports, flushOutbox);
  context.unopenedReportReceived = (reporter, report) =>
    background.run(BackgroundTask.sealedReports, async () => {
      const outcome = await channel.handleUnopenedReport(reporter, report);
      if (outcome === undefined) {
        // Reports go to every member of the reporter's groups; only the envelope's sender finds a match.
        context.logger?.debug({ event: 'unopenedReportUnmatched' }, 'report matches no envelope of ours');
        return;
      }
      await noteUnopened(context, outcome);
      // Marked failed above; the background report shows why the re-seal did not go out.
      if (outcome.failure !== undefined) throw outcome.failure;
    });
}
