/**
 * Reads what `buildTree` needs: each inventory entry live, then level by level the objects of the
 * kinds they own in their namespace (one list per namespace and kind).
 */
import pLimit from 'p-limit';
import type { Sync } from '../../api/index.ts';
import {
  err,
  formatApiVersion,
  objectIdOf,
  objectKey,
  ok,
  type KubeObject,
  type Result,
} from '../../core/index.ts';
import type { KubeClient, KubeError } from '../../kube/index.ts';
import { buildTree, MAX_TREE_DEPTH, ownedKinds, type TreeNode } from './tree.ts';

type Deps = { readonly kube: KubeClient; readonly now: Date; readonly signal: AbortSignal };

async function liveEntries(
  deps: Deps,
  sync: Sync,
  limit: ReturnType<typeof pLimit>,
): Promise<Result<Map<string, KubeObject>, KubeError>> {
  const entries = sync.status?.inventory?.entries ?? [];
  const got = await Promise.all(
    entries.map((e) =>
      limit(() =>
        deps.kube.get(
          {
            apiVersion: formatApiVersion(e.group, e.version),
            kind: e.kind,
            ...(e.namespace ? { namespace: e.namespace } : {}),
            name: e.name,
          },
          deps.signal,
        ),
      ),
    ),
  );
  const live = new Map<string, KubeObject>();
  for (const g of got) {
    if (!g.ok && g.error.code !== 'UnknownKind') return g;
    if (g.ok && g.value) live.set(objectKey(objectIdOf(g.value)), g.value);
  }
  return ok(live);
}

async function ownedBelow(
  deps: Deps,
  roots: readonly KubeObject[],
  limit: ReturnType<typeof pLimit>,
): Promise<Result<KubeObject[], KubeError>> {
  const listed = new Map<string, KubeObject[]>();
  const owned: KubeObject[] = [];
  let level = roots;
  for (let depth = 1; depth < MAX_TREE_DEPTH && level.length > 0; depth++) {
    const wanted = new Map<string, { apiVersion: string; kind: string; namespace: string }>();
    for (const o of level) {
      const namespace = o.metadata.namespace ?? '';
      for (const k of ownedKinds(o.apiVersion, o.kind))
        wanted.set(`${k.apiVersion}|${k.kind}|${namespace}`, { ...k, namespace });
    }
    const keys = [...wanted.keys()].filter((k) => !listed.has(k));
    const answers = await Promise.all(
      keys.map((key) =>
        limit(async () => {
          const w = wanted.get(key);
          if (!w) return ok([]);
          const res = await deps.kube.list(
            w.apiVersion,
            w.kind,
            { namespace: w.namespace },
            deps.signal,
          );
          return res.ok ? ok(res.value.items) : res;
        }),
      ),
    );
    const next: KubeObject[] = [];
    for (const [i, a] of answers.entries()) {
      if (!a.ok) return err(a.error);
      listed.set(keys[i] ?? '', a.value);
      next.push(...a.value);
    }
    owned.push(...next);
    level = next;
  }
  return ok(owned);
}

/** The Sync's tree; objects the inventory names that are gone show as `Missing`. */
export async function gatherTree(deps: Deps, sync: Sync): Promise<Result<TreeNode[], KubeError>> {
  const limit = pLimit(8);
  const live = await liveEntries(deps, sync, limit);
  if (!live.ok) return live;
  const owned = await ownedBelow(deps, [...live.value.values()], limit);
  if (!owned.ok) return owned;
  return ok(
    buildTree({
      entries: sync.status?.inventory?.entries ?? [],
      live: live.value,
      owned: owned.value,
      drift: sync.status?.drift?.objects ?? [],
      now: deps.now,
    }),
  );
}
