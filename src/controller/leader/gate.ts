/** Work that only the leader may do: a queue handler that waits for leadership before it runs. */
import type { QueueHandler } from '../queue.ts';
import type { Leadership } from './elector.ts';

/**
 * A standby's workers wait here with the keys they took (the queue keeps collecting the others),
 * so everything its warm informers queued runs as soon as it leads. Aborted: the key is dropped.
 */
export function whileLeading(
  leadership: Pick<Leadership, 'whenLeading'>,
  handler: QueueHandler,
): QueueHandler {
  return async (key, signal, lane) => {
    if (!(await leadership.whenLeading(signal))) return;
    await handler(key, signal, lane);
  };
}
