/**
 * What the client can say about an object being created without asking the API server
 * (ADR 0035): `valid` only for a kind whose whole validation is known here and only when every
 * field is one this check knows; anything else is `ask`, for the server's dry-run to judge (and
 * word the error). It never says `invalid`, so an error always reads as the server writes it.
 */
import type { KubeObject } from '../core/index.ts';

export type LocalVerdict = 'valid' | 'ask';

/** ConfigMap data and binaryData together (corev1.MaxSecretSize). */
const MAX_DATA_BYTES = 1024 * 1024;
/** Annotations, keys and values together (apimachinery TotalAnnotationSizeLimitB). */
const MAX_ANNOTATION_BYTES = 256 * 1024;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const METADATA_FIELDS = new Set(['name', 'namespace', 'labels', 'annotations']);
const CONFIG_MAP_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'data', 'immutable']);

const isSubdomain = (s: string) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
const isLabel = (s: string) => s.length <= 63 && DNS1123_LABEL.test(s);

/** A label or annotation key: an optional DNS-subdomain prefix, `/`, a name of ≤ 63. */
function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.at(-1) ?? '';
  if (parts.length === 2 && !isSubdomain(parts[0] ?? '')) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

function stringRecord(value: unknown): [string, string][] | undefined {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, v]) => typeof v === 'string')
    ? (entries as [string, string][])
    : undefined;
}

function metadataValid(obj: KubeObject): boolean {
  const meta = obj.metadata as Record<string, unknown>;
  if (!Object.keys(meta).every((k) => METADATA_FIELDS.has(k))) return false;
  const { name, namespace } = obj.metadata;
  if (typeof name !== 'string' || !isSubdomain(name)) return false;
  if (typeof namespace !== 'string' || !isLabel(namespace)) return false;
  const labels = stringRecord(meta.labels);
  const annotations = stringRecord(meta.annotations);
  if (!labels || !annotations) return false;
  if (!labels.every(([k, v]) => isQualifiedName(k) && v.length <= 63 && LABEL_VALUE.test(v)))
    return false;
  let size = 0;
  for (const [k, v] of annotations) {
    if (!isQualifiedName(k)) return false;
    size += Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8');
  }
  return size <= MAX_ANNOTATION_BYTES;
}

const isConfigMapKey = (k: string) =>
  k.length <= 253 && CONFIG_MAP_KEY.test(k) && k !== '.' && !k.startsWith('..');

function configMapValid(obj: KubeObject): boolean {
  if (obj.apiVersion !== 'v1') return false;
  const o = obj as Record<string, unknown>;
  if (!Object.keys(o).every((k) => CONFIG_MAP_FIELDS.has(k))) return false;
  if (o.immutable !== undefined && typeof o.immutable !== 'boolean') return false;
  const data = stringRecord(o.data);
  if (!data) return false;
  let size = 0;
  for (const [k, v] of data) {
    if (!isConfigMapKey(k)) return false;
    // Bytes as the server counts them (UTF-8), not UTF-16 units.
    size += Buffer.byteLength(v, 'utf8');
  }
  return size <= MAX_DATA_BYTES && metadataValid(obj);
}

const validators: Readonly<Record<string, (obj: KubeObject) => boolean>> = {
  ConfigMap: configMapValid,
};

/** The kinds this check can judge (core group). */
export const LOCALLY_JUDGED_KINDS: ReadonlySet<string> = new Set(Object.keys(validators));

/** `valid` when the API server's own validation of this new object cannot refuse it. */
export function localVerdict(obj: KubeObject): LocalVerdict {
  const validate = Object.hasOwn(validators, obj.kind) ? validators[obj.kind] : undefined;
  return validate?.(obj) ? 'valid' : 'ask';
}
