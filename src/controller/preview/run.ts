/**
 * One preview from a Sync's name: read and parse the Sync, fetch the ref (into a temporary
 * directory removed afterwards) or take the local directory, and compute the preview.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSync, type Sync } from '../../api/index.ts';
import { err, ok, type Result } from '../../core/index.ts';
import type { GitClient } from '../../git/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { KustomizeSettings } from '../../render/index.ts';
import { secretReader } from '../secrets.ts';
import type { Preview } from './compare.ts';
import { computePreview } from './compute.ts';
import { PreviewError, PreviewErrorCodes } from './errors.ts';
import { fetchSyncRef } from './fetch.ts';

export type PreviewSyncDeps = {
  readonly kube: KubeClient;
  readonly git: GitClient;
  readonly kustomize: KustomizeSettings;
  readonly allowFileUrls: boolean;
  /** Parent of the temporary checkout (default the OS temp dir). */
  readonly tmpDir?: string;
  readonly signal: AbortSignal;
};

/** Which state: a ref of the Sync's source, or a local directory holding the Sync's path. */
export type PreviewState =
  { readonly ref: string; readonly sha?: string | undefined } | { readonly dir: string };

export type PreviewRequest = {
  readonly namespace: string;
  readonly name: string;
  readonly state: PreviewState;
};

async function readSync(
  kube: KubeClient,
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<Result<Sync, PreviewError>> {
  const subject = `Sync ${namespace}/${name}`;
  const ref = { apiVersion: 'moor.dev/v1alpha1', kind: 'Sync', namespace, name };
  const got = await kube.get(ref, signal);
  const fail = (
    code: (typeof PreviewErrorCodes)[keyof typeof PreviewErrorCodes],
    message: string,
  ) => err(new PreviewError(code, message, { subject }));
  if (!got.ok) return fail(PreviewErrorCodes.apiFailed, got.error.message);
  if (!got.value) return fail(PreviewErrorCodes.notFound, `${subject} not found`);
  const parsed = parseSync(got.value);
  return parsed.ok ? parsed : fail(PreviewErrorCodes.invalid, parsed.error.message);
}

async function previewDirectory(
  deps: PreviewSyncDeps,
  sync: Sync,
  dir: string,
): Promise<Result<Preview, PreviewError>> {
  const full = resolve(dir);
  const isDir = await stat(full).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    const message = `--path ${dir}: not a directory`;
    return err(new PreviewError(PreviewErrorCodes.notFound, message, { subject: dir }));
  }
  return computePreview(deps, { sync, dir: full, path: '.', revision: full });
}

/** The preview of one Sync at one state; nothing is written to the cluster. */
export async function previewSync(
  deps: PreviewSyncDeps,
  request: PreviewRequest,
): Promise<Result<Preview, PreviewError>> {
  const sync = await readSync(deps.kube, request.namespace, request.name, deps.signal);
  if (!sync.ok) return sync;
  if ('dir' in request.state) return previewDirectory(deps, sync.value, request.state.dir);
  const scratch = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'moor-preview-'));
  try {
    const dir = join(scratch, 'tree');
    const readSecret = secretReader(deps.kube);
    const fetched = await fetchSyncRef(
      { ...deps, readSecret },
      sync.value,
      request.state.ref,
      dir,
      request.state.sha,
    );
    if (!fetched.ok) return fetched;
    const path = sync.value.spec.path;
    const target = { sync: sync.value, dir, path, revision: fetched.value.revision };
    const preview = await computePreview(deps, target);
    return preview.ok ? ok(preview.value) : preview;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
