// A list+watch of one kind in one namespace that timestamps every change as it arrives, so a
// benchmark can ask "when did this object first satisfy X?" without polling the API server.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../src/core/index.ts';
import type { KubeClient, WatchEvent } from '../../src/kube/index.ts';

export type Seen = { readonly at: number; readonly obj: KubeObject };

type Waiter = {
  readonly name: string;
  readonly check: (obj: KubeObject) => boolean;
  readonly done: (seen: Seen) => void;
};

export type Tracker = {
  /** The newest version seen of `name`. */
  get(name: string): KubeObject | undefined;
  all(): KubeObject[];
  /**
   * Resolves with the time (performance.now()) of the first event at or after this call in which
   * `name` satisfies `check` (the current version counts); rejects after `timeoutMs`.
   */
  waitFor(name: string, check: (obj: KubeObject) => boolean, timeoutMs: number): Promise<Seen>;
  /** Like waitFor, for a condition over every object of the kind. */
  waitForAll(check: (objs: KubeObject[]) => boolean, timeoutMs: number): Promise<number>;
  stop(): void;
};

const RETRY_MS = 200;

export async function trackKind(
  kube: KubeClient,
  target: { apiVersion: string; kind: string; namespace: string },
  signal: AbortSignal,
  /** Called with every version seen (listed, added or modified), also of objects since deleted. */
  onVersion?: (obj: KubeObject) => void,
): Promise<Tracker> {
  const stopper = new AbortController();
  const stopSignal = AbortSignal.any([signal, stopper.signal]);
  const objects = new Map<string, KubeObject>();
  const waiters = new Set<Waiter>();
  const allWaiters = new Set<{ check: (o: KubeObject[]) => boolean; done: (at: number) => void }>();
  const what = `${target.kind} in ${target.namespace}`;

  const notify = (name: string, obj: KubeObject | undefined, at: number): void => {
    if (obj)
      for (const w of waiters)
        if (w.name === name && w.check(obj)) {
          waiters.delete(w);
          w.done({ at, obj });
        }
    if (allWaiters.size === 0) return;
    const list = [...objects.values()];
    for (const w of allWaiters)
      if (w.check(list)) {
        allWaiters.delete(w);
        w.done(at);
      }
  };

  const list = async (): Promise<string> => {
    const listed = await kube.list(
      target.apiVersion,
      target.kind,
      { namespace: target.namespace },
      stopSignal,
    );
    if (!listed.ok) throw listed.error;
    objects.clear();
    const at = performance.now();
    for (const o of listed.value.items) objects.set(o.metadata.name ?? '', o);
    for (const o of listed.value.items) onVersion?.(o);
    for (const o of listed.value.items) notify(o.metadata.name ?? '', o, at);
    return listed.value.resourceVersion;
  };

  const onEvent = (e: WatchEvent, setVersion: (v: string) => void): void => {
    const at = performance.now();
    const version = e.object.metadata.resourceVersion;
    if (version) setVersion(version);
    if (e.type === 'BOOKMARK') return;
    const name = e.object.metadata.name ?? '';
    if (e.type === 'DELETED') objects.delete(name);
    else {
      objects.set(name, e.object);
      onVersion?.(e.object);
    }
    notify(name, e.type === 'DELETED' ? undefined : e.object, at);
  };

  let version = await list();
  const loop = async (): Promise<void> => {
    while (!stopSignal.aborted) {
      const watched = await kube.watch(
        target.apiVersion,
        target.kind,
        { namespace: target.namespace, resourceVersion: version, timeoutSeconds: 300 },
        (e) => onEvent(e, (v) => (version = v)),
        stopSignal,
      );
      if (stopSignal.aborted) return;
      if (!watched.ok) {
        await sleep(RETRY_MS);
        if (stopSignal.aborted) return;
        version = await list().catch(() => version);
      }
    }
  };
  void loop();

  return {
    get: (name) => objects.get(name),
    all: () => [...objects.values()],
    waitFor: (name, check, timeoutMs) =>
      new Promise<Seen>((done, fail) => {
        const current = objects.get(name);
        if (current && check(current)) return done({ at: performance.now(), obj: current });
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          fail(new Error(`timed out after ${timeoutMs} ms waiting for ${target.kind} ${name}`));
        }, timeoutMs);
        const waiter: Waiter = {
          name,
          check,
          done: (seen) => {
            clearTimeout(timer);
            done(seen);
          },
        };
        waiters.add(waiter);
      }),
    waitForAll: (check, timeoutMs) =>
      new Promise<number>((done, fail) => {
        if (check([...objects.values()])) return done(performance.now());
        const timer = setTimeout(() => {
          allWaiters.delete(waiter);
          fail(new Error(`timed out after ${timeoutMs} ms waiting for every ${what}`));
        }, timeoutMs);
        const waiter = {
          check,
          done: (at: number) => {
            clearTimeout(timer);
            done(at);
          },
        };
        allWaiters.add(waiter);
      }),
    stop: () => stopper.abort(),
  };
}

type Condition = { type: string; status: string; reason?: string; message?: string };

export function conditionOf(obj: KubeObject | undefined, type: string): Condition | undefined {
  return ((obj?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === type,
  );
}

/** The Sync is Ready and its lastAppliedRevision names `sha` (any revision when omitted). */
export function isReadyOn(sha?: string): (obj: KubeObject) => boolean {
  return (obj) => {
    const applied =
      (obj.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision ?? '';
    if (conditionOf(obj, 'Ready')?.status !== 'True') return false;
    return sha === undefined ? applied !== '' : applied.endsWith(sha);
  };
}
