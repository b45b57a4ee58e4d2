/** Which namespaces' resources an identity may read: one review across all, else one per namespace. */
import type { Access } from './access.ts';
import type { AccessQuestion, Identity } from './types.ts';

export type Readable = { readonly group: string; readonly resource: string };

export const SYNCS: Readable = { group: 'moor.dev', resource: 'syncs' };
export const SOURCES: Readable = { group: 'moor.dev', resource: 'gitrepositories' };
export const EVENTS: Readable = { group: '', resource: 'events' };

export type Visibility = (namespace: string) => Promise<boolean>;

/** `list` of `what` across namespaces, else in each namespace asked about (answers remembered). */
export function visibilityFor(
  access: Access,
  who: Identity,
  what: Readable,
  signal: AbortSignal,
): Visibility {
  const ask = (namespace?: string): Promise<boolean> => {
    const question: AccessQuestion = { verb: 'list', ...what, namespace };
    return access.allowed(who, question, signal);
  };
  let everywhere: Promise<boolean> | undefined;
  const perNamespace = new Map<string, Promise<boolean>>();
  return async (namespace) => {
    everywhere ??= ask();
    if (await everywhere) return true;
    let answer = perNamespace.get(namespace);
    if (answer === undefined) {
      answer = ask(namespace);
      perNamespace.set(namespace, answer);
    }
    return answer;
  };
}

/** The items whose namespace `visible` admits, in their order. */
export async function filterVisible<T extends { namespace: string }>(
  items: readonly T[],
  visible: Visibility,
): Promise<T[]> {
  const namespaces = [...new Set(items.map((i) => i.namespace))];
  const answers = await Promise.all(namespaces.map(async (ns) => [ns, await visible(ns)] as const));
  const admitted = new Set(answers.filter(([, yes]) => yes).map(([ns]) => ns));
  return items.filter((i) => admitted.has(i.namespace));
}
