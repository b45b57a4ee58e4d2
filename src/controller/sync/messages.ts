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
