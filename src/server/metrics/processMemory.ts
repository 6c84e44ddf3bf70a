import { Gauge, type Registry } from 'prom-client';

/**
 * qpc_process_memory_bytes{kind}: where the server's resident memory is, read at each scrape from
 * process.memoryUsage(). `native` is what is left of the RSS once the JS heap and the buffers Node
 * accounts for are taken out: code, the QUIC stack (quiche), SQLCipher's page cache, allocator slack.
 */
export function registerProcessMemory(registers: Registry[]): void {
  new Gauge({
    name: 'qpc_process_memory_bytes',
    help: 'Resident memory by kind: rss, heap_used, heap_total, external, array_buffers, native',
    labelNames: ['kind'],
    registers,
    collect() {
      const usage = process.memoryUsage();
      this.set({ kind: 'rss' }, usage.rss);
      this.set({ kind: 'heap_used' }, usage.heapUsed);
      this.set({ kind: 'heap_total' }, usage.heapTotal);
      this.set({ kind: 'external' }, usage.external);
      this.set({ kind: 'array_buffers' }, usage.arrayBuffers);
      this.set({ kind: 'native' }, Math.max(0, usage.rss - usage.heapTotal - usage.external));
    },
  });
}
