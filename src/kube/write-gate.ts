// A client that sends writes only while a gate allows them (leader election: standbys read, the
// leader writes). Reads, watches and dry-runs always pass; a refused write is `NotLeader`.
import { err, formatObjectId, parseApiVersion, type KubeObject } from '../core/index.ts';
import { KubeError } from './errors.ts';
import type { KubeClient, ObjectRef } from './types.ts';

export type WriteGate = {
  /** Asked before every write, at the moment it would be sent. */
  mayWrite(): boolean;
  /** Who is asking, for the refusal's message (`moor-0_3f2a`). */
  readonly identity: string;
};

const subjectOf = (ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'> & { namespace?: string }) =>
  formatObjectId({
    group: parseApiVersion(ref.apiVersion).group,
    kind: ref.kind,
    namespace: ref.namespace ?? '',
    name: ref.name,
  });

const objectSubject = (obj: KubeObject): string =>
  subjectOf({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name ?? obj.metadata.generateName ?? '',
  });

function refused(verb: string, subject: string, gate: WriteGate): KubeError {
  return new KubeError('NotLeader', `${verb} ${subject}: refused, ${gate.identity} does not lead`, {
    verb,
    subject,
  });
}

/** Wraps `kube` so that apply, create, update, delete and status/merge patches need `gate`. */
export function gateWrites(kube: KubeClient, gate: WriteGate): KubeClient {
  const client: KubeClient = {
    ...kube,
    requestCounts: kube.requestCounts,
    apply: (obj, opts, signal) =>
      opts.dryRun || gate.mayWrite()
        ? kube.apply(obj, opts, signal)
        : Promise.resolve(err(refused('apply', objectSubject(obj), gate))),
    create: (obj, signal) =>
      gate.mayWrite()
        ? kube.create(obj, signal)
        : Promise.resolve(err(refused('create', objectSubject(obj), gate))),
    update: (obj, signal) =>
      gate.mayWrite()
        ? kube.update(obj, signal)
        : Promise.resolve(err(refused('update', objectSubject(obj), gate))),
    delete: (ref, opts, signal) =>
      opts.dryRun || gate.mayWrite()
        ? kube.delete(ref, opts, signal)
        : Promise.resolve(err(refused('delete', subjectOf(ref), gate))),
    patchStatus: (ref, status, opts, signal) =>
      gate.mayWrite()
        ? kube.patchStatus(ref, status, opts, signal)
        : Promise.resolve(err(refused('apply status', subjectOf(ref), gate))),
    mergePatch: (ref, patch, signal) =>
      gate.mayWrite()
        ? kube.mergePatch(ref, patch, signal)
        : Promise.resolve(err(refused('merge-patch', subjectOf(ref), gate))),
    impersonate: (user, groups) => gateWrites(kube.impersonate(user, groups), gate),
  };
  return client;
}
