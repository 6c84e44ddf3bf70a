import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OperationsMetrics } from './operationsMetrics.js';
import { registerProcessMemory } from './processMemory.js';

/** Label values must come from small fixed sets: never a username, key, address or message content. */
const LABEL_VALUE = /^[A-Za-z0-9_]{1,48}$/;

function safeLabel(value: string): string {
  return LABEL_VALUE.test(value) ? value : 'other';
}

export type AuthFailureReason =
  'invalid_credentials' | 'login_expired' | 'bad_request' | 'session_invalid' | 'bearer_invalid';
export type RateLimitScope = 'ip' | 'account' | 'registration';

/** One event-loop delay monitor per process (it samples the loop, not a server), started on first use. */
let loopDelay: IntervalHistogram | undefined;
function eventLoopDelay(): IntervalHistogram {
  if (loopDelay === undefined) {
    loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
  }
  return loopDelay;
}

/**
 * The server's Prometheus metrics, in their own registry (not prom-client's global one), so that
 * tests and several servers in one process do not collide.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly connectionsOpen: Gauge;
  private readonly connectionsTotal: Counter;
  private readonly requests: Counter<'method' | 'result'>;
  private readonly latency: Histogram<'method'>;
  private readonly enqueued: Counter;
  private readonly delivered: Counter;
  private readonly authFailures: Counter<'reason'>;
  private readonly rateLimitHits: Counter<'scope'>;
  private readonly storageErrors: Counter<'kind'>;
  private readonly transportRefusals: Counter<'kind'>;
  private readonly storageExhaustedGauge: Gauge;
  private readonly writeBatchSize: Histogram;
  private readonly writeBatchDuration: Histogram;
  /** Certificate expiry, last login, delivery failures, rotations: what the alert rules watch. */
  readonly operations: OperationsMetrics;

  /** `queueDepth` is read at scrape time (e.g. DeliveryQueues.totalDepth). */
  constructor(options: { queueDepth?: () => number; now?: () => number } = {}) {
    const registers = [this.registry];
    registerProcessMemory(registers);
    this.operations = new OperationsMetrics(this.registry, options.now ?? Date.now);
    this.connectionsOpen = new Gauge({
      name: 'qpc_connections_open',
      help: 'Open QUIC connections',
      registers,
    });
    this.connectionsTotal = new Counter({
      name: 'qpc_connections_total',
      help: 'Accepted QUIC connections',
      registers,
    });
    this.requests = new Counter({
      name: 'qpc_requests_total',
      help: 'Requests by method and result (ok or an error code)',
      labelNames: ['method', 'result'],
      registers,
    });
    this.latency = new Histogram({
      name: 'qpc_request_duration_seconds',
      help: 'Request handling time by method',
      labelNames: ['method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const queueDepth = options.queueDepth;
    new Gauge({
      name: 'qpc_queue_depth',
      help: 'Undelivered, unexpired messages in all queues',
      registers,
      collect() {
        if (queueDepth !== undefined) this.set(queueDepth());
      },
    });
    this.enqueued = new Counter({
      name: 'qpc_messages_enqueued_total',
      help: 'Messages accepted for delivery',
      registers,
    });
    this.delivered = new Counter({
      name: 'qpc_messages_delivered_total',
      help: 'Messages acknowledged by their recipient',
      registers,
    });
    this.authFailures = new Counter({
      name: 'qpc_auth_failures_total',
      help: 'Failed logins and rejected credentials by reason',
      labelNames: ['reason'],
      registers,
    });
    this.rateLimitHits = new Counter({
      name: 'rate_limit_hit_total',
      help: 'Requests refused by a rate limit, by scope',
      labelNames: ['scope'],
      registers,
    });
    this.storageErrors = new Counter({
      name: 'qpc_storage_errors_total',
      help: 'Database or disk failures by kind: full (disk full) or unavailable (busy, I/O, read-only)',
      labelNames: ['kind'],
      registers,
    });
    this.transportRefusals = new Counter({
      name: 'qpc_transport_refused_total',
      help: 'Handshakes dropped and streams reset for being over a per-IP share, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.storageExhaustedGauge = new Gauge({
      name: 'qpc_storage_exhausted',
      help: '1 while the disk is full and new messages are refused with RESOURCE_EXHAUSTED',
      registers,
    });
    this.writeBatchSize = new Histogram({
      name: 'qpc_write_batch_size',
      help: 'Writes that shared one transaction and one fsync (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    });
    this.writeBatchDuration = new Histogram({
      name: 'qpc_write_batch_duration_seconds',
      help: 'Time one group-commit transaction held the event loop, fsync included',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers,
    });
    const monitor = eventLoopDelay();
    new Gauge({
      name: 'qpc_event_loop_delay_seconds',
      help: 'Event-loop delay since the previous scrape (perf_hooks monitorEventLoopDelay), by statistic',
      labelNames: ['stat'],
      registers,
      collect() {
        // An empty histogram reports NaN/huge values; report 0 until a sample exists.
        const ok = monitor.count > 0;
        this.set({ stat: 'p50' }, ok ? monitor.percentile(50) / 1e9 : 0);
        this.set({ stat: 'p99' }, ok ? monitor.percentile(99) / 1e9 : 0);
        this.set({ stat: 'max' }, ok ? monitor.max / 1e9 : 0);
        this.set({ stat: 'mean' }, ok ? monitor.mean / 1e9 : 0);
        monitor.reset();
      },
    });
  }

  /** One group-commit batch: how many writes it held and how long its transaction took. */
  writeBatch(size: number, durationMs: number): void {
    this.writeBatchSize.observe(size);
    this.writeBatchDuration.observe(durationMs / 1000);
  }

  transportRefused(kind: 'connections' | 'handshakes' | 'streams' | 'shut_out'): void {
    this.transportRefusals.inc({ kind });
  }

  storageFailure(kind: 'full' | 'unavailable'): void {
    this.storageErrors.inc({ kind });
  }

  storageExhausted(exhausted: boolean): void {
    this.storageExhaustedGauge.set(exhausted ? 1 : 0);
  }

  connectionOpened(): void {
    this.connectionsOpen.inc();
    this.connectionsTotal.inc();
  }

  connectionClosed(): void {
    this.connectionsOpen.dec();
  }

  /** Record one finished request. `method` is a protocol method name, `result` 'ok' or an error code. */
  requestFinished(method: string, result: string, durationSeconds: number): void {
    const label = safeLabel(method);
    this.requests.inc({ method: label, result: safeLabel(result) });
    this.latency.observe({ method: label }, durationSeconds);
    this.operations.requestFinished(label, safeLabel(result));
  }

  messagesEnqueued(count: number): void {
    this.enqueued.inc(count);
  }

  messagesDelivered(count: number): void {
    this.delivered.inc(count);
  }

  authFailure(reason: AuthFailureReason): void {
    this.authFailures.inc({ reason });
  }

  rateLimitHit(scope: RateLimitScope): void {
    this.rateLimitHits.inc({ scope });
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
