import type { Logger } from '../../lib/logger.js';

/**
 * SIGHUP asks a running server to reload its certificates (after `qpc-server rotate tls-cert|
 * federation-cert`, or `systemctl reload`). Its default action ends the process, and a reload asked for
 * while the server still starts (a `systemctl reload` right after `start`) must not kill it: the handler
 * is installed before anything slow, and a SIGHUP that arrives before the server listens is remembered
 * and served once it does (the startup may have loaded the old files just before they were replaced).
 */
export class HangupQueue {
  private reload: (() => Promise<boolean>) | undefined;
  private logger: Logger | undefined;
  private pending = 0;

  constructor(private readonly target: Pick<NodeJS.Process, 'on'> = process) {
    this.target.on('SIGHUP', () => this.hangup());
  }

  /** The server listens: serve a SIGHUP that came while it started, then every later one at once. */
  listening(reload: () => Promise<boolean>, logger: Logger): void {
    this.reload = reload;
    this.logger = logger;
    if (this.pending === 0) return;
    logger.info(
      { event: 'reload_deferred', signals: this.pending },
      'SIGHUP arrived while starting: reloading now that the server listens',
    );
    this.pending = 0;
    void reload();
  }

  private hangup(): void {
    if (this.reload === undefined) {
      this.pending += 1;
      return;
    }
    this.logger?.info({ event: 'reload_requested', source: 'SIGHUP' }, 'certificate reload asked for');
    // reloadCertificates never rejects: a failure is logged (tls_reload_failed) and the old pair kept.
    void this.reload();
  }
}
