// Child process for the crash test: enqueue one message, report its id, then hang until killed.
import { fromHex } from '../../../lib/bytes.js';
import { systemClock } from '../../../lib/clock.js';
import { openServerDatabase } from '../../storage/openServerDatabase.js';
import { DeliveryQueues } from '../deliveryQueues.js';

const [path, keyHex] = process.argv.slice(2);
const db = openServerDatabase(path ?? '', fromHex(keyHex ?? ''));
const queues = new DeliveryQueues(db, {
  clock: systemClock,
  messageMaxBytes: 1024,
  queueCap: 10,
  messageTtlMs: 86_400_000,
});
const { id } = queues.enqueue(new Uint8Array(32).fill(1), new Uint8Array([1, 2, 3]));
process.stdout.write(`enqueued ${id}\n`);
setInterval(() => undefined, 1_000_000);
