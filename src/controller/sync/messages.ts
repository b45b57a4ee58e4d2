/** The InSync messages of a Sync's status and events. Pure. */

/** The InSync message when every desired object matches the revision. */
export function matchMessage(count: number, revision: string): string {
  return count === 1
    ? `the 1 object matches revision ${revision}`
    : `all ${count} objects match revision ${revision}`;
}

/** The InSync message when some objects differ: how many, and the first five. */
export function differMessage(objects: readonly string[], revision: string): string {
  const n = objects.length;
  const counted = n === 1 ? '1 object differs' : `${n} objects differ`;
  return `${counted} from revision ${revision}: ${objects.slice(0, 5).join('; ')}`;
}

/** Failed objects named in one message; the rest are counted (a condition holds at most 32 KiB). */
export const MAX_FAILED_LISTED = 10;

/** The Ready message of a failed apply: the first failures' messages, then how many more. */
export function failedMessage(messages: readonly string[], revision: string): string {
  const listed = messages.slice(0, MAX_FAILED_LISTED).join('; ');
  const more = messages.length - MAX_FAILED_LISTED;
  return `revision ${revision}: ${listed}${more > 0 ? `; and ${more} more failed` : ''}`;
}
