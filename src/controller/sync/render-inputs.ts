/**
 * What a Sync's render reads from the cluster besides the artifact: the variables of
 * `spec.substituteFrom` (ConfigMaps, Secrets) and the age identities of `spec.decryption`. Read
 * at every reconcile, from the watch of render inputs when it has them (render-inputs-watch.ts);
 * their resourceVersions make the digest that keys the render cache, so a changed ConfigMap
 * re-renders the Syncs that use it.
 */
import { createHash, type Hash } from 'node:crypto';
import { VARIABLE_NAME, type Sync } from '../../api/index.ts';
import { ConditionReasons, err, ok, type KubeObject, type Result } from '../../core/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import { mergeVariables, type SubstituteOptions } from '../../render/index.ts';

export type RenderInputs = {
  readonly substitute: SubstituteOptions | undefined;
  /** age identities (`AGE-SECRET-KEY-1…`) from the decryption Secret; undefined: no decryption. */
  readonly identities: readonly string[] | undefined;
  /** Of the options and the resourceVersions read; '' when the Sync uses none. */
  readonly digest: string;
};

/** Why the inputs could not be read; the message names the object, never a value. */
export type InputsFailure = { readonly reason: string; readonly message: string };

type Reader = Pick<KubeClient, 'get'>;

/**
 * The data of a ConfigMap or Secret as text (Secret data decoded): the one decode of every input
 * a render reads from the cluster (substituteFrom, valuesFrom, decryption and repository Secrets).
 */
export function dataOf(obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  const data = (obj.data ?? {}) as Record<string, string>;
  const decode = obj.kind === 'Secret';
  for (const [k, v] of Object.entries(data))
    out[k] = decode ? Buffer.from(v, 'base64').toString('utf8') : v;
  return out;
}

async function read(
  kube: Reader,
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<Result<KubeObject | undefined, InputsFailure>> {
  const got = await kube.get({ apiVersion: 'v1', kind, namespace, name }, signal);
  if (got.ok) return ok(got.value);
  const reason = ConditionReasons.BuildFailed;
  return err({ reason, message: `reading ${kind} ${namespace}/${name}: ${got.error.message}` });
}

/** The age identities of a decryption Secret: keys ending in `.agekey`, one or more per value. */
export function identitiesOf(data: Readonly<Record<string, string>>): string[] {
  const keys = Object.keys(data)
    .filter((k) => k.endsWith('.agekey'))
    .sort();
  return keys.flatMap((k) =>
    (data[k] ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('AGE-SECRET-KEY-')),
  );
}

/** Reads the Sync's substitution sources and decryption Secret. */
export async function gatherRenderInputs(
  kube: Reader,
  sync: Sync,
  signal: AbortSignal,
): Promise<Result<RenderInputs, InputsFailure>> {
  const hash = createHash('sha256');
  const substitute = await substitution(kube, sync, hash, signal);
  if (!substitute.ok) return substitute;
  const identities = await decryptionIdentities(kube, sync, hash, signal);
  if (!identities.ok) return identities;
  const used = substitute.value !== undefined || identities.value !== undefined;
  return ok({
    substitute: substitute.value,
    identities: identities.value,
    digest: used ? hash.digest('hex').slice(0, 16) : '',
  });
}

/** The merged variables: substituteFrom in order, then spec.substitute; undefined: none. */
async function substitution(
  kube: Reader,
  sync: Sync,
  hash: Hash,
  signal: AbortSignal,
): Promise<Result<SubstituteOptions | undefined, InputsFailure>> {
  const { spec } = sync;
  const namespace = sync.metadata.namespace ?? '';
  const from = spec.substituteFrom ?? [];
  if (spec.substitute === undefined && from.length === 0) return ok(undefined);
  const sets: Record<string, string>[] = [];
  for (const ref of from) {
    const got = await read(kube, ref.kind, namespace, ref.name, signal);
    if (!got.ok) return got;
    hash.update(`${ref.kind}/${ref.name}@${got.value?.metadata.resourceVersion ?? '-'}\n`);
    if (got.value) sets.push(validNames(dataOf(got.value)));
    else if (!ref.optional) {
      const reason =
        ref.kind === 'Secret' ? ConditionReasons.SecretNotFound : ConditionReasons.BuildFailed;
      const message = `spec.substituteFrom: ${ref.kind} ${namespace}/${ref.name} not found (set optional: true if it may be missing)`;
      return err({ reason, message });
    }
  }
  if (spec.substitute) sets.push(spec.substitute);
  const strict = spec.substituteStrict === true;
  hash.update(JSON.stringify([spec.substitute ?? null, strict]));
  return ok({ variables: mergeVariables(sets), strict });
}

/** Only keys that can be named as `${KEY}` are variables (a ConfigMap may hold others). */
function validNames(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => VARIABLE_NAME.test(k)));
}

async function decryptionIdentities(
  kube: Reader,
  sync: Sync,
  hash: Hash,
  signal: AbortSignal,
): Promise<Result<string[] | undefined, InputsFailure>> {
  const ref = sync.spec.decryption?.secretRef;
  if (!ref) return ok(undefined);
  const namespace = sync.metadata.namespace ?? '';
  const got = await read(kube, 'Secret', namespace, ref.name, signal);
  if (!got.ok) return got;
  if (!got.value) {
    const message = `spec.decryption.secretRef: Secret ${namespace}/${ref.name} not found`;
    return err({ reason: ConditionReasons.SecretNotFound, message });
  }
  hash.update(`decryption:${ref.name}@${got.value.metadata.resourceVersion ?? '-'}\n`);
  return ok(identitiesOf(dataOf(got.value)));
}
